// Cancel, staff opt-out and erasure against real PostgreSQL (and, for the race with a send, the real
// send step against the provider simulator and Redis): credits released exactly once, nothing sent
// after, aggregates kept, no personal data left, audit entries with ids only, and another
// workspace's ids change nothing.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { getCreditBalance } from "@rm/credits";
import { ManualClock } from "@rm/domain";
import { SenderRateLimiter, sendMessage, type SendDeps } from "@rm/messaging";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { StreamEntry } from "@rm/streams";
import { addFixtureCampaign, createScenario, createTestDatabase, createTestRedis, type FixturePatient, type Scenario, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addContactNote } from "@rm/contacts";
import { cancelCampaign, erasePatient, listCampaignPatients, loadCampaign, optOutPatient, type Viewer } from "../src/index.ts";
import { messageSendEvent } from "@rm/events";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let simUrl = "";

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(text, params);
const em = () => orm.em.fork();

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 20 });
  redis = await createTestRedis();
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  simUrl = (await sim.listen(0, "127.0.0.1")).url;
});

afterAll(async () => {
  await sim?.close();
  await redis?.cleanup();
  await orm?.close(true);
  await db?.drop();
});

async function doctor(workspaceId: string, name: string): Promise<Viewer> {
  const [u] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, ?, 'DOCTOR', 'x') returning id", [workspaceId, `${name}.${workspaceId.slice(0, 8)}@t.example`, name]);
  return { userId: u!.id, role: "DOCTOR" };
}

async function ledger(workspaceId: string) {
  return sql<{ kind: string; amount: number; reference: string }>("select kind, amount, reference from credit_ledger_entries where workspace_id = ? order by created_at, id", [workspaceId]);
}

const PEOPLE: FixturePatient[] = [
  { name: "Ana Torres", phone: "+593982000001", state: "rated", rating: 5, clicked: true, replyText: "5 excelente, gracias Dra" },
  { name: "Bruno Vera", phone: "+593982000002", state: "rated", rating: 2, feedback: "Bruno: esperé una hora, llámenme al 0982000002" },
  { name: "Carla Mora", phone: "+593982000003", state: "delivered" },
  { name: "Hugo Ríos", phone: "+593982000004", state: "scheduled" },
  { name: "Inés Vega", phone: "+593982000005", state: "scheduled" },
];

