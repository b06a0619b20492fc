// Per-workspace staff request limits on the real production server (SPEC §3, §11): a workspace's
// signed-in staff get their plan's requests per minute, then 429 with Retry-After; other workspaces,
// visitors without a session, health probes and provider webhooks are never limited; with Redis down
// the limit fails open.
import { createCookieSessionStorage } from "@remix-run/node";
import type { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initOrm } from "@rm/db";
import { STAFF_REQUESTS_PER_MINUTE } from "@rm/messaging";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { deadPort, startWebServer, TEST_SESSION_SECRET, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let orm: MikroORM;
let web: WebServer;
const workspaces: Record<string, { id: string; cookie: string }> = {};

// The same cookie the login route issues: signed with the server's SESSION_SECRET.
const storage = createCookieSessionStorage({ cookie: { name: "__session", httpOnly: true, path: "/", sameSite: "lax", secure: true, secrets: [TEST_SESSION_SECRET] } });

async function workspaceWithSession(plan: string): Promise<{ id: string; cookie: string }> {
  const em = orm.em.fork();
  const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name, plan) values (?, ?) returning id", [`Limits ${plan} ${Date.now()}`, plan]);
  const [user] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Owner', 'OWNER', 'x') returning id", [
    ws!.id,
    `owner-${ws!.id}@example.com`,
  ]);
  const session = await storage.getSession();
  session.set("userId", user!.id);
  session.set("workspaceId", ws!.id);
  session.set("sessionVersion", 0);
  const setCookie = await storage.commitSession(session);
  return { id: ws!.id, cookie: setCookie.split(";")[0]! };
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  web = await startWebServer({ databaseUrl: db.url });
  workspaces.free = await workspaceWithSession("FREE");
  workspaces.starter = await workspaceWithSession("STARTER");
});

afterAll(async () => {
  await web?.stop();
  await orm?.close(true);
  await db?.drop();
});

async function burst(url: string, n: number, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response[]> {
  const out: Response[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        next++;
        const res = await fetch(url, { redirect: "manual", ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
        await res.arrayBuffer();
        out.push(res);
      }
    }),
  );
  return out;
}

const statuses = (rs: Response[]) => rs.map((r) => r.status);

/** The limit slides over minute windows: start a burst well inside one so the count is exact. */
async function awayFromWindowEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((r) => setTimeout(r, 60_000 - into + 500));
}

describe("staff request limits by plan", () => {
  it("a FREE workspace gets 100 requests a minute, then 429 with Retry-After; probes and webhooks stay open", { timeout: 120_000 }, async () => {
    const { cookie } = workspaces.free!;
    await awayFromWindowEdge();
    const limit = STAFF_REQUESTS_PER_MINUTE.FREE;
    const first = await burst(`${web.url}/no-such-page`, limit, { cookie });
    expect(statuses(first).filter((s) => s === 429)).toEqual([]);
    const refused = await fetch(`${web.url}/no-such-page`, { headers: { cookie }, redirect: "manual" });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(61);
    expect(await refused.text()).toContain("Demasiadas solicitudes");
    // POSTs count too (actions), and are refused before Remix reads them.
    expect((await fetch(`${web.url}/settings`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "a=1" })).status).toBe(429);

    // Never limited: probes and provider webhooks, even with the limited workspace's cookie.
    expect(statuses(await burst(`${web.url}/healthz`, 20, { cookie }))).toEqual(Array(20).fill(200));
    const webhook = await fetch(`${web.url}/webhooks/twilio/status`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "forged" }, body: "MessageSid=SM1&MessageStatus=sent" });
    expect(webhook.status).toBe(403);
    // Not limited: another workspace, and visitors without a session.
    expect((await fetch(`${web.url}/no-such-page`, { headers: { cookie: workspaces.starter!.cookie }, redirect: "manual" })).status).not.toBe(429);
    expect(statuses(await burst(`${web.url}/no-such-page`, 20)).filter((s) => s === 429)).toEqual([]);
    // A forged cookie names no workspace: not counted against anyone, not refused by the limiter.
    expect((await fetch(`${web.url}/no-such-page`, { headers: { cookie: `__session=${encodeURIComponent("eyJ3b3Jrc3BhY2VJZCI6IngifQ==")}.forged` }, redirect: "manual" })).status).not.toBe(429);
  });

  it("a STARTER workspace gets 300", { timeout: 120_000 }, async () => {
    const { cookie } = await workspaceWithSession("STARTER");
    await awayFromWindowEdge();
    const results = statuses(await burst(`${web.url}/no-such-page`, STAFF_REQUESTS_PER_MINUTE.STARTER + 5, { cookie }));
    expect(results.filter((s) => s === 429)).toHaveLength(5);
  });

  it("fails open when Redis is down", { timeout: 120_000 }, async () => {
    const noRedis = await startWebServer({ databaseUrl: db.url, env: { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` } });
    try {
      const { cookie } = await workspaceWithSession("FREE");
      const results = statuses(await burst(`${noRedis.url}/no-such-page`, STAFF_REQUESTS_PER_MINUTE.FREE + 20, { cookie }));
      expect(results.filter((s) => s === 429)).toEqual([]);
      expect(results.filter((s) => s >= 500)).toEqual([]);
      expect(noRedis.logs.some((l) => l.includes("failing open"))).toBe(true);
    } finally {
      await noRedis.stop();
    }
  });
});
