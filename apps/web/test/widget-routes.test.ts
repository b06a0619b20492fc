// The web chat's public routes over HTTP against the production build (SPEC §16, decision 032): a
// visitor's token names a chat of one widget only (another workspace's widget shows none of it and
// starts a new chat); another site's form cannot post into a chat (Remix's own Origin check); the per-visitor limit answers 429
// with Retry-After and stores nothing more; bad input is a 400 with the reason, never a crash; the
// owner's allowed origins are what the chat page's frame-ancestors lists.
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { post, signIn } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let sql: pg.Client;
let web: WebServer;
let a: Tenant;
let b: Tenant;
let c: Tenant;
const keys = new Map<string, string>();
/** The first test's visitor on widget A (their own limit bucket is still nearly empty). */
let visitorA = "";

/** The workspace's widget key, as its owner's settings page creates and shows it. */
async function keyOf(t: Tenant): Promise<string> {
  const session = await signIn(web.url, t.owner.email, t.owner.password);
  const html = await (await fetch(`${web.url}/settings/widget`, { headers: { Cookie: session.cookie } })).text();
  return /widget\.js\?w=(wk_[A-Za-z0-9_-]+)/.exec(html)![1]!;
}

/** Posts a chat message as the chat's own form does; returns the response and the visitor's token. */
async function say(key: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${web.url}/widget/${key}`, {
    method: "POST",
    body: new URLSearchParams({ intent: "message", ...fields }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    redirect: "manual",
  });
  const token = /[?&]v=([^&]+)/.exec(res.headers.get("location") ?? "")?.[1];
  return { res, token: token ? decodeURIComponent(token) : undefined };
}

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  a = await createTenant(db.url, "chat-a");
  b = await createTenant(db.url, "chat-b");
  c = await createTenant(db.url, "chat-c");
  web = await startWebServer({ databaseUrl: db.url, env: { WIDGET_MESSAGES_PER_VISITOR_PER_HOUR: "3", WIDGET_MESSAGES_PER_KEY_PER_HOUR: "6" } });
  keys.set("a", await keyOf(a));
  keys.set("b", await keyOf(b));
  keys.set("c", await keyOf(c));
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await sql?.end();
  await db?.drop();
});

describe("the web chat's public routes", () => {
  it("a visitor's token shows their chat on its own widget only; on another workspace's it is a new chat", async () => {
    const first = await say(keys.get("a")!, { body: "Mensaje privado de A" });
    expect(first.res.status).toBe(302);
    visitorA = first.token!;
    const own = await (await fetch(`${web.url}/widget/${keys.get("a")}?v=${first.token}`)).text();
    expect(own).toContain("Mensaje privado de A");
    const other = await fetch(`${web.url}/widget/${keys.get("b")}?v=${first.token}`);
    expect(other.status).toBe(200);
    expect(await other.text()).not.toContain("Mensaje privado de A");
    const intoB = await say(keys.get("b")!, { v: first.token!, body: "Hola B" });
    expect(intoB.token).not.toBe(first.token);
    const threads = await sql.query("select workspace_id from conversations where channel = 'WEB' order by created_at");
    expect(threads.rows).toEqual([{ workspace_id: a.workspaceId }, { workspace_id: b.workspaceId }]);
  });

  it("refuses a post from another site's form, and bad input with the reason", async () => {
    const before = (await sql.query("select count(*)::int as n from inbound_messages where channel = 'WEB'")).rows[0].n as number;
    // Remix's own guard aborts an action whose Origin is not the Host before the chat's code runs.
    const forged = await say(keys.get("a")!, { body: "Desde otro sitio" }, { Origin: "https://evil.example" });
    expect(forged.res.status).toBeGreaterThanOrEqual(400);
    expect(forged.token).toBeUndefined();
    const empty = await say(keys.get("a")!, { body: "  " });
    expect(empty.res.status).toBe(400);
    expect(await empty.res.text()).toContain("Escriba un mensaje antes de enviar.");
    const badPhone = await say(keys.get("a")!, { body: "Hola", phone: "abc" }, { "Accept-Language": "en-US,en;q=0.9" });
    expect(badPhone.res.status).toBe(400);
    expect(await badPhone.res.text()).toContain("That is not a valid mobile number.");
    const unknownIntent = await fetch(`${web.url}/widget/${keys.get("a")}`, { method: "POST", body: new URLSearchParams({ intent: "nada" }), redirect: "manual" });
    expect(unknownIntent.status).toBe(400);
    expect((await sql.query("select count(*)::int as n from inbound_messages where channel = 'WEB'")).rows[0].n).toBe(before);
  });

  it("limits one visitor's messages: over the limit a 429 with Retry-After, and nothing stored", async () => {
    const first = await say(keys.get("b")!, { body: "uno" });
    expect(first.res.status).toBe(302);
    // The first message counts against the address (a new chat), the next three against the visitor.
    for (const body of ["dos", "tres", "cuatro"]) expect((await say(keys.get("b")!, { v: first.token!, body })).res.status).toBe(302);
    const over = await say(keys.get("b")!, { v: first.token!, body: "cinco" });
    expect(over.res.status).toBe(429);
    expect(Number(over.res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await over.res.text()).toMatch(/Demasiados mensajes seguidos\. Espere \d+ s/);
    const stored = await sql.query("select body from inbound_messages where channel = 'WEB' and workspace_id = $1 and body in ('uno', 'dos', 'tres', 'cuatro', 'cinco') order by received_at", [b.workspaceId]);
    expect(stored.rows.map((r: { body: string }) => r.body)).toEqual(["uno", "dos", "tres", "cuatro"]);
    // Inventing tokens does not open new buckets: an unknown token counts against the address.
    // (The address's bucket on this widget already holds "uno"; it refuses at the latest on the third.)
    const statuses: number[] = [];
    for (const c of ["x", "y", "z"]) statuses.push((await say(keys.get("b")!, { v: c.repeat(32), body: `inventado ${c}` })).res.status);
    expect(statuses).toContain(429);
  });

  it("limits all visitors of one widget key together", async () => {
    // Three visitors start chats (the address's bucket on this widget: 3), then write on their own buckets.
    const tokens: string[] = [];
    for (const n of [1, 2, 3]) tokens.push((await say(keys.get("c")!, { body: `visitante ${n}` })).token!);
    const statuses: number[] = [];
    for (const [i, t] of [0, 0, 1, 1, 2].map((i) => [i, tokens[i]!] as const)) statuses.push((await say(keys.get("c")!, { v: t, body: `otra vez ${i}` })).res.status);
    // The key allows 6 an hour: 3 first messages and 3 more; the seventh is refused though its visitor is under their own limit.
    expect(statuses).toEqual([302, 302, 302, 429, 429]);
  });

  it("a visitor's phone-less contact opens on the contacts list and page, and on the thread pages with its channel", async () => {
    expect((await say(keys.get("a")!, { v: visitorA, body: "¿Tienen parqueadero?", name: "Visitante Sin Teléfono" })).res.status).toBe(302);
    const [contact] = (await sql.query("select id from contacts where workspace_id = $1 and name = 'Visitante Sin Teléfono' and phone is null", [a.workspaceId])).rows as [{ id: string }];
    const [thread] = (await sql.query("select id from conversations where workspace_id = $1 and contact_id = $2", [a.workspaceId, contact.id])).rows as [{ id: string }];
    const session = await signIn(web.url, a.owner.email, a.owner.password);
    const get = (path: string) => fetch(`${web.url}${path}`, { headers: { Cookie: session.cookie } });
    for (const path of ["/contacts", `/contacts/${contact.id}`, "/conversations?channel=WEB", `/conversations/${thread.id}`]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain("Visitante Sin Teléfono");
    }
    expect(await (await get(`/conversations/${thread.id}`)).text()).toContain("Chat web: su respuesta aparece en el chat del visitante.");
  });

  it("frames the chat only in the owner's allowed origins and our own pages", async () => {
    const session = await signIn(web.url, a.owner.email, a.owner.password);
    const saved = await post(web.url, "/settings/widget", session, { origins: "https://www.clinica-a.ec\nhttp://localhost:8080" });
    expect(saved.status).toBe(302);
    const page = await fetch(`${web.url}/widget/${keys.get("a")}`);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'self' https://www.clinica-a.ec http://localhost:8080;");
    expect(page.headers.get("x-rm-frame-ancestors")).toBeNull();
    const otherPage = await fetch(`${web.url}/widget/${keys.get("b")}`);
    expect(otherPage.headers.get("content-security-policy")).toContain("frame-ancestors 'self';");
    const refused = await post(web.url, "/settings/widget", session, { origins: "https://*.clinica.ec" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("«https://*.clinica.ec» no es un origen válido");
    const script = await fetch(`${web.url}/widget.js?w=${keys.get("a")}`);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain(JSON.stringify(keys.get("a")));
  });

  it("the owner chooses the chat's practice with a plain form; another workspace's practice is refused", async () => {
    const session = await signIn(web.url, c.owner.email, c.owner.password);
    const practiceOf = async (t: Tenant) => ((await sql.query("select id from practices where workspace_id = $1 order by created_at limit 1", [t.workspaceId])).rows[0] as { id: string }).id;
    const refused = await post(web.url, "/settings/widget", session, { intent: "practice", practiceId: await practiceOf(a) });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Elija uno de sus consultorios.");
    const own = await practiceOf(c);
    const saved = await post(web.url, "/settings/widget", session, { intent: "practice", practiceId: own });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/settings/widget?notice=practice");
    expect((await sql.query("select practice_id from web_widgets where workspace_id = $1", [c.workspaceId])).rows).toEqual([{ practice_id: own }]);
    const page = await (await fetch(`${web.url}/settings/widget?notice=practice`, { headers: { Cookie: session.cookie } })).text();
    expect(page).toContain("Consultorio del chat guardado.");
  });
});
