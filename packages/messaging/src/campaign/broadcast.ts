// Broadcasts (SPEC §14): the rows of one broadcast campaign and the marketing consent they need.
// A broadcast's recipient is a `patients` row of its campaign (so replies, opt-outs, erasure and the
// campaign pages treat it like any appointment's patient) with one BROADCAST message; an excluded
// contact is a SKIPPED patient with its reason, so the results count who was left out and why.
// The send step re-checks marketing consent and the frequency cap under the contact's lock
// (send-message.ts), whatever the preview said.
import type { EntityManager } from "@mikro-orm/postgresql";
import { executeBound, outboxInsertSelect, pgArray, scopedQuery } from "@rm/db";
import { messageSendEvent } from "@rm/events";
import { recordConsentEvents, type ConsentSource } from "../consent/consent-history.ts";

/** How long the frequency cap looks back (SPEC §14: at most N broadcasts per contact in 30 days). */
export const BROADCAST_CAP_WINDOW_DAYS = 30;

export interface MarketingConsentInput {
  workspaceId: string;
  contactId: string;
  granted: boolean;
  source: Extract<ConsentSource, "STAFF" | "IMPORT" | "FORM" | "API">;
  actorId: string | null;
  /** How it was obtained (a signed form, a call): required for a staff grant. */
  evidence: string | null;
  now: Date;
}

/**
 * Records a marketing consent grant or withdrawal on the contact and in its history (one event per
 * channel: the consent covers both). Never touches the consent to feedback requests. Returns false
 * when the contact is not there or is erased (nothing recorded). The caller audits.
 */
export async function setMarketingConsent(em: EntityManager, input: MarketingConsentInput): Promise<boolean> {
  const source = input.source === "IMPORT" ? "CSV_IMPORT" : input.source;
  const res = await em.execute<{ affectedRows: number }>(
    "update contacts set marketing_consent_at = ?, marketing_consent_source = ?, updated_at = ? where workspace_id = ? and id = ? and erased_at is null",
    [input.granted ? input.now : null, input.granted ? source : null, input.now, input.workspaceId, input.contactId],
    "run",
  );
  if (res.affectedRows === 0) return false;
  await recordConsentEvents(
    em,
    (["WHATSAPP", "SMS"] as const).map((channel) => ({
      workspaceId: input.workspaceId,
      contactId: input.contactId,
      channel,
      purpose: "MARKETING" as const,
      action: input.granted ? ("GRANTED" as const) : ("WITHDRAWN" as const),
      source: input.source,
      at: input.now,
      actorId: input.actorId,
      evidence: input.evidence,
    })),
  );
  return true;
}

/** Why a contact of the audience gets no message (SPEC §14), checked in this order. */
export type BroadcastExclusion = "ERASED" | "OPTED_OUT" | "NO_MARKETING_CONSENT" | "COUNTRY_NOT_ALLOWED" | "FREQUENCY_CAP";

export interface BroadcastRecipient {
  contactId: string;
  phone: string;
  name: string;
  language: string;
  /** Null: the contact gets the message. */
  excluded: BroadcastExclusion | null;
  /** The message text for this contact (SMS, with its opt-out line); null when excluded. */
  body: string | null;
  /** WhatsApp: the approved template's ContentVariables for this contact ({"1": …}); null for SMS. */
  contentVariables?: Record<string, string> | null;
  /** Credits held for the message (0 when excluded). */
  credits: number;
  /** When its send is due (quiet hours applied). */
  due: Date;
}

export interface BroadcastHead {
  workspaceId: string;
  campaignId: string;
  channel: "SMS" | "WHATSAPP";
  /** The approved template's Content SID on the own account (WhatsApp); each message carries its variables. */
  contentSid: string | null;
  now: Date;
}

const SKIP_REASON: Record<BroadcastExclusion, string> = {
  ERASED: "ERASED",
  OPTED_OUT: "OPTED_OUT",
  NO_MARKETING_CONSENT: "NO_MARKETING_CONSENT",
  COUNTRY_NOT_ALLOWED: "COUNTRY_NOT_ALLOWED",
  FREQUENCY_CAP: "FREQUENCY_CAP",
};

/**
 * Writes the broadcast's recipients in two statements per batch: every contact as a patient of the
 * campaign (SCHEDULED, or SKIPPED with its reason), and for the eligible ones their PENDING BROADCAST
 * message with the credits held and its `message.send` outbox row due at its time. The caller holds
 * the credits (`message:<id>`) in the same transaction.
 */
