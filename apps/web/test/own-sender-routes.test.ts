// Ajustes › Número propio over HTTP against the production build and the simulator as Twilio
// (SPEC §12): owners only (403 for the other roles, reading and posting), the live check's refusal
// without echoing the token, and no way to act on another workspace's account or numbers; the credits
// decision (own-account messages still count credits) on the settings and billing pages.
import { randomBytes } from "node:crypto";
import { createSimulator, type SimAccount, type Simulator } from "@rm/twilio-simulator";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { mediaUrl, seedThreads, threadIds } from "./support/threads.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const PLATFORM_SID = "AC" + "1".repeat(32);
const PLATFORM_TOKEN = "test-auth-token";

let db: TestDatabase;
let sql: pg.Client;
let sim: Simulator;
let web: WebServer;
let a: Tenant;
let b: Tenant;
const sessions: Record<string, Session> = {};
let accountB: SimAccount;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  sim = createSimulator({ accountSid: PLATFORM_SID, authTokens: [PLATFORM_TOKEN] });
  await sim.listen(0);
  web = await startWebServer({
    databaseUrl: db.url,
    env: {
      TWILIO_API_URL: sim.url,
      TWILIO_ACCOUNT_SID: PLATFORM_SID,
      CREDENTIALS_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      CREDENTIALS_ENCRYPTION_KEY_ID: "k1",
    },
  });
  for (const [name, t, u] of [["ownerA", a, a.owner], ["doctorA", a, a.doctor], ["receptionistA", a, a.receptionist], ["ownerB", b, b.owner]] as const) {
    void t;
    sessions[name] = await signIn(web.url, u.email, u.password);
  }
  accountB = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: ["+593990002001"] });
  const connected = await post(web.url, "/settings/sender", sessions.ownerB!, { intent: "connect", accountSid: accountB.sid, authToken: accountB.authTokens[0]! });
  expect(connected.status).toBe(302);
}, 120_000);

afterAll(async () => {
  await web?.stop();
  await sim?.close();
  await sql?.end();
  await db?.drop();
});

const rowOf = async (workspaceId: string) => (await sql.query("select * from twilio_accounts where workspace_id = $1", [workspaceId])).rows[0] as Record<string, unknown> | undefined;

describe("Ajustes › Número propio", () => {
  it("is the owner's: doctors and receptionists get 403 reading and posting, and nothing is stored", async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: ["+593990001001"] });
    for (const role of ["doctorA", "receptionistA"]) {
      expect((await get(web.url, "/settings/sender", sessions[role])).status).toBe(403);
      const res = await post(web.url, "/settings/sender", sessions[role]!, { intent: "connect", accountSid: account.sid, authToken: account.authTokens[0]! });
      expect(res.status).toBe(403);
    }
    expect(await rowOf(a.workspaceId)).toBeUndefined();
  });

  it("refuses credentials Twilio refuses, keeps the SID typed and never sends the token back", async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: ["+593990001002"] });
    const wrong = "ab".repeat(16);
    const res = await post(web.url, "/settings/sender", sessions.ownerA!, { intent: "connect", accountSid: account.sid, authToken: wrong });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Twilio rechazó estas credenciales");
    expect(html).toContain(account.sid);
    expect(html).not.toContain(wrong);
    expect(await rowOf(a.workspaceId)).toBeUndefined();
  });

  it("cannot reach another workspace's account: its number is unknown here, its row untouched by a disconnect", async () => {
    const before = await rowOf(b.workspaceId);
    // Workspace A has no account: choosing B's number is refused.
    const numberOfB = [...accountB.numbers.keys()][0]!;
    const chose = await post(web.url, "/settings/sender", sessions.ownerA!, { intent: "choose", sender: numberOfB });
    expect(chose.status).toBe(400);
    // Connecting B's account from A is refused (one account, one workspace).
    const stolen = await post(web.url, "/settings/sender", sessions.ownerA!, { intent: "connect", accountSid: accountB.sid, authToken: accountB.authTokens[0]! });
    expect(stolen.status).toBe(409);
    expect(await stolen.text()).toContain("ya está conectada a otro espacio de trabajo");
    // A's disconnect has nothing of its own to remove and leaves B's alone.
    expect((await post(web.url, "/settings/sender", sessions.ownerA!, { intent: "disconnect" })).status).toBe(302);
    expect(await rowOf(b.workspaceId)).toEqual(before);
    expect([...accountB.numbers.values()][0]!.smsUrl).toBeNull();
    // B's own page shows its account, and only the token's last 4.
    const page = await (await get(web.url, "/settings/sender", sessions.ownerB)).text();
    expect(page).toContain(accountB.sid);
    expect(page).toContain(accountB.authTokens[0]!.slice(-4));
    expect(page).not.toContain(accountB.authTokens[0]!);
  });

  it("says in both languages that own-account messages still count credits; billing says so only with an account connected", async () => {
    const english = async (session: Session): Promise<Session> => {
      const switched = await post(web.url, "/lang", session, { locale: "en", redirectTo: "/billing" });
      expect(switched.status).toBe(302);
      return { ...session, cookie: `${session.cookie}; ${cookieOf(switched, "lang")}` };
    };
    const page = async (path: string, session: Session) => {
      const res = await get(web.url, path, session);
      expect(res.status).toBe(200);
      return res.text();
    };
    const ES = { settings: "siguen descontando créditos de su plan", billing: "Su consulta tiene conectada su propia cuenta de Twilio", billed: "los factura Twilio directamente a su consulta" };
    const EN = { settings: "Twilio bills your practice directly", billing: "Messages sent through it are billed by Twilio directly to your practice and still count credits here" };
    // The settings page states the decision whether or not an account is connected.
    for (const who of [sessions.ownerA!, sessions.ownerB!]) {
      expect(await page("/settings/sender", who)).toContain(ES.settings);
      expect(await page("/settings/sender", await english(who))).toContain(EN.settings);
    }
    // B has its own account: billing names it and says Twilio bills it and credits still count.
    const esB = await page("/billing", sessions.ownerB!);
    expect(esB).toContain(ES.billing);
    expect(esB).toContain(ES.billed);
    expect(esB).toContain(accountB.sid);
    const enB = await page("/billing", await english(sessions.ownerB!));
    expect(enB).toContain(EN.billing);
    expect(enB).toContain(accountB.sid);
    // A has none: its billing page has no such line, in either language.
    const esA = await page("/billing", sessions.ownerA!);
    expect(esA).toContain("Plan y créditos");
    expect(esA).not.toContain(ES.billing);
    expect(esA).not.toContain('data-testid="own-account-credits"');
    const enA = await page("/billing", await english(sessions.ownerA!));
    expect(enA).toContain("Plan and credits");
    expect(enA).not.toContain(EN.billing);
    expect(enA).not.toContain('data-testid="own-account-credits"');
  });
});

