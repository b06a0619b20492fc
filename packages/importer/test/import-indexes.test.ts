// What an import costs PostgreSQL per patient in index entries (decision 036): every index of the
// tables an import writes, counted on the rows one import added. A new index on these tables shows
// here and must be weighed against the import; the statements that read what a dropped index served
// are checked for an index plan (the dashboard's in packages/analytics/test/plans.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAST_KNOWN_LANGUAGES_SQL, MARK_PATIENTS_SENT_SQL } from "@rm/messaging";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { createCampaignFromRows, type CampaignRowInput } from "../src/index.ts";
import { makeTenant } from "./helpers.ts";

const TABLES = ["contacts", "patients", "messages", "outbox", "credit_ledger_entries", "consent_events", "analytics_deltas"];
const now = new Date("2026-11-23T13:00:00Z");
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(4);
});
afterAll(async () => t?.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, params);

/** Per index of TABLES: the workspace's rows its predicate covers (a GIN index counts one per row). */
async function indexEntries(workspaceId: string): Promise<Map<string, number>> {
  const indexes = await sql<{ table: string; name: string; pred: string | null }>(
    `select c.relname as table, i.relname as name, pg_get_expr(x.indpred, x.indrelid) as pred
       from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
      where c.relname = any(?::text[]) and c.relnamespace = 'public'::regnamespace`,
    [`{${TABLES.join(",")}}`],
  );
  const out = new Map<string, number>();
  for (const ix of indexes) {
    const [row] = await sql<{ n: number }>(`select count(*)::int as n from ${ix.table} where workspace_id = ?${ix.pred ? ` and (${ix.pred})` : ""}`, [workspaceId]);
    out.set(`${ix.table}.${ix.name}`, row!.n);
  }
  return out;
}

describe("the import's index entries", () => {
  it("an imported patient adds 25 index entries across its rows (29 before decision 036, 26 before 042), none to the dropped or partial ones", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 1000 });
    const before = await indexEntries(tenant.workspaceId);
    const n = 40;
    const rows: CampaignRowInput[] = Array.from({ length: n }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(70_000_000 + i)}`, appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    const after = await indexEntries(tenant.workspaceId);
    const perPatient = new Map([...after].map(([k, v]) => [k, (v - (before.get(k) ?? 0)) / n] as const).filter(([, v]) => v > 0));
    const touched = [...perPatient.keys()].sort();
    // A phone's appointments are found through its contact; the ratings index holds rated patients only.
    expect(touched).not.toContain("patients.patients_workspace_phone_idx");
    expect(touched).not.toContain("patients.patients_analytics_idx");
    // An outbox row's retention entry is written when it is finished, not at its insert.
    expect(touched).not.toContain("outbox.outbox_finished_idx");
    expect(touched).not.toContain("outbox.outbox_status_available_idx");
    expect(Object.fromEntries([...perPatient].sort())).toMatchInlineSnapshot(`
      {
        "consent_events.consent_events_contact_idx": 1,
        "consent_events.consent_events_pkey": 1,
        "contacts.contacts_activity_idx": 1,
        "contacts.contacts_digits_trgm_idx": 1,
        "contacts.contacts_pkey": 1,
        "contacts.contacts_workspace_phone_uq": 1,
        "credit_ledger_entries.credit_ledger_balance_idx": 1,
        "credit_ledger_entries.credit_ledger_entries_pkey": 1,
        "credit_ledger_entries.credit_ledger_history_idx": 1,
        "credit_ledger_entries.credit_ledger_once_uq": 1,
        "messages.messages_campaign_status_idx": 1,
        "messages.messages_patient_once_uq": 1,
        "messages.messages_pkey": 1,
        "messages.messages_route_idx": 1,
        "messages.messages_workspace_created_idx": 1,
        "outbox.outbox_claim_idx": 1,
        "outbox.outbox_idempotency_key_uq": 1,
        "outbox.outbox_pkey": 1,
        "patients.patients_campaign_appointment_idx": 1,
        "patients.patients_campaign_idx": 1,
        "patients.patients_contact_id_index": 1,
        "patients.patients_name_trgm_idx": 1,
        "patients.patients_pkey": 1,
        "patients.patients_public_token_unique": 1,
        "patients.patients_workspace_doctor_idx": 1,
      }
    `);
  });

  it("a phone's last known language is read through its contact on indexes", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 10_000 });
    const rows: CampaignRowInput[] = Array.from({ length: 3000 }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(71_000_000 + i)}`, appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    await sql("analyze contacts, patients");
    const em = t.orm.em.fork();
    await em.begin();
    try {
      await em.execute("set local enable_seqscan = off");
      const plan = (await em.execute<{ "QUERY PLAN": string }[]>(`explain ${LAST_KNOWN_LANGUAGES_SQL}`, [tenant.workspaceId, "{+593971000001,+593971000002}"])).map((r) => r["QUERY PLAN"]).join("\n");
      expect(plan).toMatch(/Index Scan using contacts_workspace_phone_uq on contacts/);
      expect(plan).toMatch(/Index Scan using patients_contact_id_index on patients/);
      expect(plan).not.toMatch(/Seq Scan/);
    } finally {
      await em.rollback();
    }
  });
});

