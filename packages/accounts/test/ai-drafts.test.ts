// AI drafts in @rm/accounts against a real PostgreSQL and the simulator's fake chat-completions
// endpoint: the daily limit (per the workspace's own day, failures counted, two requests racing for
// the last one), the audit of each use, who may draft, and saving a draft through the template check.
import type { MikroORM } from "@mikro-orm/postgresql";
import { AiClient } from "@rm/ai";
import { AuditLog, initOrm, Role, Template, User, Workspace, workspaceEm } from "@rm/db";
import { createTestDatabase, makeTenant, type TestDatabase } from "@rm/test-utils";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountsError, aiDraftAllowance, createBroadcastTemplate, requestAiDrafts, reserveAiDraft, updateSettings, ValidationError, type Actor } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let sim: Simulator;
let client: AiClient;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 6 });
  sim = createSimulator({ accountSid: "AC" + "4d".repeat(16), authTokens: ["t"] });
  const { url } = await sim.listen(0);
  client = new AiClient({ baseUrl: `${url}/v1`, model: "sim-model", timeoutMs: 2000 });
});
afterAll(async () => {
  await sim?.close();
  await orm?.close(true);
  await db?.drop();
});
beforeEach(() => sim.ai.reset());

const brief = { objective: "Horario de fin de año", tone: "formal", length: "corto", keyPoints: ["Cerrado el 1 de enero"], language: "es" } as const;
const keyPoints = [...brief.keyPoints];

async function tenant(limit: number, role: Role = Role.OWNER) {
  const t = await makeTenant(orm);
  const em = workspaceEm(orm.em.fork(), t.workspaceId);
  await em.nativeUpdate(Workspace, { id: t.workspaceId }, { aiDraftsPerDay: limit });
  let userId = t.ownerId;
  if (role !== Role.OWNER) {
    const u = em.create(User, { workspace: t.workspaceId, email: `${role.toLowerCase()}-${t.workspaceId.slice(0, 8)}@example.com`, name: role, role, passwordHash: "x" });
    await em.flush();
    userId = u.id;
  }
  const user = await em.findOneOrFail(User, { id: userId }, { populate: ["workspace"] });
  const actor = (now?: Date): Actor => ({ user, ip: "10.1.1.1", ...(now ? { now } : {}) });
  return { ...t, em, actor };
}

