// Campaign pages' queries and staff operations against real PostgreSQL: what each role sees, keyset
// pages, filters, counts from aggregates, cancel, opt-out and erasure — and every one of them tried
// with another workspace's ids.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { addFixtureCampaign, createScenario, createTestDatabase, type FixturePatient, type Scenario, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeCursor,
  listCampaignPatients,
  listCampaigns,
  loadCampaign,
  parseCampaignListFilters,
  parsePatientListFilters,
  type Viewer,
} from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let a: Scenario;
let b: Scenario;
let owner: Viewer;
let doctor1: Viewer;
let doctor2: Viewer;
let receptionist: Viewer;
let ownerB: Viewer;
const ids = {} as { practice2: string; mixed: string; done: string; draft: string; b: string };

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(text, params);
const em = () => orm.em.fork();

async function user(workspaceId: string, role: string, name: string): Promise<string> {
  const [u] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, ?, ?, 'x') returning id", [workspaceId, `${name.replace(/\W/g, "").toLowerCase()}.${workspaceId.slice(0, 8)}@t.example`, name, role]);
  return u!.id;
}

const MIX: FixturePatient[] = [
  { name: "Ana Torres", phone: "+593981000001", state: "rated", rating: 5, clicked: true },
  { name: "Bruno Vera", phone: "+593981000002", state: "rated", rating: 2, feedback: "Esperé una hora" },
  { name: "Carla Mora", phone: "+593981000003", state: "delivered" },
  { name: "Diego Paz", phone: "+593981000004", state: "read" },
  { name: "Elena Ruiz", phone: "+593981000005", state: "failed", errorCode: 21211, errorText: "El número no es válido" },
  { name: "Fausto León", phone: "+593981000006", state: "skipped", skipReason: "NO_CONSENT" },
  { name: "Gina Salas", phone: "+593981000007", state: "skipped", skipReason: "COOLDOWN" },
  { name: "Hugo Ríos", phone: "+593981000008", state: "scheduled" },
  { name: "Inés Vega", phone: "+593981000009", state: "scheduled" },
  { name: "Jorge Luna", phone: "+593981000010", state: "sent", optedOut: true },
];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  a = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 500 });
  b = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 100 });
  owner = { userId: a.ownerId, role: "OWNER" };
  doctor1 = { userId: await user(a.workspaceId, "DOCTOR", "Dra. Silvia Andrade"), role: "DOCTOR" };
  doctor2 = { userId: await user(a.workspaceId, "DOCTOR", "Dr. Pablo Ortiz"), role: "DOCTOR" };
  receptionist = { userId: await user(a.workspaceId, "RECEPTIONIST", "Rosa Recepción"), role: "RECEPTIONIST" };
  ownerB = { userId: b.ownerId, role: "OWNER" };
  const [p2] = await sql<{ id: string }>("insert into practices (workspace_id, name, timezone) values (?, 'Sede Norte', 'America/Guayaquil') returning id", [a.workspaceId]);
  ids.practice2 = p2!.id;
  const base = { workspaceId: a.workspaceId, createdById: a.ownerId, appointmentsFrom: new Date("2026-11-30T14:00:00Z") };
  ids.mixed = (await addFixtureCampaign(orm, { ...base, practiceId: a.practiceId, assignedDoctorId: doctor1.userId, name: "Limpiezas noviembre", status: "ACTIVE", patients: MIX, createdAt: new Date("2026-12-01T10:00:00Z") })).campaignId;
  ids.done = (await addFixtureCampaign(orm, { ...base, practiceId: ids.practice2, assignedDoctorId: doctor2.userId, name: "Ortodoncia", status: "COMPLETED", patients: [{ name: "Karla Ibarra", phone: "+593981000011", state: "rated", rating: 4 }], createdAt: new Date("2026-11-20T10:00:00Z") })).campaignId;
  ids.draft = (await addFixtureCampaign(orm, { ...base, practiceId: a.practiceId, assignedDoctorId: null, name: "Borrador", status: "DRAFT", patients: [], createdAt: new Date("2026-11-25T10:00:00Z") })).campaignId;
  ids.b = (await addFixtureCampaign(orm, { workspaceId: b.workspaceId, practiceId: b.practiceId, createdById: b.ownerId, assignedDoctorId: null, name: "Campaña de B", status: "ACTIVE", appointmentsFrom: new Date("2026-11-30T14:00:00Z"), patients: [{ name: "Zoila B", phone: "+593981000001", state: "scheduled" }] })).campaignId;
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("campaign list", () => {
  it("owner and receptionist see every campaign of the workspace, newest first, with counts", async () => {
    for (const viewer of [owner, receptionist]) {
      const page = await listCampaigns(em(), a.workspaceId, viewer);
      const names = page.rows.map((r) => r.name);
      // The scenario's own campaign was created now.
      expect(names).toEqual(["Scenario", "Limpiezas noviembre", "Borrador", "Ortodoncia"]);
    }
    const mixed = (await listCampaigns(em(), a.workspaceId, owner)).rows.find((r) => r.id === ids.mixed)!;
    expect(mixed).toMatchObject({ practiceName: "Consultorio Centro", doctorName: "Dra. Silvia Andrade", status: "ACTIVE" });
    // 10 patients; 2 skipped; sent = accepted by the provider (rated×2, delivered, read, sent); 3 delivered (delivered + read + rated-read×2 = 4)
    expect(mixed.counts).toEqual({ patients: 10, skipped: 2, sent: 5, delivered: 4, rated: 2, failed: 1 });
  });

  it("a doctor sees only the campaigns assigned to them", async () => {
    expect((await listCampaigns(em(), a.workspaceId, doctor1)).rows.map((r) => r.name)).toEqual(["Limpiezas noviembre"]);
    expect((await listCampaigns(em(), a.workspaceId, doctor2)).rows.map((r) => r.name)).toEqual(["Ortodoncia"]);
  });

  it("filters by status and practice; another workspace's practice filters to nothing", async () => {
    expect((await listCampaigns(em(), a.workspaceId, owner, parseCampaignListFilters({ status: "completed" }))).rows.map((r) => r.name)).toEqual(["Ortodoncia"]);
    expect((await listCampaigns(em(), a.workspaceId, owner, parseCampaignListFilters({ practice: ids.practice2 }))).rows.map((r) => r.name)).toEqual(["Ortodoncia"]);
    expect((await listCampaigns(em(), a.workspaceId, owner, { practiceId: b.practiceId })).rows).toEqual([]);
    // Nonsense filters are dropped, not errors.
    expect(parseCampaignListFilters({ status: "DROP TABLE", practice: "x" })).toEqual({ status: undefined, practiceId: undefined, cursor: undefined });
  });

  it("pages by keyset without skipping or repeating campaigns created in the same instant", async () => {
    const same = new Date("2026-10-01T12:00:00.123456Z");
    const [ws] = await sql<{ id: string }>("insert into workspaces (name) values ('Paginación') returning id");
    const [u] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, 'p@t.example', 'P', 'OWNER', 'x') returning id", [ws!.id]);
    const [pr] = await sql<{ id: string }>("insert into practices (workspace_id, name) values (?, 'P') returning id", [ws!.id]);
    for (let i = 0; i < 7; i++) {
      await sql("insert into campaigns (workspace_id, practice_id, created_by_id, name, status, created_at) values (?, ?, ?, ?, 'ACTIVE', ?::timestamptz + (? || ' microseconds')::interval)", [ws!.id, pr!.id, u!.id, `C${i}`, same.toISOString(), String(i % 3)]);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listCampaigns(em(), ws!.id, { userId: u!.id, role: "OWNER" }, { cursor }, 3);
      seen.push(...page.rows.map((r) => r.name));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    // A forged cursor is the first page.
    expect(decodeCursor("bm9wZQ")).toBeNull();
  });
});

