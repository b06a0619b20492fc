import { defineEntity, p } from "@mikro-orm/postgresql";
import { Channel, ConsentAction, ConsentEventSource, ConsentPurpose } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Contact } from "./contact.entity.ts";

const APPEND_ONLY_BODY =
  "if (new.evidence is null or new.evidence is not distinct from old.evidence)" +
  " and (new.actor_id is null or new.actor_id is not distinct from old.actor_id)" +
  " and (new.id, new.workspace_id, new.contact_id, new.channel, new.purpose, new.action, new.source, new.occurred_at, new.recorded_at)" +
  " is not distinct from (old.id, old.workspace_id, old.contact_id, old.channel, old.purpose, old.action, old.source, old.occurred_at, old.recorded_at)" +
  " then return new; end if;" +
  " raise exception 'consent_events is append-only (event %)', old.id using errcode = 'integrity_constraint_violation';";

/**
 * A contact's consent history (SPEC §13), one row per grant or withdrawal per channel and purpose.
 * Append-only: code only inserts (owned by @rm/messaging, consent-events.ts), and a trigger refuses any
 * UPDATE except clearing `evidence` (erasure) or `actor_id` (a user removed); rows go only with their
 * contact or workspace. The contact row keeps the current state the send path reads; both are written
 * in the same transaction.
 */
export const ConsentEventSchema = defineEntity({
  name: "ConsentEvent",
  tableName: "consent_events",
  filters: workspaceFilter(),
  properties: {
    // An identity, so events of one moment keep the order they were written in.
    id: p.bigint("string").primary().autoincrement().columnType("bigint").generated("identity"),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    contact: p.manyToOne(Contact).deleteRule("cascade"),
    channel: p.enum(Channel),
    purpose: p.enum(ConsentPurpose),
    action: p.enum(ConsentAction),
    source: p.enum(ConsentEventSource),
    /** When it happened (for migrated grants, the time the contact row had stored). */
    occurredAt: p.datetime(),
    /** The staff user who recorded or imported it; null when the patient acted (reply, form). */
    actor: p.manyToOne(User).nullable().deleteRule("set null"),
    /** What the source gave: the reply's text, the staff's note, the uploader's attestation. */
    evidence: p.text().nullable(),
    recordedAt: p.datetime().defaultRaw("now()").onCreate(() => new Date()),
  },
  indexes: [{ name: "consent_events_contact_idx", properties: ["contact", "occurredAt", "id"] }],
  triggers: [
    {
      // An UPDATE may only clear the evidence (erasure) or the actor (ON DELETE SET NULL of a removed
      // user); anything else is refused.
      name: "consent_events_append_only",
      timing: "before",
      events: ["update"],
      forEach: "row",
      body: APPEND_ONLY_BODY,
    },
  ],
});

export class ConsentEvent extends ConsentEventSchema.class {}
ConsentEventSchema.setClass(ConsentEvent);
