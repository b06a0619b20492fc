// Opt-out and opt-in by reply (SPEC §5.6), on the Contact. A STOP to a shared sender opts the phone out
// in every workspace that uses that sender: the carrier stops delivering for all of them anyway.
import type { EntityManager } from "@mikro-orm/postgresql";
import { emitWebhookEvent } from "../webhook-events.ts";
import { workspacesWithSender } from "@rm/accounts";
import { recordConsentEvents } from "../consent/consent-history.ts";
import { cancelPendingSends } from "./pending-sends.ts";

export interface OptChange {
  /** The patient's phone, E.164. */
  phone: string;
  channel: "SMS" | "WHATSAPP";
  /** Our sender the patient wrote to, as stored in messages.from_address. */
  sender: string;
  /** What the patient wrote, for the record ("SMS:BAJA"). */
  keyword: string;
  now: Date;
}

/**
 * Deliberately cross-tenant (an inbound message belongs to the sender, not to one tenant): every
 * workspace that has written to this phone from this sender (messages_route_idx), or has the sender
 * configured. A workspace on the platform's default sender that has not written yet learns it from the
 * carrier: its first send is refused with 21610, which opts the contact out (send-message.ts).
 */
async function workspacesUsingSender(em: EntityManager, phone: string, sender: string, routedWorkspaceId: string): Promise<string[]> {
  const bare = sender.replace(/^whatsapp:/, "");
  const rows = await em.execute<{ id: string }[]>("select distinct workspace_id as id from messages where to_address in (?, ?) and from_address = ?", [phone, `whatsapp:${phone}`, sender]);
  const configured = await workspacesWithSender(em, [sender, bare]);
  return [...new Set([routedWorkspaceId, ...rows.map((r) => r.id), ...configured])];
}

/** Returns whether the contact of the routed workspace was opted in before (so a confirmation is due). */
export async function optOut(em: EntityManager, routedWorkspaceId: string, change: OptChange): Promise<{ wasOptedIn: boolean; workspaces: number }> {
  const source = `${change.channel}:${change.keyword.trim().slice(0, 40).toUpperCase()}`;
  let wasOptedIn = false;
  const workspaces = await workspacesUsingSender(em, change.phone, change.sender, routedWorkspaceId);
  for (const workspaceId of workspaces) {
    const contacts = await em.execute<{ id: string; opted_out_at: Date | null }[]>(
      "select id, opted_out_at from contacts where workspace_id = ? and phone = ? for update",
      [workspaceId, change.phone],
    );
    for (const c of contacts) {
      if (c.opted_out_at === null) {
        if (workspaceId === routedWorkspaceId) wasOptedIn = true;
        await em.execute("update contacts set opted_out_at = ?, opted_out_source = ?, updated_at = ? where id = ?", [change.now, source, change.now, c.id], "run");
        // The history: withdrawn on the channel the patient wrote on, their words as the evidence.
        await recordConsentEvents(em, [
          { workspaceId, contactId: c.id, channel: change.channel, action: "WITHDRAWN", source: "REPLY", at: change.now, actorId: null, evidence: change.keyword },
        ]);
        await emitWebhookEvent(em, { workspaceId, type: "contact.opted_out", subjectId: `${c.id}:${change.now.toISOString()}`, data: { contact_id: c.id, phone: change.phone, source: "reply", channel: change.channel, opted_out_at: change.now.toISOString() }, now: change.now });
      }
      await cancelPendingSends(em, workspaceId, c.id, change.now, "El paciente pidió no recibir mensajes");
    }
  }
  return { wasOptedIn, workspaces: workspaces.length };
}

/**
 * START/ALTA/UNSTOP: undoes opt-outs the patient made by reply or the carrier reported, for the same
 * workspaces; an opt-out recorded by staff (or an erasure) stays. Consent for the channel is recorded
 * with source REPLY.
 */
export async function optIn(em: EntityManager, routedWorkspaceId: string, change: OptChange): Promise<number> {
  const consent = change.channel === "WHATSAPP" ? "whatsapp" : "sms";
  let changed = 0;
  for (const workspaceId of await workspacesUsingSender(em, change.phone, change.sender, routedWorkspaceId)) {
    const reopened = await em.execute<{ id: string }[]>(
      `update contacts set opted_out_at = null, opted_out_source = null, ${consent}_consent_at = ?, ${consent}_consent_source = 'REPLY', updated_at = ?
        where workspace_id = ? and phone = ? and erased_at is null and opted_out_at is not null
          and (opted_out_source like 'SMS:%' or opted_out_source like 'WHATSAPP:%' or opted_out_source like 'provider:%')
        returning id`,
      [change.now, change.now, workspaceId, change.phone],
    );
    await recordConsentEvents(
      em,
      reopened.map((c) => ({ workspaceId, contactId: c.id, channel: change.channel, action: "GRANTED" as const, source: "REPLY" as const, at: change.now, actorId: null, evidence: change.keyword })),
    );
    changed += reopened.length;
  }
  return changed;
}
