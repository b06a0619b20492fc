import { defineEntity, p } from "@mikro-orm/postgresql";

// The analytics rollup (@rm/analytics, packages/analytics/README.md "Rollup"). Three tables, no
// foreign keys: rows are written by triggers inside the writers' own transactions (also while a
// workspace is being deleted), and the fold (@rm/analytics, src/fold.ts) drops rows of workspaces
// that are gone.
//
// A *fact* is what the dashboard counts about one row:
// - request: an INITIAL message the provider accepted → (campaign, doctor, sent time, status);
// - rating:  a rated patient → (campaign, doctor, rated_at, rating, follow-up sent, review link clicked).
// The doctor is the appointment's (`patients.doctor_id`, SPEC §5.1), not the campaign's: one file may
// name several doctors. No doctor is stored as NO_DOCTOR (the key columns cannot be null).
// Every insert/update/delete that changes a row's fact appends −1 for the old fact and +1 for the new
// one to `analytics_deltas` (append-only: no row is ever updated by the hot paths, so there is no hot
// row). The periodic fold moves deltas into `analytics_daily` (one row per fact value per local day).
// Readers add the two: exact at any moment, whatever the fold's lag.

/** Stands for "no doctor" in the facts' key (a patient without one, or whose doctor was deleted). */
export const NO_DOCTOR = "00000000-0000-0000-0000-000000000000";

/** Append-only changes of facts, written by triggers; folded into analytics_daily and deleted. */
export const AnalyticsDeltaSchema = defineEntity({
  name: "AnalyticsDelta",
  tableName: "analytics_deltas",
  properties: {
    id: p.bigint("string").primary().autoincrement().columnType("bigint").generated("identity"),
    workspaceId: p.uuid(),
    campaignId: p.uuid(),
    /** The appointment's doctor (patients.doctor_id), NO_DOCTOR for none. */
    doctorId: p.uuid().default(NO_DOCTOR),
    /** 'request' or 'rating'. */
    kind: p.text(),
    /** When the event happened: the request's sent time or the rating's arrival. */
    at: p.datetime(),
    /** Request status ('' for ratings). */
    status: p.text().default(""),
    /** Rating 1–5 (0 for requests). */
    rating: p.smallint().default(0),
    followup: p.boolean().default(false),
    clicked: p.boolean().default(false),
    /** +1 or −1. */
    n: p.smallint(),
  },
  indexes: [{ name: "analytics_deltas_campaign_idx", properties: ["workspaceId", "campaignId"] }],
});
export class AnalyticsDelta extends AnalyticsDeltaSchema.class {}
AnalyticsDeltaSchema.setClass(AnalyticsDelta);

/** Facts per (campaign, doctor, local day in the workspace time zone of analytics_rollups, fact value). */
export const AnalyticsDailySchema = defineEntity({
  name: "AnalyticsDaily",
  tableName: "analytics_daily",
  properties: {
    workspaceId: p.uuid().primary(),
    campaignId: p.uuid().primary(),
    /** The appointment's doctor (patients.doctor_id), NO_DOCTOR for none. */
    doctorId: p.uuid().primary(),
    day: p.date().primary(),
    kind: p.text().primary(),
    status: p.text().primary(),
    rating: p.smallint().primary(),
    followup: p.boolean().primary(),
    clicked: p.boolean().primary(),
    n: p.bigint("number").default(0),
  },
});
export class AnalyticsDaily extends AnalyticsDailySchema.class {}
AnalyticsDailySchema.setClass(AnalyticsDaily);

/** Which workspaces' analytics_daily is complete, and in which time zone its days are. */
export const AnalyticsRollupSchema = defineEntity({
  name: "AnalyticsRollup",
  tableName: "analytics_rollups",
  properties: {
    workspaceId: p.uuid().primary(),
    timezone: p.text(),
    builtAt: p.datetime(),
    foldedAt: p.datetime(),
  },
});
export class AnalyticsRollup extends AnalyticsRollupSchema.class {}
AnalyticsRollupSchema.setClass(AnalyticsRollup);

// Trigger bodies (PL/pgSQL between `begin` and `end`), declared on the entities whose rows carry the
// facts. Kept here so the three read as one protocol; here and not in @rm/analytics because MikroORM
// diffs trigger bodies with the entity definitions (migration:check), which @rm/db registers, and
// @rm/db cannot depend on @rm/analytics.

const DELTA_COLUMNS = "insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)";
const DOCTOR = (col: string) => `coalesce(${col}, '${NO_DOCTOR}'::uuid)`;