describe("cancelling a campaign", () => {
  let s: Scenario;
  let owner: Viewer;
  let campaignId: string;

  beforeAll(async () => {
    s = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 100 });
    owner = { userId: s.ownerId, role: "OWNER" };
    campaignId = (await addFixtureCampaign(orm, { workspaceId: s.workspaceId, practiceId: s.practiceId, createdById: s.ownerId, assignedDoctorId: null, name: "C", status: "ACTIVE", appointmentsFrom: new Date(Date.now() + 3600_000), patients: PEOPLE })).campaignId;
  });

  it("another workspace, another doctor and a receptionist cannot cancel it; nothing changes", async () => {
    const other = await createScenario(orm, { patients: 0, dueAt: new Date() });
    const before = await ledger(s.workspaceId);
    expect(await cancelCampaign(em(), { workspaceId: other.workspaceId, campaignId, viewer: { userId: other.ownerId, role: "OWNER" } })).toBeNull();
    expect(await cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId, viewer: await doctor(s.workspaceId, "otro") })).toBeNull();
    expect(await cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId, viewer: { userId: s.ownerId, role: "RECEPTIONIST" } })).toBeNull();
    expect((await sql<{ status: string }>("select status from campaigns where id = ?", [campaignId]))[0]!.status).toBe("ACTIVE");
    expect(await ledger(s.workspaceId)).toEqual(before);
  });

  it("marks it CANCELLED, cancels pending sends and their outbox rows, releases holds and follow-up shares, audits — once", async () => {
    const before = await getCreditBalance(em(), s.workspaceId);
    // 2 scheduled × 2 held, and 3 charged requests keep a 1-credit follow-up share each (2 of them already rated: their
    // follow-up exists in the fixture but the share is still on the request's hold).
    expect(before.held).toBe(2 * 2 + 3);
    const result = await cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId, viewer: owner, ip: "203.0.113.9" });
    expect(result).toEqual({ outcome: "cancelled", messagesCancelled: 2, patientsCancelled: 2, creditsReleased: 7 });
    const after = await getCreditBalance(em(), s.workspaceId);
    expect(after).toEqual({ available: before.available + 7, held: 0 });
    const outbox = await sql<{ status: string }>("select status from outbox where workspace_id = ? and type = 'message.send' and status <> 'done'", [s.workspaceId]);
    expect(outbox.map((o) => o.status)).toEqual(["cancelled", "cancelled"]);
    const messages = await sql<{ status: string; error_text: string | null }>("select status, error_text from messages where campaign_id = ? and type = 'INITIAL' and status = 'CANCELED'", [campaignId]);
    expect(messages).toEqual([{ status: "CANCELED", error_text: "Campaña cancelada" }, { status: "CANCELED", error_text: "Campaña cancelada" }]);
    const audit = await sql<{ action: string; entity_id: string; ip: string; details: unknown }>("select action, entity_id, ip, details from audit_logs where workspace_id = ?", [s.workspaceId]);
    expect(audit).toEqual([{ action: "campaign.cancelled", entity_id: campaignId, ip: "203.0.113.9", details: { messagesCancelled: 2, patientsCancelled: 2, creditsReleased: 7 } }]);

    // Again (a double click, a second tab): nothing more.
    const entries = await ledger(s.workspaceId);
    expect(await cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId, viewer: owner })).toEqual({ outcome: "already_cancelled" });
    expect(await ledger(s.workspaceId)).toEqual(entries);
    expect((await sql("select id from audit_logs where workspace_id = ?", [s.workspaceId])).length).toBe(1);
    // The page's timelines say it.
    const page = await listCampaignPatients(em(), s.workspaceId, campaignId, { status: undefined });
    expect(page.rows.find((r) => r.name === "Hugo Ríos")!.timeline.map((t) => [t.key, t.detail])).toEqual([["scheduled", null], ["cancelled", "Campaña cancelada"]]);
  });

  it("a completed campaign is not cancelled", async () => {
    const done = (await addFixtureCampaign(orm, { workspaceId: s.workspaceId, practiceId: s.practiceId, createdById: s.ownerId, assignedDoctorId: null, name: "D", status: "COMPLETED", appointmentsFrom: new Date(), patients: [] })).campaignId;
    expect(await cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId: done, viewer: owner })).toEqual({ outcome: "completed" });
  });
});

