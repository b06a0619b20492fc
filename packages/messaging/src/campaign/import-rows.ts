// What a campaign import writes here (SPEC §5.1–5.3, §13): the contacts (upserted and locked, so two
// imports at the same moment cannot both ask one phone) with their consent events, the patients, and the INITIAL messages with
// their `message.send` outbox rows. The import's hot path: a handful of set-based statements per
// 10,000 rows (`unnest` of arrays, bound parameters), never one per row. The patients' and messages'
// columns are encoded by `encode…` while the previous statement runs (the importer pipelines them),
// then written by `insert…`.
import type { EntityManager } from "@mikro-orm/postgresql";
import { executeBound, outboxInsertSelect, pgArray, scopedQuery, scopedQueryBound } from "@rm/db";
import { messageSendEvent } from "@rm/events";

const BATCH = 10_000;
/** Phones per statement of the language lookup: an upload's whole file (its row limit). */
const LANGUAGE_BATCH = 100_000;

type Channel = "SMS" | "WHATSAPP";
type Cell = string | number | boolean | null | undefined;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Lets pending I/O run: a statement just handed to the driver goes out before more JS work starts. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A contact's facts that decide whether a patient of it may be messaged. */
export interface ContactState {
  id: string;
  optedOutAt: Date | null;
  erasedAt: Date | null;
  lastAskedAt: Date | null;
  /** WhatsApp does not reach this phone (an earlier message fell back to SMS): send by SMS directly. */
  noWhatsappAt: Date | null;
  /** An INITIAL of another campaign is waiting to go out to this phone. */
  pending: boolean;
}

interface ContactRow {
  id: string;
  phone: string;
  opted_out_at: Date | null;
  erased_at: Date | null;
  last_asked_at: Date | null;
  no_whatsapp_at: Date | null;
  pending: boolean;
}

/** The contact row's consent source (its older vocabulary) for an event source. */
const contactSource = (source: ImportGrant["source"]): string => (source === "IMPORT" ? "CSV_IMPORT" : source);

const toState = (r: ContactRow): ContactState => ({
  id: r.id,
  optedOutAt: r.opted_out_at,
  erasedAt: r.erased_at,
  lastAskedAt: r.last_asked_at ? new Date(r.last_asked_at) : null,
  noWhatsappAt: r.no_whatsapp_at ? new Date(r.no_whatsapp_at) : null,
  pending: r.pending,
});

/** Who vouches for the import's consent: the consent events it writes carry this. */
export interface ImportGrant {
  /** IMPORT for a file, STAFF for a patient entered by hand, API for practice software. */
  source: "IMPORT" | "STAFF" | "API";
  /** The staff user who confirmed the import. */
  actorId: string | null;
  /** The attestation or the file the consent came from. */
  evidence: string | null;
  /** The evidence of the rows' marketing consent (the file's marketing column); default `evidence`. */
  marketingEvidence?: string | null;
}

/**
 * Upserts the contacts of the rows' phones (sorted, so concurrent imports lock in the same order and
 * never deadlock), records consent for the row's channel where none is recorded, appends a GRANTED
 * consent event for every row with consent whose contact is neither opted out nor erased (in the
 * same statement: one per batch), and returns each contact's state by phone, read under its row lock
 * (SELECT … FOR UPDATE). Phones must be distinct.
 */
