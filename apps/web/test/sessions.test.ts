// Staff sessions end on the server (SPEC §17), checked against the real production server: logout
// revokes the session (a copy of the cookie is refused afterwards), sign-in issues a new session id
// and CSRF token (the visitor's stop working), idle and absolute timeouts (defaults and the
// environment's), "log out everywhere", a password reset and removing the user end the user's
// sessions, and last_seen_at is written at most once a minute.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, csrfOf, get, newSession, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant, type TenantUser } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let orm: MikroORM;
let web: WebServer;
let tenant: Tenant;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
  tenant = await createTenant(db.url, "s");
  web = await startWebServer({ databaseUrl: db.url });
});

afterAll(async () => {
  await web?.stop();
  await orm?.close(true);
  await db?.drop();
});

/** Whether the cookie still opens a staff page (200) or is sent to the login page (302). */
async function signedIn(session: Session, baseUrl = web.url): Promise<boolean> {
  const res = await get(baseUrl, "/account", session);
  if (res.status === 200) return true;
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toMatch(/^\/login/);
  return false;
}

async function sessionRows(user: TenantUser): Promise<{ lastSeen: string; fresh: boolean }[]> {
  return orm.em
    .fork()
    .execute(`select last_seen_at::text as "lastSeen", now() - last_seen_at < interval '10 seconds' as fresh from staff_sessions where user_id = ? order by created_at`, [user.id]);
}

/** Moves every session of the user back in time (sign-in and last request). */
async function age(user: TenantUser, { idleMs = 0, sinceSignInMs = 0 }: { idleMs?: number; sinceSignInMs?: number }): Promise<void> {
  await orm.em
    .fork()
    .execute("update staff_sessions set last_seen_at = now() - make_interval(secs => ?), created_at = now() - make_interval(secs => ?) where user_id = ?", [
      idleMs / 1000,
      Math.max(idleMs, sinceSignInMs) / 1000,
      user.id,
    ]);
}

const HOUR = 3_600_000;

describe("logout", () => {
  it("revokes the session on the server: a copy of the cookie taken before is refused afterwards", async () => {
    const session = await signIn(web.url, tenant.owner.email, tenant.owner.password);
    const copy = { ...session };
    expect(await signedIn(copy)).toBe(true);
    const out = await post(web.url, "/logout", session, {});
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/login");
    // The copy (e.g. taken from a shared PC) no longer opens a page nor changes anything.
    expect(await signedIn(copy)).toBe(false);
    const change = await post(web.url, "/practices/new", copy, { name: "Tras salir", timezone: "America/Guayaquil" });
    expect(change.status).toBe(401);
    const owner = await signIn(web.url, tenant.owner.email, tenant.owner.password);
    expect(await (await get(web.url, "/practices", owner)).text()).not.toContain("Tras salir");
  });
});

describe("sign-in", () => {
  it("issues a new session cookie and CSRF token: the visitor's token and cookie are not valid afterwards", async () => {
    const visitor = await newSession(web.url);
    const res = await post(web.url, "/login", visitor, { email: tenant.doctor.email, password: tenant.doctor.password });
    expect(res.status).toBe(302);
    const cookie = cookieOf(res)!;
    expect(cookie).not.toBe(visitor.cookie);
    const csrf = await csrfOf(web.url, cookie);
    expect(csrf).not.toBe(visitor.csrf);
    // A token planted before sign-in (or read by someone on the sign-in page) does not carry over.
    const planted = await post(web.url, "/account", { cookie, csrf: visitor.csrf }, { intent: "logout-everywhere" });
    expect(planted.status).toBe(403);
    // The visitor's cookie itself is not signed in.
    expect(await signedIn(visitor)).toBe(false);
    // The new token works.
    expect((await post(web.url, "/lang", { cookie, csrf }, { locale: "es", redirectTo: "/" })).status).toBe(302);
  });

  it("signing in again on the same browser ends the session the browser had", async () => {
    const first = await signIn(web.url, tenant.receptionist.email, tenant.receptionist.password);
    const res = await post(web.url, "/login", first, { email: tenant.receptionist.email, password: tenant.receptionist.password });
    expect(res.status).toBe(302);
    expect(cookieOf(res)).not.toBe(first.cookie);
    expect(await signedIn(first)).toBe(false);
    expect(await signedIn({ cookie: cookieOf(res)!, csrf: "" })).toBe(true);
  });
});

