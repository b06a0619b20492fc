// A contact as practice software sends it (POST /api/v1/contacts, SPEC §15): the phone's row with
// its name, language and consent. Consent goes through the import's upsert, so the consent history
// gets the same GRANTED events (source API) and an opt-out or erasure is never undone by it.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { upsertAndLockContacts } from "./import-rows.ts";

export interface ApiContactInput {
  workspaceId: string;
  /** E.164, normalized by the caller. */
  phone: string;
  name: string | null;
  language: "es" | "en" | null;
  consent: { sms: boolean; whatsapp: boolean };
  /** Who the consent was given to, as the caller states it. */
  evidence: string | null;
  /** The key's creator: the actor of the consent events. */
  actorId: string;
  now: Date;
}

export interface ApiContact {
  id: string;
  phone: string;
  name: string | null;
  language: string | null;
  smsConsent: boolean;
  whatsappConsent: boolean;
  optedOut: boolean;
  created: boolean;
}

export async function saveApiContact(em: EntityManager, input: ApiContactInput): Promise<ApiContact> {
  const grant = { source: "API" as const, actorId: input.actorId, evidence: input.evidence };
  const [before] = await scopedQuery<{ id: string }>(em, input.workspaceId, "select id from contacts where workspace_id = ? and phone = ?", [input.phone]);
  // One call per channel: the upsert takes one channel per row.
  await upsertAndLockContacts(em, input.workspaceId, [{ phone: input.phone, channel: "SMS", consent: input.consent.sms }], input.now, grant);
  if (input.consent.whatsapp) await upsertAndLockContacts(em, input.workspaceId, [{ phone: input.phone, channel: "WHATSAPP", consent: true }], input.now, grant);
  const [row] = await em.execute<{ id: string; phone: string; name: string | null; language: string | null; sms: boolean; wa: boolean; opted_out: boolean }[]>(
    `update contacts set name = coalesce(?, name), language = coalesce(?, language), updated_at = ?
      where workspace_id = ? and phone = ? and erased_at is null
      returning id, phone, name, language, sms_consent_at is not null as sms, whatsapp_consent_at is not null as wa, opted_out_at is not null as opted_out`,
    [input.name, input.language, input.now, input.workspaceId, input.phone],
  );
  if (!row) {
    // Erased: the row is kept only so the phone is never messaged again; nothing personal is stored.
    const [erased] = await scopedQuery<{ id: string }>(em, input.workspaceId, "select id from contacts where workspace_id = ? and phone = ?", [input.phone]);
    return { id: erased!.id, phone: input.phone, name: null, language: null, smsConsent: false, whatsappConsent: false, optedOut: true, created: false };
  }
  return { id: row.id, phone: row.phone, name: row.name, language: row.language, smsConsent: row.sms, whatsappConsent: row.wa, optedOut: row.opted_out, created: !before };
}
