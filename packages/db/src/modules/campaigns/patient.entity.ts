import { defineEntity, p, type Opt } from "@mikro-orm/postgresql";
import { randomBytes } from "node:crypto";
import { createdAt, E164_CHECK_SQL, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { Channel, PatientStatus, SkipReason } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Contact } from "../contacts/contact.entity.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Campaign } from "./campaign.entity.ts";
import { PATIENTS_ANALYTICS_DELETE_TRIGGER_BODY, PATIENTS_ANALYTICS_TRIGGER_BODY, PATIENTS_ANALYTICS_WHEN } from "../analytics/analytics.entity.ts";

/** How long the public /q /f /r links of an appointment stay valid. */
export const PUBLIC_TOKEN_TTL_DAYS = 30;

/** 32 random bytes, base64url: unguessable and URL-safe. */
export function newPublicToken(): string {
  return randomBytes(32).toString("base64url");
}

function defaultTokenExpiry(): Date {
  return new Date(Date.now() + PUBLIC_TOKEN_TTL_DAYS * 86_400_000);
}

/** One appointment in a campaign. */
export const PatientSchema = defineEntity({
  name: "Patient",
  tableName: "patients",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    campaign: p.manyToOne(Campaign).deleteRule("cascade"),
    contact: p.manyToOne(Contact).index(),
    /**
     * The appointment's doctor ({{doctor}}, the doctor's own view): the file's doctor column, else the
     * campaign's assigned doctor, written at import so every reader takes it from here.
     */
    doctor: p.manyToOne(User).nullable().deleteRule("set null"),
    name: p.text(),
    /** E.164, denormalised from the contact for the (workspace_id, phone) hot index. */
    phone: p.text().check(E164_CHECK_SQL("phone")),
    email: p.text().nullable(),
    appointmentAt: p.datetime(),
    appointmentType: p.text().nullable(),
    preferredChannel: p.enum(Channel),
    language: p.text().default("es"),
    consent: p.boolean().default(false),
    status: p.enum(PatientStatus).default(PatientStatus.PENDING),
    skipReason: p.enum(SkipReason).nullable(),
    // JS sets base64url tokens on create; the DB default (244 random bits, hex) covers raw bulk inserts.
    // Defaults are written in PostgreSQL's canonical form so schema diffs stay empty.
    publicToken: p.text().unique().defaultRaw("replace(((gen_random_uuid())::text || (gen_random_uuid())::text), '-'::text, ''::text)"),
    tokenExpiresAt: p.datetime().defaultRaw(`(now() + '${PUBLIC_TOKEN_TTL_DAYS} days'::interval)`),
    rating: p.smallint().nullable().check("rating >= 1 and rating <= 5"),
    ratedAt: p.datetime().nullable(),
    followUpSentAt: p.datetime().nullable(),
    /** The one HELP answer a patient ever gets. */
    helpSentAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    // No (workspace, phone) index: a phone's appointments are found through its contact
    // (contacts_workspace_phone_uq, then patients_contact_id_index), one index entry less per imported patient.
    // A campaign's patients without its workspace (completion's probes, the cascade from campaigns).
    // Not (campaign, status): no index may hold status, so the send's "SENT" is a HOT update that
    // writes no index entry at all (decision 043; the table's fillfactor leaves the page room for it).
    { name: "patients_campaign_idx", properties: ["campaign"] },
    // A doctor's own view: their appointments across campaigns.
    { name: "patients_workspace_doctor_idx", properties: ["workspace", "doctor"] },
    // The campaign page (@rm/campaigns): a campaign's patients by appointment, keyset-paged — a page of
    // 50 reads 50 index entries whatever the campaign's size.
    { name: "patients_campaign_appointment_idx", properties: ["workspace", "campaign", "appointmentAt", "id"] },
    // The contacts list's search by name (@rm/contacts): any part of any name a contact was imported
    // with (pg_trgm), so a search does not read every appointment of the workspace.
    { name: "patients_name_trgm_idx", expression: `create index "patients_name_trgm_idx" on "patients" using gin ("name" gin_trgm_ops)` },
    // Analytics (@rm/analytics): a campaign's rated patients by rating time, covering what the live
    // ratings count — index-only. Partial: an imported patient has no rating yet, so the import writes
    // no entry here (a campaign's patients as a whole are read from patients_campaign_appointment_idx).
    {
      name: "patients_analytics_idx",
      expression:
        `create index "patients_analytics_idx" on "patients" ("workspace_id", "campaign_id", "rated_at") ` +
        `include ("id", "rating", "follow_up_sent_at") where rating is not null`,
    },
  ],
  // Analytics rollup: a change of the row's rating fact appends to analytics_deltas (analytics.entity.ts).
  triggers: [
    // Per event, each with the WHEN that lets rows which change no fact skip the call.
    { name: "patients_analytics_facts_insert", timing: "after", events: ["insert"], forEach: "row", when: PATIENTS_ANALYTICS_WHEN.insert, body: PATIENTS_ANALYTICS_TRIGGER_BODY },
    { name: "patients_analytics_facts", timing: "after", events: ["update"], forEach: "row", when: PATIENTS_ANALYTICS_WHEN.update, body: PATIENTS_ANALYTICS_TRIGGER_BODY },
    { name: "patients_analytics_facts_delete", timing: "before", events: ["delete"], forEach: "row", body: PATIENTS_ANALYTICS_DELETE_TRIGGER_BODY },
  ],
});

export class Patient extends PatientSchema.class {
  override id: string = newId();
  override publicToken: Opt<string> = newPublicToken();
  override tokenExpiresAt: Opt<Date> = defaultTokenExpiry();
}
PatientSchema.setClass(Patient);
