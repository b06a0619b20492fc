// Server-side staff sessions against a real PostgreSQL database: a session lives while its row
// exists, the user's sessionVersion matches and neither timeout has passed; logout, "log out
// everywhere", password changes and resets, role changes and removing the user end sessions.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { initOrm, User, Workspace, workspaceEm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptInvitation,
  changePassword,
  changeRole,
  DEFAULT_SESSION_POLICY,
  endStaffSession,
  findStaffSession,
  hashToken,
  inviteUser,
  issuePasswordReset,
  logoutEverywhere,
  removeUser,
  resetOwnerPasswordByEmail,
  resetPasswordWithToken,
  signUp,
  startStaffSession,
  type Actor,
} from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function newWorkspace() {
  const email = `sesiones${++counter}@example.ec`;
  const result = await signUp(orm.em.fork(), { workspaceName: `Clínica ${counter}`, name: `Dueña ${counter}`, email, password: "clave-segura-1" }, {
    startPlan: (em: EntityManager, workspaceId: string) => grantCredits(em, { workspaceId, amount: 50, reference: "free:signup", reason: "FREE" }),
  });
  const em = workspaceEm(orm.em.fork(), result.workspaceId);
  const owner = await em.findOneOrFail(User, { id: result.userId }, { populate: ["workspace"] });
  return { ...result, email, owner };
}

const scoped = (workspaceId: string) => workspaceEm(orm.em.fork(), workspaceId);

async function alive(workspaceId: string, sessionId: string, now = new Date()): Promise<boolean> {
  return (await findStaffSession(scoped(workspaceId), sessionId, { now })) !== null;
}

async function rows(userId: string): Promise<number> {
  const [row] = await orm.em.fork().execute<{ n: string }[]>("select count(*) as n from staff_sessions where user_id = ?", [userId]);
  return Number(row!.n);
}