export async function upsertAndLockContacts(
  em: EntityManager,
  workspaceId: string,
  rows: readonly { phone: string; channel: Channel; consent: boolean; marketing?: boolean | null }[],
  now: Date,
  grant: ImportGrant = { source: "IMPORT", actorId: null, evidence: null },
): Promise<Map<string, ContactState>> {
  const sorted = [...rows].sort((a, b) => (a.phone < b.phone ? -1 : a.phone > b.phone ? 1 : 0));
  const states = new Map<string, ContactState>();
  const existing: string[] = [];
  const evidence = grant.evidence?.trim().slice(0, 1000) || null;
  for (const batch of chunks(sorted, BATCH)) {
    // The contact row is the current state (the first grant's time stays); the event log gets every
    // grant an import vouches for. A file's "sí" does not undo a patient's opt-out or erasure, so no
    // event is written for those contacts.
    const upserted = await executeBound<{ id: string; phone: string; inserted: boolean }>(
      em,
      `with t as materialized (
         select * from unnest(?::text[], ?::bool[], ?::bool[]) with ordinality as t(phone, sms, wa, ord)
       ), up as (
         insert into contacts (workspace_id, phone, source, sms_consent_at, sms_consent_source, whatsapp_consent_at, whatsapp_consent_source)
         select ?, t.phone, ?::text,
                case when t.sms then ?::timestamptz end, case when t.sms then ?::text end,
                case when t.wa then ?::timestamptz end, case when t.wa then ?::text end
           from t
          order by t.ord
         on conflict (workspace_id, phone) do update set
                sms_consent_at = coalesce(contacts.sms_consent_at, excluded.sms_consent_at),
                sms_consent_source = case when contacts.sms_consent_at is null then excluded.sms_consent_source else contacts.sms_consent_source end,
                whatsapp_consent_at = coalesce(contacts.whatsapp_consent_at, excluded.whatsapp_consent_at),
                whatsapp_consent_source = case when contacts.whatsapp_consent_at is null then excluded.whatsapp_consent_source else contacts.whatsapp_consent_source end,
                updated_at = excluded.updated_at
         returning id, phone, (xmax = 0) as inserted, opted_out_at, erased_at
       ), granted as (
         insert into consent_events (workspace_id, contact_id, channel, purpose, action, source, occurred_at, actor_id, evidence)
         select ?, up.id, case when t.sms then 'SMS' else 'WHATSAPP' end, 'FEEDBACK_REQUESTS', 'GRANTED', ?, ?::timestamptz, ?::uuid, ?::text
           from up join t on t.phone = up.phone
          where (t.sms or t.wa) and up.opted_out_at is null and up.erased_at is null
          order by t.ord
       )
       select id, phone, inserted from up`,
      [
        pgArray(batch.map((r) => r.phone)),
        pgArray(batch.map((r) => r.consent && r.channel === "SMS")),
        pgArray(batch.map((r) => r.consent && r.channel === "WHATSAPP")),
        workspaceId,
        // How a new contact came (SPEC §16): the grant's source is also the contact's (IMPORT, STAFF, API).
        grant.source,
        now,
        contactSource(grant.source),
        now,
        contactSource(grant.source),
        workspaceId,
        grant.source,
        now,
        grant.actorId,
        evidence,
      ],
    );
    for (const r of upserted) {
      if (r.inserted) states.set(r.phone, { id: r.id, optedOutAt: null, erasedAt: null, lastAskedAt: null, noWhatsappAt: null, pending: false });
      else existing.push(r.phone);
    }
  }
  // Contacts that existed before: read their state under the row lock (the upsert took it already;
  // this is where a concurrent import's commit becomes visible).
  for (const batch of chunks(existing, BATCH)) {
    const locked = await scopedQueryBound<ContactRow>(
      em,
      workspaceId,
      `select c.id, c.phone, c.opted_out_at, c.erased_at, c.last_asked_at, c.no_whatsapp_at,
              exists (select 1 from patients p join messages m on m.patient_id = p.id
                       where p.contact_id = c.id and m.type = 'INITIAL' and m.status in ('PENDING', 'SENDING')) as pending
         from contacts c
        where c.workspace_id = ? and c.phone = any(?::text[])
        order by c.phone
          for update of c`,
      [pgArray(batch)],
    );
    for (const r of locked) states.set(r.phone, toState(r));
  }
  await recordImportMarketingConsent(em, workspaceId, sorted, now, grant);
  return states;
}

/**
 * The rows' marketing consent (SPEC §14), as `setMarketingConsent` records it but set-based: a "yes"
 * grants it to a contact without it (not to an opted-out or erased one: a file's word does not undo
 * the patient's), a "no" withdraws a consent the contact has, each change with one consent event per
 * channel (purpose MARKETING, the grant's source). Null leaves the contact alone; an unchanged state
 * writes nothing, so re-importing the same file adds no events. The contacts are already locked.
 */
async function recordImportMarketingConsent(
  em: EntityManager,
  workspaceId: string,
  sorted: readonly { phone: string; marketing?: boolean | null }[],
  now: Date,
  grant: ImportGrant,
): Promise<void> {
  const marked = sorted.filter((r) => r.marketing === true || r.marketing === false);
  const evidence = (grant.marketingEvidence ?? grant.evidence)?.trim().slice(0, 1000) || null;
  for (const batch of chunks(marked, BATCH)) {
    await executeBound(
      em,
      `with t as materialized (
         select * from unnest(?::text[], ?::bool[]) as t(phone, granted)
       ), changed as (
         update contacts c set marketing_consent_at = case when t.granted then ?::timestamptz end,
                marketing_consent_source = case when t.granted then ?::text end, updated_at = ?
           from t
          where c.workspace_id = ? and c.phone = t.phone and c.erased_at is null
            and (case when t.granted then c.marketing_consent_at is null and c.opted_out_at is null else c.marketing_consent_at is not null end)
         returning c.id, c.phone, t.granted
       )
       insert into consent_events (workspace_id, contact_id, channel, purpose, action, source, occurred_at, actor_id, evidence)
       select ?, changed.id, ch.channel, 'MARKETING', case when changed.granted then 'GRANTED' else 'WITHDRAWN' end, ?, ?::timestamptz, ?::uuid, ?::text
         from changed cross join (values ('WHATSAPP'), ('SMS')) as ch(channel)
        order by changed.phone, ch.channel`,
      [
        pgArray(batch.map((r) => r.phone)),
        pgArray(batch.map((r) => r.marketing === true)),
        now,
        contactSource(grant.source),
        now,
        workspaceId,
        workspaceId,
        grant.source,
        now,
        grant.actorId,
        evidence,
      ],
    );
  }
}