export async function insertBroadcastRecipients(em: EntityManager, head: BroadcastHead, recipients: readonly (BroadcastRecipient & { patientId: string; messageId: string })[]): Promise<void> {
  if (recipients.length === 0) return;
  await executeBound(
    em,
    `insert into patients (id, workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, language, consent, status, skip_reason, created_at, updated_at)
     select t.id, ?, ?, t.contact_id, t.name, t.phone, t.due, ?, t.language, false, case when t.skip is null then 'SCHEDULED' else 'SKIPPED' end, t.skip, ?, ?
       from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[]) as t(id, contact_id, name, phone, due, language, skip)`,
    [
      head.workspaceId,
      head.campaignId,
      head.channel,
      head.now,
      head.now,
      pgArray(recipients.map((r) => r.patientId)),
      pgArray(recipients.map((r) => r.contactId)),
      pgArray(recipients.map((r) => r.name)),
      pgArray(recipients.map((r) => r.phone)),
      pgArray(recipients.map((r) => r.due.toISOString())),
      pgArray(recipients.map((r) => r.language)),
      pgArray(recipients.map((r) => (r.excluded ? SKIP_REASON[r.excluded] : null))),
    ],
  );
  const eligible = recipients.filter((r) => r.excluded === null);
  if (eligible.length === 0) return;
  await executeBound(
    em,
    `with t as materialized (
       select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::int[], ?::timestamptz[], ?::text[]) as t(id, patient_id, phone, body, credits, due, variables)
     ), m as (
       insert into messages (id, workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, content_sid, content_variables, credits_held, created_at, updated_at)
       select t.id, ?, t.patient_id, ?, 'BROADCAST', ?::text, 'PENDING',
              case when ?::text = 'WHATSAPP' then 'whatsapp:' || t.phone else t.phone end,
              t.body, ?, t.variables::jsonb, t.credits, ?, ?
         from t
     )
     ${outboxInsertSelect({
       workspaceId: "?",
       stream: messageSendEvent.stream,
       type: messageSendEvent.type,
       payload: "jsonb_build_object('messageId', t.id::text)",
       key: messageSendEvent.keySql("t.id"),
       availableAt: "t.due",
       from: "t",
     })}`,
    [
      pgArray(eligible.map((r) => r.messageId)),
      pgArray(eligible.map((r) => r.patientId)),
      pgArray(eligible.map((r) => r.phone)),
      pgArray(eligible.map((r) => r.body)),
      pgArray(eligible.map((r) => r.credits)),
      pgArray(eligible.map((r) => r.due.toISOString())),
      pgArray(eligible.map((r) => (r.contentVariables ? JSON.stringify(r.contentVariables) : null))),
      head.workspaceId,
      head.campaignId,
      head.channel,
      head.channel,
      head.contentSid,
      head.now,
      head.now,
      head.workspaceId,
    ],
  );
}

/**
 * Broadcasts this contact already has inside the cap's window, besides `exceptMessageId`: messages
 * handed (or being handed) to the provider since `since`. Read by the send step under the contact's
 * lock, so two broadcasts racing for one contact are counted one after the other.
 */
export async function broadcastsSentToContact(em: EntityManager, workspaceId: string, contactId: string, since: Date, exceptMessageId: string): Promise<number> {
  const [row] = await scopedQuery<{ n: number }>(
    em,
    workspaceId,
    `select count(*)::int as n from messages m join patients p on p.workspace_id = m.workspace_id and p.id = m.patient_id
      where m.workspace_id = ? and p.contact_id = ? and m.type = 'BROADCAST' and m.id <> ?
        and m.send_attempted_at >= ? and m.status not in ('PENDING', 'CANCELED', 'FAILED', 'UNDELIVERED')`,
    [contactId, exceptMessageId, since],
  );
  return Number(row?.n ?? 0);
}

/**
 * `broadcastsSentToContact` for a send batch: per contact, the broadcasts inside the window other than
 * the batch's own messages. The batch holds the contacts' locks (loadSendRows).
 */
export async function broadcastsSentToContacts(em: EntityManager, items: readonly { workspaceId: string; contactId: string }[], since: Date, exceptMessageIds: readonly string[]): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  const rows = await em.execute<{ contact_id: string; n: number }[]>(
    `select p.contact_id, count(*)::int as n
       from unnest(?::uuid[], ?::uuid[]) as t(workspace_id, contact_id)
       join patients p on p.workspace_id = t.workspace_id and p.contact_id = t.contact_id
       join messages m on m.workspace_id = p.workspace_id and m.patient_id = p.id
      where m.type = 'BROADCAST' and m.send_attempted_at >= ? and m.status not in ('PENDING', 'CANCELED', 'FAILED', 'UNDELIVERED')
        and m.id <> all(?::uuid[])
      group by p.contact_id`,
    [pgArray(items.map((i) => i.workspaceId)), pgArray(items.map((i) => i.contactId)), since, pgArray(exceptMessageIds)],
  );
  return new Map(rows.map((r) => [r.contact_id, Number(r.n)]));
}