describe("the reads of a patient's messages (decision 042)", () => {
  it("find them on the once-per-patient key, which has every message of a patient, of any type", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 20_000 });
    const rows: CampaignRowInput[] = Array.from({ length: 3000 }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(75_000_000 + i)}`, appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    await sql("analyze messages, patients");
    const [patient] = await sql<{ id: string; contact_id: string }>("select id, contact_id from patients where workspace_id = ? limit 1", [tenant.workspaceId]);
    const explain = async (q: string, params: unknown[]) => (await sql<{ "QUERY PLAN": string }>(`explain ${q}`, params)).map((r) => r["QUERY PLAN"]).join("\n");
    const plans = {
      // The ON DELETE CASCADE from patients runs this statement for each deleted patient.
      cascade: await explain("delete from messages where patient_id = ?", [patient!.id]),
      // The analytics trigger of a patient row (MESSAGES/PATIENTS_ANALYTICS_TRIGGER_BODY).
      trigger: await explain("select 1 from messages m where m.patient_id = ? and m.type = 'INITIAL' for no key update", [patient!.id]),
      // A contact's timeline (@rm/contacts contact-data), every type of message of its appointments.
      timeline: await explain("select m.id from messages m where m.workspace_id = ? and m.patient_id in (select p.id from patients p where p.workspace_id = ? and p.contact_id = ?)", [tenant.workspaceId, tenant.workspaceId, patient!.contact_id]),
    };
    for (const plan of Object.values(plans)) {
      expect(plan).toContain("messages_patient_once_uq");
      expect(plan).not.toMatch(/Seq Scan on messages/);
    }
  });
});

describe("the send's update of a patient (decision 043)", () => {
  it("is HOT: it writes no index entry, because no index of patients holds what it changes and the page has room", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 20_000 });
    const rows: CampaignRowInput[] = Array.from({ length: 2000 }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(76_000_000 + i)}`, appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    const em = t.orm.em.fork();
    await em.begin();
    try {
      // Two patients from each of the import's pages: a batch of sends touches rows page by page.
      const ids = await em.execute<{ id: string }[]>(
        `select id from (select id, row_number() over (partition by (ctid::text::point)[0] order by id) as n from patients where workspace_id = ?) x where n <= 2`,
        [tenant.workspaceId],
      );
      expect(ids.length).toBeGreaterThan(50);
      // This backend's counts not yet reported, which may include earlier transactions': compared before and after.
      const counts = async () => {
        const [row] = await em.execute<{ updated: string; hot: string }[]>("select n_tup_upd as updated, n_tup_hot_upd as hot from pg_stat_xact_user_tables where relname = 'patients'");
        return { updated: Number(row!.updated), hot: Number(row!.hot) };
      };
      const before = await counts();
      const marked = await em.execute<{ affectedRows: number }>(MARK_PATIENTS_SENT_SQL, [now, `{${ids.map((r) => r.id).join(",")}}`], "run");
      expect(marked.affectedRows).toBe(ids.length);
      const after = await counts();
      expect({ updated: after.updated - before.updated, hot: after.hot - before.hot }).toEqual({ updated: ids.length, hot: ids.length });
    } finally {
      await em.rollback();
    }
  });
});