describe("timeouts", () => {
  it("ends a session idle for longer than 12 hours, and clears the cookie", async () => {
    const t = await createTenant(db.url, "idle");
    const session = await signIn(web.url, t.doctor.email, t.doctor.password);
    await age(t.doctor, { idleMs: 11 * HOUR });
    expect(await signedIn(session)).toBe(true);
    await age(t.doctor, { idleMs: 12 * HOUR + 60_000 });
    const res = await get(web.url, "/account", session);
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__session="))).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/i);
    expect(await sessionRows(t.doctor)).toEqual([]);
  });

  it("ends a session 7 days after sign-in however active it is", async () => {
    const session = await signIn(web.url, tenant.doctor.email, tenant.doctor.password);
    await age(tenant.doctor, { idleMs: 0, sinceSignInMs: 6 * 24 * HOUR });
    expect(await signedIn(session)).toBe(true);
    await age(tenant.doctor, { idleMs: 0, sinceSignInMs: 7 * 24 * HOUR + 60_000 });
    expect(await signedIn(session)).toBe(false);
  });

  it("the timeouts come from SESSION_IDLE_TIMEOUT_MINUTES and SESSION_ABSOLUTE_TIMEOUT_HOURS", async () => {
    const short = await startWebServer({ databaseUrl: db.url, env: { SESSION_IDLE_TIMEOUT_MINUTES: "30", SESSION_ABSOLUTE_TIMEOUT_HOURS: "2" } });
    try {
      const session = await signIn(short.url, tenant.receptionist.email, tenant.receptionist.password);
      const maxAge = /Max-Age=(\d+)/i.exec((await post(short.url, "/login", await newSession(short.url), { email: tenant.receptionist.email, password: tenant.receptionist.password })).headers.getSetCookie().join(";"))?.[1];
      expect(maxAge).toBe(String(2 * 3600));
      await age(tenant.receptionist, { idleMs: 29 * 60_000 });
      expect(await signedIn(session, short.url)).toBe(true);
      await age(tenant.receptionist, { idleMs: 31 * 60_000 });
      expect(await signedIn(session, short.url)).toBe(false);
      const active = await signIn(short.url, tenant.receptionist.email, tenant.receptionist.password);
      await age(tenant.receptionist, { idleMs: 0, sinceSignInMs: 2 * HOUR + 60_000 });
      expect(await signedIn(active, short.url)).toBe(false);
    } finally {
      await short.stop();
    }
  });

  it("writes last_seen_at at most once a minute", async () => {
    const t = await createTenant(db.url, "touch");
    const session = await signIn(web.url, t.owner.email, t.owner.password);
    await age(t.owner, { idleMs: 30_000 });
    const [before] = await sessionRows(t.owner);
    expect(await signedIn(session)).toBe(true);
    const [unchanged] = await sessionRows(t.owner);
    expect(unchanged!.lastSeen).toBe(before!.lastSeen);
    expect(unchanged!.fresh).toBe(false);
    await age(t.owner, { idleMs: 90_000 });
    expect(await signedIn(session)).toBe(true);
    const [touched] = await sessionRows(t.owner);
    expect(touched!.fresh).toBe(true);
  });
});

describe("ending a user's sessions", () => {
  it("log out everywhere ends every other session of the user and keeps this one", async () => {
    const laptop = await signIn(web.url, tenant.owner.email, tenant.owner.password);
    const frontDesk = await signIn(web.url, tenant.owner.email, tenant.owner.password);
    const res = await post(web.url, "/account", laptop, { intent: "logout-everywhere" });
    expect(res.status).toBe(302);
    expect(await signedIn(laptop)).toBe(true);
    expect(await signedIn(frontDesk)).toBe(false);
  });

  it("a password reset by link ends every session of that user", async () => {
    const t = await createTenant(db.url, "reset");
    const owner = await signIn(web.url, t.owner.email, t.owner.password);
    const doctor = await signIn(web.url, t.doctor.email, t.doctor.password);
    const issued = await post(web.url, "/users", owner, { intent: "reset", userId: t.doctor.id });
    const token = /\/reset\/([A-Za-z0-9_-]{43})/.exec(await issued.text())?.[1];
    expect(token).toBeDefined();
    const visitor = await newSession(web.url);
    const reset = await post(web.url, `/reset/${token}`, visitor, { password: "una clave nueva 123", confirm: "una clave nueva 123" });
    expect(reset.status).toBe(302);
    expect(await signedIn(doctor)).toBe(false);
    expect(await sessionRows(t.doctor)).toEqual([]);
    expect(await signedIn(owner)).toBe(true);
  });

  it("removing a user ends their sessions", async () => {
    const t = await createTenant(db.url, "remove");
    const owner = await signIn(web.url, t.owner.email, t.owner.password);
    const receptionist = await signIn(web.url, t.receptionist.email, t.receptionist.password);
    expect(await signedIn(receptionist)).toBe(true);
    expect((await post(web.url, "/users", owner, { intent: "remove", userId: t.receptionist.id })).status).toBe(200);
    expect(await signedIn(receptionist)).toBe(false);
    expect(await sessionRows(t.receptionist)).toEqual([]);
  });
});