/**
 * messages: an INITIAL message with a provider sid, a campaign and a send time is a request fact, under
 * its patient's doctor: one lookup of the patient by primary key, only when the fact changes. A message
 * whose patient is gone is being deleted by the patient's cascade: the patient's delete trigger has
 * already taken its request facts out.
 */
export const MESSAGES_ANALYTICS_TRIGGER_BODY = `
declare
  doctor uuid;
begin
if tg_op = 'UPDATE' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null
     and new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not distinct from old.campaign_id and new.workspace_id = old.workspace_id
     and new.patient_id = old.patient_id and new.status = old.status
     and coalesce(new.sent_at, new.send_attempted_at) is not distinct from coalesce(old.sent_at, old.send_attempted_at) then
    return null;
  end if;
end if;
if tg_op <> 'INSERT' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null then
    select ${DOCTOR("p.doctor_id")} into doctor from patients p where p.id = old.patient_id;
    if found then
      ${DELTA_COLUMNS} values (old.workspace_id, old.campaign_id, doctor, 'request', coalesce(old.sent_at, old.send_attempted_at), old.status, 0, false, false, -1);
    end if;
  end if;
end if;
if tg_op <> 'DELETE' then
  if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not null and coalesce(new.sent_at, new.send_attempted_at) is not null then
    if doctor is null or new.patient_id <> old.patient_id then
      select ${DOCTOR("p.doctor_id")} into doctor from patients p where p.id = new.patient_id;
    end if;
    ${DELTA_COLUMNS} values (new.workspace_id, new.campaign_id, doctor, 'request', coalesce(new.sent_at, new.send_attempted_at), new.status, 0, false, false, 1);
  end if;
end if;
return null;
end;`;

/**
 * When the messages' triggers fire at all (decision 036): a row event that cannot change a request fact
 * queues no trigger call — an import's INITIAL messages (no sid yet), every other type, and the
 * updates that leave the fact as it was (most status callbacks of a message already counted change
 * its status, which is part of the fact; a sid recorded without a send time changes nothing). The
 * bodies still decide everything themselves; these conditions only skip calls that would do nothing.
 */
// Written in PostgreSQL's own rendering (information_schema.triggers.action_condition), which
// migration:check compares as text.
const distinctAny = (pairs: readonly (readonly [string, string])[]) => `(${pairs.map(([a, b]) => `(${a} IS DISTINCT FROM ${b})`).join(" OR ")})`;
const MESSAGE_FACT = (row: "new" | "old") =>
  `((${row}.type = 'INITIAL'::text) AND (${row}.provider_sid IS NOT NULL) AND (${row}.campaign_id IS NOT NULL) AND (COALESCE(${row}.sent_at, ${row}.send_attempted_at) IS NOT NULL))`;
const MESSAGE_FACT_CHANGED = distinctAny(
  (["type", "(provider_sid IS NULL)", "campaign_id", "workspace_id", "patient_id", "status", "COALESCE(sent_at, send_attempted_at)"] as const).map((c) => [qualify(c, "old"), qualify(c, "new")] as const),
);
export const MESSAGES_ANALYTICS_WHEN = {
  insert: MESSAGE_FACT("new"),
  update: `((${MESSAGE_FACT("old")} OR ${MESSAGE_FACT("new")}) AND ${MESSAGE_FACT_CHANGED})`,
  delete: MESSAGE_FACT("old"),
};

/** A column expression of `messages`/`patients` on the trigger's OLD or NEW row. */
function qualify(expression: string, row: "new" | "old"): string {
  return expression.replace(/\b(type|provider_sid|campaign_id|workspace_id|patient_id|status|sent_at|send_attempted_at|rating|rated_at|follow_up_sent_at|doctor_id)\b/g, `${row}.$1`);
}

/**
 * Request facts of a patient's INITIAL messages, `sign` being −1 or +1 under `doctor` (a SQL expression).
 * For the patient's triggers: a change of the appointment's doctor (or its deletion) moves them.
 */
const PATIENT_REQUESTS = (patient: string, doctor: string, sign: number) => `
  ${DELTA_COLUMNS}
  select m.workspace_id, m.campaign_id, ${DOCTOR(doctor)}, 'request', coalesce(m.sent_at, m.send_attempted_at), m.status, 0, false, false, ${sign}
  from messages m
  where m.patient_id = ${patient}.id and m.type = 'INITIAL' and m.provider_sid is not null and m.campaign_id is not null
    and coalesce(m.sent_at, m.send_attempted_at) is not null;`;