describe("the statistics after a big import (decision 041)", () => {
  it("a phone's last known language is looked up per contact even when the statistics still say the tables are empty", async () => {
    for (const table of ["contacts", "patients"]) await sql(`alter table ${table} set (autovacuum_enabled = false)`);
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 20_000 });
    const phone = (i: number) => `+5939${String(74_000_000 + i)}`;
    for (let k = 0; k < 5; k++) {
      const rows: CampaignRowInput[] = Array.from({ length: 1000 }, (_, i) => ({ name: "Ana Peña", phone: phone(k * 1000 + i), appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
      await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    }
    const known = `{${Array.from({ length: 1000 }, (_, i) => phone(2000 + i)).join(",")}}`;
    const plan = (await sql<{ "QUERY PLAN": string }>(`explain ${LAST_KNOWN_LANGUAGES_SQL}`, [tenant.workspaceId, known])).map((r) => r["QUERY PLAN"]).join("\n");
    // Each contact's appointments on their own index; never a join that rescans one side per row of the other.
    expect(plan).toContain("patients_contact_id_index");
    expect(plan).not.toMatch(/Hash Join|Merge Join|patients_workspace|Function Scan/);
    const languages = await sql<{ phone: string; language: string }>(LAST_KNOWN_LANGUAGES_SQL, [tenant.workspaceId, known]);
    expect(languages).toHaveLength(1000);
  });

  it("a thousand phones are looked up without the trigram index, whatever the statistics", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 20_000 });
    const phone = (i: number) => `+5939${String(73_000_000 + i)}`;
    const rows: CampaignRowInput[] = Array.from({ length: 4000 }, (_, i) => ({ name: "Ana Peña", phone: phone(i), appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    await createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows, publicUrl: "https://rm.example", now });
    await sql("analyze contacts, patients");
    const next = `{${Array.from({ length: 1000 }, (_, i) => phone(4000 + i)).join(",")}}`;
    const plan = (await sql<{ "QUERY PLAN": string }>(`explain ${LAST_KNOWN_LANGUAGES_SQL}`, [tenant.workspaceId, next])).map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).not.toMatch(/trgm/);
  });

  it("an import that grows the send path's keyed tables by half or more leaves them analyzed; a small one does not", async () => {
    const reltuples = async () =>
      new Map((await sql<{ relname: string; n: number }>("select relname, reltuples::float8 as n from pg_class where relname = any(?::text[]) and relnamespace = 'public'::regnamespace", ["{messages,outbox,credit_ledger_entries,patients}"])).map((r) => [r.relname, Number(r.n)]));
    // Autovacuum must not be the one that analyzes them here.
    for (const table of ["messages", "outbox", "credit_ledger_entries", "patients"]) await sql(`alter table ${table} set (autovacuum_enabled = false)`);
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 20_000 });
    const rows = (n: number, base: number): CampaignRowInput[] =>
      Array.from({ length: n }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(base + i)}`, appointmentAt: new Date(now.getTime() - 3_600_000), consent: true }));
    const create = (n: number, base: number) =>
      createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote grande", rows: rows(n, base), publicUrl: "https://rm.example", now });
    await create(3_000, 71_000_000);
    const known = await reltuples();
    // Without the refresh these stay at what the last analyze saw (nothing, or the earlier test's 40).
    for (const table of ["messages", "credit_ledger_entries"]) expect(known.get(table)).toBeGreaterThanOrEqual(3_000);
    await create(999, 72_000_000);
    expect(await reltuples()).toEqual(known);
  });
});