describe("the daily limit of AI drafts", () => {
  it("allows the workspace's limit per day, counts failed requests, and refuses the next with ai_limit", async () => {
    const t = await tenant(2);
    sim.ai.script([{ status: 500 }]);
    const failed = await requestAiDrafts(t.em, t.actor(), client, { ...brief, keyPoints });
    expect(failed).toMatchObject({ ok: false, allowance: { used: 1, limit: 2 } });
    expect(!failed.ok && failed.error.kind).toBe("provider");
    const ok = await requestAiDrafts(t.em, t.actor(), client, { ...brief, keyPoints });
    expect(ok.ok && ok.drafts).toHaveLength(3);
    await expect(requestAiDrafts(t.em, t.actor(), client, { ...brief, keyPoints })).rejects.toSatisfy((e: unknown) => e instanceof AccountsError && e.code === "ai_limit");
    // The refused one never reached the provider.
    expect(sim.ai.requests).toHaveLength(2);
    expect(await aiDraftAllowance(t.em, t.workspaceId)).toEqual({ used: 2, limit: 2 });
  });

  it("counts per day in the workspace's time zone (America/Guayaquil), not UTC's", async () => {
    const t = await tenant(1);
    // 23:30 in Guayaquil on the 6th is 04:30 UTC on the 7th; 00:30 on the 7th there is a new day.
    await reserveAiDraft(t.em, t.actor(new Date("2026-12-07T04:30:00Z")), { ...brief, keyPoints });
    await expect(reserveAiDraft(t.em, t.actor(new Date("2026-12-07T04:50:00Z")), { ...brief, keyPoints })).rejects.toBeInstanceOf(AccountsError);
    await expect(reserveAiDraft(t.em, t.actor(new Date("2026-12-07T05:30:00Z")), { ...brief, keyPoints })).resolves.toEqual({ used: 1, limit: 1 });
  });

  it("gives the last draft of the day to one of three requests at once", async () => {
    const t = await tenant(1);
    const results = await Promise.allSettled([0, 1, 2].map(() => reserveAiDraft(t.em, t.actor(), { ...brief, keyPoints })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await t.em.count(AuditLog, { action: "template.ai_drafted" })).toBe(1);
  });

  it("audits each use with the brief's shape but not its text, and a failure with its kind", async () => {
    const t = await tenant(5);
    sim.ai.script([{ status: 429 }]);
    await requestAiDrafts(t.em, t.actor(), client, { ...brief, keyPoints });
    const rows = await t.em.find(AuditLog, {}, { orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.action, r.details])).toEqual([
      ["template.ai_drafted", { tone: "formal", length: "corto", language: "es", keyPoints: 1 }],
      ["template.ai_draft_failed", { kind: "rate_limited", status: 429 }],
    ]);
  });

  it("is turned off by a limit of 0 and set by the owner in the settings (0–1000)", async () => {
    const t = await tenant(0);
    await expect(reserveAiDraft(t.em, t.actor(), { ...brief, keyPoints })).rejects.toSatisfy((e: unknown) => e instanceof AccountsError && e.code === "ai_limit");
    const ws = await t.em.findOneOrFail(Workspace, { id: t.workspaceId });
    const settings = { name: ws.name, timezone: ws.timezone, quietHoursEnabled: "", contactCooldownDays: "60", defaultChannel: "WHATSAPP", reviewPolicy: "open" };
    await expect(updateSettings(t.em, t.actor(), { ...settings, aiDraftsPerDay: "-1" })).rejects.toBeInstanceOf(ValidationError);
    await updateSettings(t.em, t.actor(), { ...settings, aiDraftsPerDay: "7" });
    expect(await aiDraftAllowance(t.em, t.workspaceId)).toEqual({ used: 0, limit: 7 });
    // A form without the field keeps the limit.
    await updateSettings(t.em, t.actor(), settings);
    expect((await aiDraftAllowance(t.em, t.workspaceId)).limit).toBe(7);
  });

  it("keeps the broadcasts' frequency cap as a workspace setting (0–30, default 2)", async () => {
    const t = await tenant(5);
    const ws = await t.em.findOneOrFail(Workspace, { id: t.workspaceId });
    expect(ws.broadcastCap).toBe(2);
    const settings = { name: ws.name, timezone: ws.timezone, quietHoursEnabled: "", contactCooldownDays: "60", defaultChannel: "WHATSAPP", reviewPolicy: "open" };
    await expect(updateSettings(t.em, t.actor(), { ...settings, broadcastCap: "31" })).rejects.toBeInstanceOf(ValidationError);
    await updateSettings(t.em, t.actor(), { ...settings, broadcastCap: "1" });
    t.em.clear();
    expect((await t.em.findOneOrFail(Workspace, { id: t.workspaceId })).broadcastCap).toBe(1);
    // A form without the field keeps it.
    await updateSettings(t.em, t.actor(), settings);
    t.em.clear();
    expect((await t.em.findOneOrFail(Workspace, { id: t.workspaceId })).broadcastCap).toBe(1);
  });

  it("lets owners and the front desk draft, not doctors", async () => {
    const doctor = await tenant(5, Role.DOCTOR);
    await expect(reserveAiDraft(doctor.em, doctor.actor(), { ...brief, keyPoints })).rejects.toSatisfy((e: unknown) => e instanceof AccountsError && e.code === "forbidden");
    const front = await tenant(5, Role.RECEPTIONIST);
    await expect(reserveAiDraft(front.em, front.actor(), { ...brief, keyPoints })).resolves.toEqual({ used: 1, limit: 5 });
  });
});

describe("saving a draft as a broadcast template", () => {
  it("goes through the template check: an unknown variable saves nothing, a known one saves a BROADCAST template", async () => {
    const t = await tenant(5, Role.RECEPTIONIST);
    await expect(createBroadcastTemplate(t.em, t.actor(), { name: "Fin de año", body: "Hola {{telefono}}" })).rejects.toBeInstanceOf(ValidationError);
    expect(await t.em.count(Template, { type: "BROADCAST" })).toBe(0);
    const saved = await createBroadcastTemplate(t.em, t.actor(), { name: "Fin de año", body: "Hola {{name}}, {{practice}} cierra el 1 de enero.", fromAiDraft: true });
    expect(saved).toMatchObject({ type: "BROADCAST", isDefault: false, language: "es", name: "Fin de año" });
    const audit = await t.em.findOneOrFail(AuditLog, { action: "template.created" });
    expect(audit.details).toEqual({ type: "BROADCAST", language: "es", fromAiDraft: true });
  });
});
