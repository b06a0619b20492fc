// Staff request limits on the real server (SPEC §3, §11): each signed-in user gets their workspace
// plan's documents and data requests per minute, then 429 with Retry-After. A page's assets (and, in
// development, Vite's module requests) never count, so clicking around never trips the limit; other
// users, visitors without a session, health probes and provider webhooks are never limited by a user's
// count; with Redis down the limit fails open.
import { createCookieSessionStorage } from "@remix-run/node";
import type { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaffSession } from "@rm/accounts";
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
  return { id: ws!.id, cookie: await userSession(ws!.id) };
}

/** A new user of the workspace, signed in: the session cookie. */
async function userSession(workspaceId: string, role = "OWNER"): Promise<string> {
  const em = orm.em.fork();
  const [user] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Staff', ?, 'x') returning id", [
    workspaceId,
    `${role.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
    role,
  ]);
  // A real server-side session, as sign-in starts one: the cookie carries only its id.
  const { sessionId } = await startStaffSession(em, { userId: user!.id, workspaceId, sessionVersion: 0 });
  const session = await storage.getSession();
  session.set("sid", sessionId);
  session.set("workspaceId", workspaceId);
  session.set("csrf", "test-csrf-token");
  const setCookie = await storage.commitSession(session);
  return setCookie.split(";")[0]!;
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

function chunked<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) => items.filter((_, j) => j % parts === i));
}

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

  it("a FREE user loading pages with their assets 60 times a minute is never refused; documents and data requests past the limit are", { timeout: 120_000 }, async () => {
    const { cookie } = await workspaceWithSession("FREE");
    await awayFromWindowEdge();
    const first = await fetch(`${web.url}/account`, { headers: { cookie } });
    expect(first.status).toBe(200);
    const html = await first.text();
    // What the browser loads with the page: its stylesheet, scripts and module preloads.
    const assets = [...new Set([...html.matchAll(/"(\/assets\/[\w.-]+\.(?:js|css))"/g)].map((m) => m[1]!))];
    expect(assets.length).toBeGreaterThanOrEqual(3);
    const loads = 60;
    const requests: string[] = [];
    for (let i = 1; i < loads; i++) requests.push("/account", ...assets, "/favicon.ico", "/__manifest?p=%2Fcampaigns&version=x");
    requests.push(...assets);
    // ≈ 60 × (1 document + its assets) — several times the 100 a FREE user may make.
    expect(requests.length + 1).toBeGreaterThan(3 * STAFF_REQUESTS_PER_MINUTE.FREE);
    // Eight at a time, like a browser's connections.
    const answers: number[] = [];
    await Promise.all(
      chunked(requests, 8).map(async (batch) => {
        for (const path of batch) {
          const r = await fetch(`${web.url}${path}`, { headers: { cookie }, redirect: "manual" });
          await r.arrayBuffer();
          answers.push(r.status);
        }
      }),
    );
    expect(answers.filter((s) => s === 429)).toEqual([]);

    // What counted were the 60 documents: 40 data requests (client-side navigations) are left, then 429.
    const data = await burst(`${web.url}/account.data`, STAFF_REQUESTS_PER_MINUTE.FREE - loads, { cookie });
    expect(statuses(data).filter((s) => s === 429)).toEqual([]);
    expect((await fetch(`${web.url}/account`, { headers: { cookie }, redirect: "manual" })).status).toBe(429);
    // Assets still load for the refused user (the page they already have keeps working).
    expect((await fetch(`${web.url}${assets[0]}`, { headers: { cookie } })).status).toBe(200);
  });

  it("a FREE user typing a template for a minute (live preview per keystroke) can still save it", { timeout: 120_000 }, async () => {
    const { cookie } = await workspaceWithSession("FREE");
    await awayFromWindowEdge();
    // ≈ 3 keystrokes a second for a minute, each pause long enough for the editor's preview request.
    const previews = Array.from({ length: 180 }, (_, i) => `/api/template-analysis?body=${encodeURIComponent("Hola {{name}} ".slice(0, (i % 14) + 1))}`);
    const answers: number[] = [];
    await Promise.all(
      chunked(previews, 4).map(async (batch) => {
        for (const path of batch) {
          const r = await fetch(`${web.url}${path}`, { headers: { cookie }, redirect: "manual" });
          await r.arrayBuffer();
          answers.push(r.status);
        }
      }),
    );
    expect(answers.filter((s) => s === 429)).toEqual([]);
    // The save (a form post) and the next page are the person's requests, and nowhere near the limit.
    expect((await fetch(`${web.url}/templates`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: "a=1", redirect: "manual" })).status).not.toBe(429);
    expect((await fetch(`${web.url}/account`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);
    // The preview has a bound of its own (ten times the plan's limit): a script calling it in a loop is refused.
    const flood = await burst(`${web.url}/api/template-analysis?body=x`, STAFF_REQUESTS_PER_MINUTE.FREE * 10, { cookie });
    expect(statuses(flood).filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it("counts per user: a colleague in the same workspace is not refused because another user was", { timeout: 120_000 }, async () => {
    const { id, cookie } = await workspaceWithSession("FREE");
    const colleague = await userSession(id, "DOCTOR");
    await awayFromWindowEdge();
    await burst(`${web.url}/no-such-page`, STAFF_REQUESTS_PER_MINUTE.FREE, { cookie });
    expect((await fetch(`${web.url}/no-such-page`, { headers: { cookie }, redirect: "manual" })).status).toBe(429);
    expect(statuses(await burst(`${web.url}/no-such-page`, 20, { cookie: colleague })).filter((s) => s === 429)).toEqual([]);
  });

  it("in development, Vite's module requests never count: only the documents do", { timeout: 180_000 }, async () => {
    const dev = await startWebServer({ databaseUrl: db.url, mode: "development" });
    try {
      const { cookie } = await workspaceWithSession("FREE");
      const page = await fetch(`${dev.url}/account`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      // The dev server's page loads its modules one by one: the Vite client, the app's sources, pre-bundled deps.
      const moduleUrls = (text: string) => [...text.matchAll(/"(\/(?:@vite|@id|@fs|app|node_modules)\/[^"]+)"/g)].map((m) => m[1]!);
      const entry = await (await fetch(`${dev.url}/app/entry.client.tsx`, { headers: { cookie } })).text();
      const modules = [...new Set(["/@vite/client", ...moduleUrls(html), ...moduleUrls(entry)])];
      expect(modules.some((m) => m.startsWith("/app/routes/"))).toBe(true);
      expect(modules.some((m) => m.startsWith("/node_modules/.vite/deps/"))).toBe(true);
      await awayFromWindowEdge();
      const requests = Array.from({ length: 2 * STAFF_REQUESTS_PER_MINUTE.FREE }, (_, i) => modules[i % modules.length]!);
      const answers: number[] = [];
      await Promise.all(
        chunked(requests, 6).map(async (batch) => {
          for (const path of batch) {
            const r = await fetch(`${dev.url}${path}`, { headers: { cookie }, redirect: "manual" });
            await r.arrayBuffer();
            answers.push(r.status);
          }
        }),
      );
      expect(answers.filter((s) => s === 429)).toEqual([]);
      expect(answers.filter((s) => s >= 400)).toEqual([]);
      // Documents are still counted in development.
      const docs = statuses(await burst(`${dev.url}/no-such-page`, STAFF_REQUESTS_PER_MINUTE.FREE + 1, { cookie }));
      expect(docs.filter((s) => s === 429)).toHaveLength(2);
    } finally {
      await dev.stop();
    }
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