describe("staff sessions", () => {
  it("store only the hash of the cookie's id and find the user with the session", async () => {
    const ws = await newWorkspace();
    const { sessionId } = await startStaffSession(orm.em.fork(), ws);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] = await orm.em.fork().execute<{ id: string }[]>("select id from staff_sessions where user_id = ?", [ws.userId]);
    expect(row!.id).toBe(hashToken(sessionId));
    const found = await findStaffSession(scoped(ws.workspaceId), sessionId);
    expect(found?.user.id).toBe(ws.userId);
    expect(found?.user.workspace.name).toBe(`Clínica ${counter}`);
    // The stored hash used as a cookie value, malformed ids and another workspace's scope find nothing.
    expect(await alive(ws.workspaceId, row!.id)).toBe(false);
    expect(await alive(ws.workspaceId, "x")).toBe(false);
    const other = await newWorkspace();
    expect(await alive(other.workspaceId, sessionId)).toBe(false);
  });

  it("end after the idle timeout, counted from the last request; last_seen_at moves at most once a minute", async () => {
    const ws = await newWorkspace();
    const start = new Date("2026-12-01T08:00:00Z");
    const { sessionId } = await startStaffSession(orm.em.fork(), ws, { now: start });
    const seen = async () => (await orm.em.fork().execute<{ t: string }[]>("select last_seen_at::text as t from staff_sessions where user_id = ?", [ws.userId]))[0]?.t;
    const first = await seen();
    expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + 30_000))).toBe(true);
    expect(await seen()).toBe(first);
    // Active every 11 hours: alive after 33 hours (idle resets), within the 7-day absolute limit.
    for (let h = 11; h <= 33; h += 11) expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + h * HOUR))).toBe(true);
    expect(await seen()).not.toBe(first);
    expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + 33 * HOUR + DEFAULT_SESSION_POLICY.idleTimeoutMs + MINUTE))).toBe(false);
    // Ended for good (the row is gone), even at a time that would have been in range.
    expect(await rows(ws.userId)).toBe(0);
    expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + 34 * HOUR))).toBe(false);
  });

  it("end after the absolute timeout however active, and follow a custom policy", async () => {
    const ws = await newWorkspace();
    const start = new Date("2026-12-01T08:00:00Z");
    const { sessionId } = await startStaffSession(orm.em.fork(), ws, { now: start });
    for (let h = 10; h < 7 * 24; h += 10) expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + h * HOUR))).toBe(true);
    expect(await alive(ws.workspaceId, sessionId, new Date(start.getTime() + 7 * 24 * HOUR + MINUTE))).toBe(false);

    const policy = { idleTimeoutMs: 30 * MINUTE, absoluteTimeoutMs: 2 * HOUR };
    const short = await startStaffSession(orm.em.fork(), ws, { now: start, policy });
    expect(await findStaffSession(scoped(ws.workspaceId), short.sessionId, { now: new Date(start.getTime() + 29 * MINUTE), policy })).not.toBeNull();
    expect(await findStaffSession(scoped(ws.workspaceId), short.sessionId, { now: new Date(start.getTime() + 60 * MINUTE), policy })).toBeNull();
  });

  it("sign-in clears the user's ended sessions", async () => {
    const ws = await newWorkspace();
    await startStaffSession(orm.em.fork(), ws, { now: new Date(Date.now() - 13 * HOUR) });
    await startStaffSession(orm.em.fork(), ws, { now: new Date(Date.now() - 8 * 24 * HOUR) });
    expect(await rows(ws.userId)).toBe(2);
    await startStaffSession(orm.em.fork(), ws);
    expect(await rows(ws.userId)).toBe(1);
  });

  it("logout ends one session; log out everywhere and a password change end all others, keeping the actor's", async () => {
    const ws = await newWorkspace();
    const a = await startStaffSession(orm.em.fork(), ws);
    const b = await startStaffSession(orm.em.fork(), ws);
    const c = await startStaffSession(orm.em.fork(), ws);
    await endStaffSession(orm.em.fork(), c.sessionId);
    expect(await alive(ws.workspaceId, c.sessionId)).toBe(false);
    expect(await alive(ws.workspaceId, b.sessionId)).toBe(true);

    const actor: Actor = { user: ws.owner, sessionId: a.sessionId };
    await logoutEverywhere(scoped(ws.workspaceId), actor);
    expect(await alive(ws.workspaceId, a.sessionId)).toBe(true);
    expect(await alive(ws.workspaceId, b.sessionId)).toBe(false);

    const d = await startStaffSession(orm.em.fork(), { ...ws, sessionVersion: 1 });
    await changePassword(scoped(ws.workspaceId), actor, { current: "clave-segura-1", password: "nueva-clave-123", confirm: "nueva-clave-123" });
    expect(await alive(ws.workspaceId, a.sessionId)).toBe(true);
    expect(await alive(ws.workspaceId, d.sessionId)).toBe(false);
    expect(await rows(ws.userId)).toBe(1);
  });

  it("a password reset (link or command line), a role change and removing the user end every session of that user", async () => {
    const ws = await newWorkspace();
    await scoped(ws.workspaceId).nativeUpdate(Workspace, { id: ws.workspaceId }, { plan: "STARTER" });
    const { token: invite } = await inviteUser(scoped(ws.workspaceId), { user: ws.owner }, { email: `otra${counter}@example.ec`, role: "OWNER" });
    const second = await acceptInvitation(orm.em.fork(), invite, { name: "Segunda", password: "clave-segunda-1" });

    const s1 = await startStaffSession(orm.em.fork(), second);
    const { token } = await issuePasswordReset(scoped(ws.workspaceId), { user: ws.owner }, second.userId);
    const reset = await resetPasswordWithToken(orm.em.fork(), token, { password: "nueva-clave-123", confirm: "nueva-clave-123" });
    expect(await alive(ws.workspaceId, s1.sessionId)).toBe(false);
    expect(await rows(second.userId)).toBe(0);

    const s2 = await startStaffSession(orm.em.fork(), { ...second, sessionVersion: reset.sessionVersion });
    expect(await alive(ws.workspaceId, s2.sessionId)).toBe(true);
    await resetOwnerPasswordByEmail(orm.em.fork(), `otra${counter}@example.ec`, "clave-de-consola-1");
    expect(await alive(ws.workspaceId, s2.sessionId)).toBe(false);

    const current = await scoped(ws.workspaceId).findOneOrFail(User, { id: second.userId });
    const s3 = await startStaffSession(orm.em.fork(), { ...second, sessionVersion: current.sessionVersion });
    await changeRole(scoped(ws.workspaceId), { user: ws.owner }, second.userId, "DOCTOR");
    expect(await alive(ws.workspaceId, s3.sessionId)).toBe(false);

    const demoted = await scoped(ws.workspaceId).findOneOrFail(User, { id: second.userId });
    const s4 = await startStaffSession(orm.em.fork(), { ...second, sessionVersion: demoted.sessionVersion });
    expect(await alive(ws.workspaceId, s4.sessionId)).toBe(true);
    await removeUser(scoped(ws.workspaceId), { user: ws.owner }, second.userId);
    expect(await alive(ws.workspaceId, s4.sessionId)).toBe(false);
    expect(await rows(second.userId)).toBe(0);
  });
});