describe("cancelling while the worker sends", () => {
  it("every request is either sent and charged or cancelled and released — exactly once, never both", { timeout: 60_000 }, async () => {
    const N = 120;
    const clock = new ManualClock(new Date());
    const s = await createScenario(orm, { patients: N, dueAt: clock.now(), credits: 200 });
    const deps: SendDeps = {
      orm,
      clock,
      logger: { info() {}, warn() {}, error() {} },
      twilio: createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: simUrl, timeoutMs: 2000 }),
      rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}race:`, disabled: true }),
      publicUrl: "https://rm.example.com",
      defaults: {},
      globalPaused: () => false,
      sdkTimeoutMs: 2000,
      inFlightMarginMs: 1000,
    };
    const grant = (await getCreditBalance(em(), s.workspaceId)).available + (await getCreditBalance(em(), s.workspaceId)).held;
    // What the relay does: publish every due row.
    const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
      "update outbox set status = 'published', published_at = now() where workspace_id = ? and status = 'pending' returning id::text as id, type, workspace_id::text as workspace_id, payload",
      [s.workspaceId],
    );
    const entries: StreamEntry[] = rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
    // Four workers take the entries in turn; the cancel comes once ten are done, while the rest are in flight.
    let done = 0;
    let startCancel!: () => void;
    const tenDone = new Promise<void>((resolve) => (startCancel = resolve));
    const queue = [...entries];
    const sends = Array.from({ length: 4 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        await sendMessage(deps, e);
        if (++done === 10) startCancel();
      }
    });
    const cancel = (async () => {
      await tenDone;
      return cancelCampaign(em(), { workspaceId: s.workspaceId, campaignId: s.campaignId, viewer: { userId: s.ownerId, role: "OWNER" } });
    })();
    // Redelivered entries (at-least-once) after the race change nothing.
    await Promise.all([...sends, cancel]);
    for (const e of entries) await sendMessage(deps, e);
    const result = await cancel;
    expect(result?.outcome).toBe("cancelled");

    const messages = await sql<{ id: string; status: string; provider_sid: string | null; to_address: string }>("select id, status, provider_sid, to_address from messages where workspace_id = ?", [s.workspaceId]);
    const entriesByRef = new Map<string, { kind: string; amount: number }[]>();
    for (const e of await ledger(s.workspaceId)) {
      const key = e.reference.replace(/^(release:|settle:)/, "");
      entriesByRef.set(key, [...(entriesByRef.get(key) ?? []), { kind: e.kind, amount: Number(e.amount) }]);
    }
    let sent = 0;
    for (const m of messages) {
      const entries = entriesByRef.get(`message:${m.id}`) ?? [];
      const sum = (kind: string) => entries.filter((e) => e.kind === kind).reduce((t, e) => t + e.amount, 0);
      const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
      expect(count("hold")).toBe(1);
      if (m.status === "CANCELED") {
        expect(m.provider_sid).toBeNull();
        expect(count("deduct")).toBe(0);
        expect(count("release")).toBe(1);
        expect(sum("release")).toBe(-sum("hold"));
        expect(sim.state.messages.filter((x) => x.to === m.to_address)).toHaveLength(0);
      } else {
        sent++;
        expect(m.provider_sid).not.toBeNull();
        expect(count("deduct")).toBe(1);
        expect(sum("deduct")).toBe(-1);
        // The hold is settled (released) once by the charge; nothing of it released a second time.
        expect(sum("release")).toBe(-sum("hold"));
        expect(sim.state.messages.filter((x) => x.to === m.to_address)).toHaveLength(1);
      }
    }
    expect(result && result.outcome === "cancelled" ? result.messagesCancelled : -1).toBe(N - sent);
    // The race happened: some went out before the cancel, the rest never did.
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(sent).toBeLessThan(N);
    const balance = await getCreditBalance(em(), s.workspaceId);
    expect(balance.held).toBe(0);
    expect(balance.available).toBe(grant - sent);
  });
});


describe("patient opt-out and erasure by staff", () => {
  let s: Scenario;
  let owner: Viewer;
  let campaignId: string;
  let patientIds: string[];

  beforeAll(async () => {
    s = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 100 });
    owner = { userId: s.ownerId, role: "OWNER" };
    const people: FixturePatient[] = [...PEOPLE.map((p) => ({ ...p, phone: p.phone.replace("+59398200", "+59398300") }))];
    ({ campaignId, patientIds } = await addFixtureCampaign(orm, { workspaceId: s.workspaceId, practiceId: s.practiceId, createdById: s.ownerId, assignedDoctorId: null, name: "E", status: "ACTIVE", appointmentsFrom: new Date(Date.now() + 3600_000), patients: people }));
  });

  it("opt-out: the contact is opted out by staff, its pending send cancelled and released, audited; again changes nothing", async () => {
    const hugo = patientIds[3]!;
    const other = await createScenario(orm, { patients: 0, dueAt: new Date() });
    expect(await optOutPatient(em(), { workspaceId: other.workspaceId, campaignId, patientId: hugo, viewer: { userId: other.ownerId, role: "OWNER" } })).toBeNull();
    expect(await optOutPatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: hugo, viewer: await doctor(s.workspaceId, "ajeno") })).toBeNull();
    const before = await getCreditBalance(em(), s.workspaceId);
    expect(await optOutPatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: hugo, viewer: owner, ip: "198.51.100.7" })).toEqual({ outcome: "opted_out", messagesCancelled: 1 });
    expect(await getCreditBalance(em(), s.workspaceId)).toEqual({ available: before.available + 2, held: before.held - 2 });
    const [contact] = await sql<{ opted_out_at: Date | null; opted_out_source: string }>("select ct.opted_out_at, ct.opted_out_source from contacts ct join patients p on p.contact_id = ct.id where p.id = ?", [hugo]);
    expect(contact!.opted_out_at).not.toBeNull();
    expect(contact!.opted_out_source).toBe("staff");
    const [o] = await sql<{ status: string }>(`select o.status from outbox o join messages m on o.idempotency_key = ${messageSendEvent.keySql("m.id")} where m.patient_id = ?`, [hugo]);
    expect(o!.status).toBe("cancelled");
    expect(await optOutPatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: hugo, viewer: owner })).toEqual({ outcome: "already_opted_out" });
    const audit = await sql<{ action: string; entity_id: string; details: Record<string, unknown> }>("select action, entity_id, details from audit_logs where workspace_id = ? and action = 'patient.opted_out'", [s.workspaceId]);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.entity_id).toBe(hugo);
    // The page shows it.
    const page = await listCampaignPatients(em(), s.workspaceId, campaignId, { status: "opted_out" });
    expect(page.rows.map((r) => r.name)).toEqual(["Hugo Ríos"]);
  });

  it("erasure: no personal data left in any row of the person, aggregates and ledger kept, pending sends cancelled, audited with ids only", async () => {
    const bruno = patientIds[1]!; // rated 2, feedback with text, reply, follow-up
    const ines = patientIds[4]!; // scheduled
    const countsBefore = (await loadCampaign(em(), s.workspaceId, owner, campaignId))!.counts;
    const ledgerBefore = await ledger(s.workspaceId);
    const other = await createScenario(orm, { patients: 0, dueAt: new Date() });
    expect(await erasePatient(em(), { workspaceId: other.workspaceId, campaignId, patientId: bruno, viewer: { userId: other.ownerId, role: "OWNER" } })).toBeNull();
    expect(await erasePatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: bruno, viewer: { userId: s.ownerId, role: "RECEPTIONIST" } })).toBeNull();

    // A staff note on his contact names him: it goes with the rest.
    const [brunoContact] = await sql<{ contact_id: string }>("select contact_id from patients where id = ?", [bruno]);
    await addContactNote(em(), { workspaceId: s.workspaceId, userId: s.ownerId, role: "OWNER" }, brunoContact!.contact_id, "Bruno Vera prefiere las citas de la mañana.");

    expect(await erasePatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: bruno, viewer: owner })).toEqual({ outcome: "erased", patientsErased: 1, messagesCancelled: 0 });
    expect(await sql("select 1 from contact_notes where contact_id = ?", [brunoContact!.contact_id])).toEqual([]);
    const rows = [
      ...(await sql("select * from patients where id = ?", [bruno])),
      ...(await sql("select * from messages where patient_id = ?", [bruno])),
      ...(await sql("select * from inbound_messages where patient_id = ?", [bruno])),
      ...(await sql("select * from feedback where patient_id = ?", [bruno])),
      ...(await sql("select * from review_clicks where patient_id = ?", [bruno])),
      ...(await sql("select * from audit_logs where workspace_id = ?", [s.workspaceId])),
    ];
    const text = JSON.stringify(rows);
    for (const pii of ["Bruno", "Vera", "983000002", "esperé", "correo.example", "Limpieza"]) expect(text, pii).not.toContain(pii);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    // What the figures are made of is kept.
    const [p] = await sql<{ name: string; rating: number; status: string; rated_at: Date | null }>("select name, rating, status, rated_at from patients where id = ?", [bruno]);
    expect(p).toMatchObject({ name: "Paciente eliminado", rating: 2, status: "RATED" });
    expect(p!.rated_at).not.toBeNull();
    expect((await loadCampaign(em(), s.workspaceId, owner, campaignId))!.counts).toEqual(countsBefore);
    expect(await ledger(s.workspaceId)).toEqual(ledgerBefore);
    // The contact is kept, erased: the phone is never messaged again.
    const [c] = await sql<{ erased_at: Date | null }>("select ct.erased_at from contacts ct join patients p on p.contact_id = ct.id where p.id = ?", [bruno]);
    expect(c!.erased_at).not.toBeNull();
    const audit = await sql<{ entity_id: string; details: Record<string, unknown> }>("select entity_id, details from audit_logs where workspace_id = ? and action = 'patient.erased'", [s.workspaceId]);
    expect(audit).toEqual([{ entity_id: bruno, details: expect.objectContaining({ campaignId, patientsErased: 1 }) }]);
    expect(await erasePatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: bruno, viewer: owner })).toEqual({ outcome: "already_erased" });

    // A scheduled patient: the pending send is cancelled and its hold released.
    const held = (await getCreditBalance(em(), s.workspaceId)).held;
    expect(await erasePatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: ines, viewer: owner })).toEqual({ outcome: "erased", patientsErased: 1, messagesCancelled: 1 });
    expect((await getCreditBalance(em(), s.workspaceId)).held).toBe(held - 2);
    const page = await listCampaignPatients(em(), s.workspaceId, campaignId);
    expect(page.rows.map((r) => r.name)).not.toContain("Inés Vega");
    expect(page.rows.filter((r) => r.erased).map((r) => r.name)).toEqual(["Paciente eliminado", "Paciente eliminado"]);
  });
});