describe("a patient's photo received on the own account", () => {
  it("is fetched with the own account's credentials, which the platform's cannot replace; another workspace never uses them", async () => {
    // The patient writes to workspace B's own number with a photo: Twilio keeps it under that account,
    // behind its credentials (the platform's account is not its parent and cannot read it).
    await seedThreads(db.url, [a, b], { sender: "whatsapp:+593990002001" });
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const sent = await sim.inbound({ from: "whatsapp:+593987000222", to: "whatsapp:+593990002001", body: "", media: [{ contentType: "image/jpeg", base64: photo.toString("base64") }] });
    const path = [...sim.state.media.keys()].find((k) => k.includes(sent.sid))!;
    expect(path).toContain(`/Accounts/${accountB.sid}/`);
    const auth = (sid: string, token: string) => ({ authorization: `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}` });
    expect((await fetch(sim.url + path, { headers: auth(PLATFORM_SID, PLATFORM_TOKEN) })).status).toBe(401);
    for (const t of [a, b]) {
      await sql.query("update inbound_messages set raw_params = raw_params || jsonb_build_object('MediaUrl0', $1::text, 'AccountSid', $2::text) where id = $3", [sim.url + path, accountB.sid, threadIds.get(t.workspaceId)!.inboundId]);
    }
    const res = await get(web.url, mediaUrl(b), sessions.ownerB!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(photo);
    // Workspace A's thread naming B's account (as if it had): A has no such account, so nothing is fetched.
    expect((await get(web.url, mediaUrl(a), sessions.ownerA!)).status).toBe(404);
  });
});

describe("the own account's WhatsApp templates and the switch", () => {
  it("only the owner writes them: receptionists and doctors get 403 and nothing is stored; another workspace's template is 404", async () => {
    const wa = { waBody: "Hola {{name}}, califique su visita a {{practice}}: {{ratingLink}} Gracias.", waButtons: "1\n2\n3\n4\n5", waCategory: "UTILITY" };
    // Workspace A has no account; B's owner cannot reach A's template, A's staff cannot write B-style templates.
    for (const role of ["doctorA", "receptionistA"]) {
      expect((await post(web.url, `/templates/${a.templateId}`, sessions[role]!, { intent: "wa-save", ...wa })).status).toBe(403);
    }
    expect((await post(web.url, `/templates/${a.templateId}`, sessions.ownerB!, { intent: "wa-save", ...wa })).status).toBe(404);
    expect((await sql.query("select count(*)::int as n from whatsapp_templates")).rows[0].n).toBe(0);
  });

  it("refuses the switch with the reason while the templates are not approved, even when posted directly", async () => {
    const res = await post(web.url, "/settings/sender", sessions.ownerB!, { intent: "whatsapp-on" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/Para cambiar, elija primero el número|No se puede cambiar todavía/);
    expect((await rowOf(b.workspaceId))!.whatsapp_switched_at).toBeNull();
  });
});