/** The contacts' state by phone, without locking or writing anything (a preview); unknown phones are left out. */
export async function readContactStates(em: EntityManager, workspaceId: string, phones: readonly string[]): Promise<Map<string, ContactState>> {
  const states = new Map<string, ContactState>();
  for (const batch of chunks(phones, BATCH)) {
    const rows = await scopedQuery<ContactRow>(
      em,
      workspaceId,
      `select c.id, c.phone, c.opted_out_at, c.erased_at, c.last_asked_at, c.no_whatsapp_at,
              exists (select 1 from patients p join messages m on m.patient_id = p.id
                       where p.contact_id = c.id and m.type = 'INITIAL' and m.status in ('PENDING', 'SENDING')) as pending
         from contacts c where c.workspace_id = ? and c.phone = any(?::text[])`,
      [pgArray(batch)],
    );
    for (const r of rows) states.set(r.phone, toState(r));
  }
  return states;
}

/** One array literal per column of `batch`, in the order of `names`, letting the event loop run between columns. */
async function encode<T, K extends string>(batch: readonly T[], names: readonly K[], pick: Record<K, (item: T) => Cell>): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    out.push(pgArray(batch.map(pick[name])));
    await yieldToEventLoop();
  }
  return out;
}

/**
 * $workspace, $phones: lastKnownLanguages' statement (exported for its plan checks). Its plan must
 * not depend on statistics, which lag behind an import's growth (decision 041): the phones are
 * matched with `= any` on the contacts, which only the unique key (workspace, phone) or a scan of the
 * workspace's contacts can serve (the phone search's trigram index covers substr(phone, 2), so it
 * cannot serve `=`; on the column itself it did, at 1,339 ms per 1,000 phones), and each contact's
 * latest appointment is one LATERAL lookup on patients_contact_id_index (with young statistics a
 * workspace condition there was combined with a scan of the workspace's appointments per contact).
 * As a join, the planner trusting a young table's statistics (27 contacts where 19,000 were)
 * rescanned the phones once per patient of the workspace: 1,641 ms per upload of 1,000 phones.
 */
export const LAST_KNOWN_LANGUAGES_SQL = `select c.phone, l.language
         from contacts c
         cross join lateral (
           select p.language from patients p
            where p.contact_id = c.id and p.phone = c.phone
              -- The same workspace, checked as a filter: "is not distinct from" is no index
              -- condition, so the lookup stays on the contact's own appointments.
              and p.workspace_id is not distinct from c.workspace_id
            order by p.created_at desc, p.id desc
            limit 1) l
        where c.workspace_id = ? and c.phone = any(?::text[])`;

/**
 * Each phone's last known language: the language of its most recent appointment in the workspace
 * (SPEC §5.1, a file without a language column). Read once per file, before the rows are rendered: one
 * statement for an upload (up to 100,000 phones, one bound array) through the phone's contact
 * (contacts_workspace_phone_uq, then the contact's appointments on patients_contact_id_index — patients
 * keep no phone index of their own), so a bigger file costs no statement per 10,000 rows; phones never
 * seen are left out.
 */
export async function lastKnownLanguages(em: EntityManager, workspaceId: string, phones: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const batch of chunks(phones, LANGUAGE_BATCH)) {
    const rows = await scopedQueryBound<{ phone: string; language: string }>(
      em,
      workspaceId,
      LAST_KNOWN_LANGUAGES_SQL,
      [pgArray(batch)],
    );
    for (const r of rows) out.set(r.phone, r.language);
  }
  return out;
}

const PATIENT_COLUMNS = ["id", "contactId", "doctorId", "name", "phone", "email", "appointmentAt", "appointmentType", "channel", "language", "consent", "status", "skipReason", "token"] as const;

/** How to read each new patient's columns off the caller's items. `appointmentAt` is ISO 8601. */
export type PatientColumns<T> = {
  [K in (typeof PATIENT_COLUMNS)[number]]: (item: T) => K extends "consent" ? boolean : K extends "id" | "contactId" | "name" | "phone" | "appointmentAt" | "channel" | "language" | "status" | "token" ? string : string | null;
};