describe("campaign page", () => {
  it("the owner and the assigned doctor open it with live counts; another doctor, a receptionist and another workspace get nothing", async () => {
    const detail = await loadCampaign(em(), a.workspaceId, owner, ids.mixed);
    expect(detail).toMatchObject({ name: "Limpiezas noviembre", timezone: "America/Guayaquil", doctorName: "Dra. Silvia Andrade" });
    expect(detail!.counts).toMatchObject({ patients: 10, pending: 2, skipped: 2, sent: 5, delivered: 4, read: 3, rated: 2, unhappy: 1, failed: 1, optedOut: 1, clicked: 1 });
    expect(await loadCampaign(em(), a.workspaceId, doctor1, ids.mixed)).not.toBeNull();
    expect(await loadCampaign(em(), a.workspaceId, doctor2, ids.mixed)).toBeNull();
    expect(await loadCampaign(em(), a.workspaceId, receptionist, ids.mixed)).toBeNull();
    expect(await loadCampaign(em(), b.workspaceId, ownerB, ids.mixed)).toBeNull();
    expect(await loadCampaign(em(), a.workspaceId, owner, ids.b)).toBeNull();
    expect(await loadCampaign(em(), a.workspaceId, owner, "not-a-uuid")).toBeNull();
  });

  it("lists patients with their timelines, in appointment order", async () => {
    const page = await listCampaignPatients(em(), a.workspaceId, ids.mixed);
    expect(page.rows.map((r) => r.name)).toEqual(MIX.map((p) => p.name));
    const byName = Object.fromEntries(page.rows.map((r) => [r.name, r]));
    expect(byName["Ana Torres"]!.timeline.map((s) => s.key)).toEqual(["scheduled", "sent", "delivered", "read", "rated", "followUp", "clicked"]);
    expect(byName["Ana Torres"]!.timeline.find((s) => s.key === "rated")!.detail).toBe("5");
    expect(byName["Bruno Vera"]!.timeline.map((s) => s.key)).toEqual(["scheduled", "sent", "delivered", "read", "rated", "followUp", "feedback"]);
    expect(byName["Bruno Vera"]!.timeline.find((s) => s.key === "followUp")!.detail).toBe("unhappy");
    // The explanation and the provider's code apart: the page shows advice and keeps the code in a detail.
    expect(byName["Elena Ruiz"]!.timeline.find((s) => s.key === "failed")).toMatchObject({ detail: "El número no es válido", errorCode: 21211 });
    expect(byName["Fausto León"]!.timeline).toEqual([expect.objectContaining({ key: "skipped", detail: "NO_CONSENT" })]);
    expect(byName["Hugo Ríos"]!.timeline.map((s) => s.key)).toEqual(["scheduled"]);
    expect(byName["Hugo Ríos"]!.timeline[0]!.at).toEqual(new Date("2026-11-30T17:45:00Z"));
    expect(byName["Jorge Luna"]!.timeline.map((s) => s.key)).toEqual(["scheduled", "sent", "optedOut"]);
  });

  it("filters by where patients stand and by name or phone", async () => {
    const names = async (params: Record<string, string>) => (await listCampaignPatients(em(), a.workspaceId, ids.mixed, parsePatientListFilters(params))).rows.map((r) => r.name);
    expect(await names({ status: "pending" })).toEqual(["Hugo Ríos", "Inés Vega"]);
    expect(await names({ status: "sent" })).toEqual(["Ana Torres", "Bruno Vera", "Carla Mora", "Diego Paz", "Jorge Luna"]);
    expect(await names({ status: "delivered" })).toEqual(["Ana Torres", "Bruno Vera", "Carla Mora", "Diego Paz"]);
    expect(await names({ status: "rated" })).toEqual(["Ana Torres", "Bruno Vera"]);
    expect(await names({ status: "unhappy" })).toEqual(["Bruno Vera"]);
    expect(await names({ status: "failed" })).toEqual(["Elena Ruiz"]);
    expect(await names({ status: "opted_out" })).toEqual(["Jorge Luna"]);
    expect(await names({ status: "skipped" })).toEqual(["Fausto León", "Gina Salas"]);
    expect(await names({ q: "ana" })).toEqual(["Ana Torres"]);
    expect(await names({ q: "ríos" })).toEqual(["Hugo Ríos"]);
    expect(await names({ q: "098 100 0004" })).toEqual(["Diego Paz"]);
    expect(await names({ q: "100%_" })).toEqual([]);
    expect(await names({ status: "rated", q: "bruno" })).toEqual(["Bruno Vera"]);
  });

  it("pages patients by keyset", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listCampaignPatients(em(), a.workspaceId, ids.mixed, { cursor }, 3);
      seen.push(...page.rows.map((r) => r.name));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(MIX.map((p) => p.name));
  });

  it("another workspace's campaign id lists no patients", async () => {
    expect((await listCampaignPatients(em(), b.workspaceId, ids.mixed)).rows).toEqual([]);
    expect((await listCampaignPatients(em(), a.workspaceId, ids.b)).rows).toEqual([]);
  });
});
