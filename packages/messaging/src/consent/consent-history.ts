// Consent events (SPEC §13): the append-only history of a contact's consent per channel and purpose.
// The contact row keeps the current state the send path reads in one cheap row lock (consent times,
// opt-out, erasure); every change of it writes its event here in the same transaction. Append-only:
// this package only ever inserts (no update or delete path; a trigger refuses UPDATE), except that
// erasure clears the evidence text (eraseConsentEvidence) as it clears every other text of the person.
// Import grants are written inside the import's batch upsert (import-rows.ts), not here.
import type { EntityManager } from "@mikro-orm/postgresql";
import { executeBound, pgArray, scopedQuery } from "@rm/db";

export type ConsentChannel = "SMS" | "WHATSAPP";
/** Feedback requests, and marketing (broadcasts, SPEC §14): separate consents, one history. */
export type ConsentPurpose = "FEEDBACK_REQUESTS" | "MARKETING";
export type ConsentAction = "GRANTED" | "WITHDRAWN";
export type ConsentSource = "IMPORT" | "FORM" | "STAFF" | "REPLY" | "API";

/** The purpose every consent of today is for. */
export const FEEDBACK_REQUESTS: ConsentPurpose = "FEEDBACK_REQUESTS";
/** Longest evidence kept (a reply or a staff note); longer text is cut. */
export const EVIDENCE_MAX_LENGTH = 1000;

export interface ConsentEventInput {
  workspaceId: string;
  contactId: string;
  channel: ConsentChannel;
  purpose?: ConsentPurpose;
  action: ConsentAction;
  source: ConsentSource;
  at: Date;
  /** The staff user; null when the patient acted. */
  actorId: string | null;
  evidence: string | null;
}

const evidenceText = (text: string | null): string | null => {
  const trimmed = text?.trim() ?? "";
  return trimmed === "" ? null : trimmed.slice(0, EVIDENCE_MAX_LENGTH);
};

/** Appends events, in the order given, in one statement. */
export async function recordConsentEvents(em: EntityManager, events: readonly ConsentEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await executeBound(
    em,
    `insert into consent_events (workspace_id, contact_id, channel, purpose, action, source, occurred_at, actor_id, evidence)
     select t.workspace_id, t.contact_id, t.channel, t.purpose, t.action, t.source, t.occurred_at, t.actor_id, t.evidence
       from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::uuid[], ?::text[]) with ordinality
            as t(workspace_id, contact_id, channel, purpose, action, source, occurred_at, actor_id, evidence, ord)
      order by t.ord`,
    [
      pgArray(events.map((e) => e.workspaceId)),
      pgArray(events.map((e) => e.contactId)),
      pgArray(events.map((e) => e.channel)),
      pgArray(events.map((e) => e.purpose ?? FEEDBACK_REQUESTS)),
      pgArray(events.map((e) => e.action)),
      pgArray(events.map((e) => e.source)),
      pgArray(events.map((e) => e.at.toISOString())),
      pgArray(events.map((e) => e.actorId)),
      pgArray(events.map((e) => evidenceText(e.evidence))),
    ],
  );
}

export interface ConsentHistoryEntry {
  id: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  action: ConsentAction;
  source: ConsentSource;
  at: Date;
  actorId: string | null;
  /** The staff user's name (null for the patient, or a user since removed). */
  actorName: string | null;
  evidence: string | null;
}

/** A contact's consent history, oldest first (ties in the order written); empty for another workspace's contact. */
export async function consentHistory(em: EntityManager, workspaceId: string, contactId: string): Promise<ConsentHistoryEntry[]> {
  const rows = await scopedQuery<{
    id: string;
    channel: ConsentChannel;
    purpose: ConsentPurpose;
    action: ConsentAction;
    source: ConsentSource;
    occurred_at: Date;
    actor_id: string | null;
    actor_name: string | null;
    evidence: string | null;
  }>(
    em,
    workspaceId,
    `select e.id::text as id, e.channel, e.purpose, e.action, e.source, e.occurred_at, e.actor_id, u.name as actor_name, e.evidence
       from consent_events e
       left join users u on u.workspace_id = e.workspace_id and u.id = e.actor_id
      where e.workspace_id = ? and e.contact_id = ?
      order by e.occurred_at, e.id`,
    [contactId],
  );
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    purpose: r.purpose,
    action: r.action,
    source: r.source,
    at: new Date(r.occurred_at),
    actorId: r.actor_id,
    actorName: r.actor_name,
    evidence: r.evidence,
  }));
}

/** Erasure: the events stay (what, when, which channel), their evidence text goes (the trigger allows only this). */
export async function eraseConsentEvidence(em: EntityManager, workspaceId: string, contactId: string): Promise<void> {
  await em.execute("update consent_events set evidence = null where workspace_id = ? and contact_id = ? and evidence is not null", [workspaceId, contactId], "run");
}