/** A batch of new patients' columns, encoded for `insertPatients`. */
export interface EncodedPatients {
  readonly patientColumns: readonly string[];
}

export async function encodePatients<T>(batch: readonly T[], pick: PatientColumns<T>): Promise<EncodedPatients> {
  return { patientColumns: await encode(batch, PATIENT_COLUMNS, pick) };
}

/** Inserts a batch of a campaign's patients (SCHEDULED or SKIPPED with its reason), in one statement. */
export async function insertPatients(em: EntityManager, head: { workspaceId: string; campaignId: string; now: Date }, rows: EncodedPatients): Promise<void> {
  await executeBound(
    em,
    `insert into patients (id, workspace_id, campaign_id, contact_id, doctor_id, name, phone, email, appointment_at, appointment_type,
                           preferred_channel, language, consent, status, skip_reason, public_token, created_at, updated_at)
     select t.id, ?, ?, t.contact_id, t.doctor_id, t.name, t.phone, t.email, t.appointment_at, t.appointment_type,
            t.channel, t.language, t.consent, t.status, t.skip_reason, t.token, ?, ?
       from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::bool[], ?::text[], ?::text[], ?::text[])
            as t(id, contact_id, doctor_id, name, phone, email, appointment_at, appointment_type, channel, language, consent, status, skip_reason, token)`,
    [head.workspaceId, head.campaignId, head.now, head.now, ...rows.patientColumns],
  );
}

const INITIAL_COLUMNS = ["id", "patientId", "channel", "phone", "body", "firstName", "doctorName", "token", "contentSid", "credits", "due"] as const;

/**
 * How to read each INITIAL message's columns off the caller's items: `firstName`, `doctorName` (the
 * appointment's doctor; null: the head's) and `token` are the WhatsApp template's variables (null
 * for SMS), `due` (ISO 8601) is when its send is due.
 */
export type InitialMessageColumns<T> = {
  [K in (typeof INITIAL_COLUMNS)[number]]: (item: T) => K extends "credits" ? number : K extends "id" | "patientId" | "channel" | "phone" | "due" ? string : string | null;
};

/** A batch of INITIAL messages' columns, encoded for `insertInitialMessages`. */
export interface EncodedInitialMessages {
  readonly messageColumns: readonly string[];
}

export async function encodeInitialMessages<T>(batch: readonly T[], pick: InitialMessageColumns<T>): Promise<EncodedInitialMessages> {
  return { messageColumns: await encode(batch, INITIAL_COLUMNS, pick) };
}

export interface InitialMessagesHead {
  workspaceId: string;
  campaignId: string;
  /** The WhatsApp template's variables that are the same for every patient: {{doctor}} (unless a row names its own), {{practice}}, the rating link's base. */
  doctorName: string;
  practiceName: string;
  ratingLinkBase: string;
  now: Date;
  /** Also enqueue each message's `message.send` (false when the caller enqueues a single send itself). */
  withOutbox: boolean;
}

/**
 * Inserts a batch of PENDING INITIAL messages and, in the same statement, their `message.send` outbox
 * rows due at each one's send time (the rows enqueueOutbox writes: same columns, same idempotency key),
 * so the outbox's NOTIFY fires once per batch. Addresses and WhatsApp content variables are built by
 * the statement (the variables in the order of WHATSAPP_CONTENT_VARIABLES.INITIAL).
 */
export async function insertInitialMessages(em: EntityManager, head: InitialMessagesHead, rows: EncodedInitialMessages): Promise<void> {
  await executeBound(
    em,
    `with t as materialized (
       select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::timestamptz[])
              as t(id, patient_id, channel, phone, body, first_name, doctor_name, token, content_sid, credits, due)
     ), m as (
       insert into messages (id, workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, content_sid, content_variables,
                             credits_held, created_at, updated_at)
       select t.id, ?, t.patient_id, ?, 'INITIAL', t.channel, 'PENDING',
              -- Addresses as the provider spells them: WhatsApp recipients carry the channel prefix.
              case when t.channel = 'WHATSAPP' then 'whatsapp:' || t.phone else t.phone end,
              t.body,
              t.content_sid,
              case when t.channel = 'WHATSAPP' then jsonb_build_object('1', t.first_name, '2', coalesce(t.doctor_name, ?::text), '3', ?::text, '4', ?::text || t.token) end,
              t.credits, ?, ?
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
       where: "?::bool",
     })}`,
    [...rows.messageColumns, head.workspaceId, head.campaignId, head.doctorName, head.practiceName, head.ratingLinkBase, head.now, head.now, head.workspaceId, head.withOutbox],
  );
}