/**
 * patients (after insert or update): a rated patient is a rating fact; `clicked` from review_clicks.
 * A change of doctor (rare: a doctor's account deleted sets it to null) moves the rating and the
 * patient's request facts. The patient's INITIAL messages are locked first, so a status update at the
 * same moment is ordered against it: whichever commits second reads the other's doctor and status.
 */
export const PATIENTS_ANALYTICS_TRIGGER_BODY = `
if tg_op = 'UPDATE' then
  if old.doctor_id is distinct from new.doctor_id then
    perform 1 from messages m where m.patient_id = new.id and m.type = 'INITIAL' for no key update;
    ${PATIENT_REQUESTS("old", "old.doctor_id", -1)}
    ${PATIENT_REQUESTS("new", "new.doctor_id", 1)}
  end if;
  if old.rating is not distinct from new.rating and old.rated_at is not distinct from new.rated_at and old.campaign_id = new.campaign_id
     and old.workspace_id = new.workspace_id and (old.follow_up_sent_at is null) = (new.follow_up_sent_at is null)
     and old.doctor_id is not distinct from new.doctor_id then
    return null;
  end if;
  if old.rating is not null and old.rated_at is not null then
    ${DELTA_COLUMNS} values (old.workspace_id, old.campaign_id, ${DOCTOR("old.doctor_id")}, 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
      exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1);
  end if;
end if;
if new.rating is not null and new.rated_at is not null then
  ${DELTA_COLUMNS} values (new.workspace_id, new.campaign_id, ${DOCTOR("new.doctor_id")}, 'rating', new.rated_at, '', new.rating, new.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = new.id), 1);
end if;
return null;`;

/**
 * When the patients' insert and update triggers fire (decision 036): an imported patient has no rating
 * yet, so an import queues no call; an update fires when the doctor changes (its request facts move)
 * or when a rated row's rating fact changes — the body's own early return, as a WHEN.
 */
const PATIENT_RATED = (row: "new" | "old") => `((${row}.rating IS NOT NULL) AND (${row}.rated_at IS NOT NULL))`;
const PATIENT_FACT_CHANGED = distinctAny((["rating", "rated_at", "campaign_id", "workspace_id", "(follow_up_sent_at IS NULL)"] as const).map((c) => [qualify(c, "old"), qualify(c, "new")] as const));
export const PATIENTS_ANALYTICS_WHEN = {
  insert: PATIENT_RATED("new"),
  update: `((old.doctor_id IS DISTINCT FROM new.doctor_id) OR ((${PATIENT_RATED("old")} OR ${PATIENT_RATED("new")}) AND ${PATIENT_FACT_CHANGED}))`,
};

/**
 * patients (before delete): the rating fact leaves while its clicks still exist (they are deleted
 * after, by the cascade, when the patient row is gone and the click trigger finds nothing); so do the
 * request facts of its messages while the patient's doctor is still known (the messages' own trigger
 * finds no patient when the cascade deletes them).
 */
export const PATIENTS_ANALYTICS_DELETE_TRIGGER_BODY = `
if old.rating is not null and old.rated_at is not null then
  ${DELTA_COLUMNS} values (old.workspace_id, old.campaign_id, ${DOCTOR("old.doctor_id")}, 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1);
end if;
${PATIENT_REQUESTS("old", "old.doctor_id", -1)}
return old;`;

/**
 * review_clicks: a click (or its removal) flips the patient's rating fact. The patient row is locked
 * first, so a rating arriving at the same moment is ordered against the click: whichever commits
 * second sees the other (READ COMMITTED gives each statement of a trigger a fresh snapshot).
 */
export const REVIEW_CLICKS_ANALYTICS_TRIGGER_BODY = `
if tg_op = 'INSERT' then
  perform 1 from patients p where p.id = new.patient_id for no key update;
  ${DELTA_COLUMNS}
  select p.workspace_id, p.campaign_id, ${DOCTOR("p.doctor_id")}, 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (false, -1), (true, 1)) as x (clicked, n)
  where p.id = new.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = new.patient_id and rc.id <> new.id);
else
  perform 1 from patients p where p.id = old.patient_id for no key update;
  ${DELTA_COLUMNS}
  select p.workspace_id, p.campaign_id, ${DOCTOR("p.doctor_id")}, 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (true, -1), (false, 1)) as x (clicked, n)
  where p.id = old.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = old.patient_id);
end if;
return null;`;
