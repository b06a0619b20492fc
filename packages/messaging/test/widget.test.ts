// The web chat widget (SPEC §16, decision 032) against real PostgreSQL and the Twilio simulator: a
// visitor's messages land in a WEB thread of the same conversations; a staff answer there is recorded
// and shown in the chat, never sent by SMS while the typed phone is unconfirmed; the code goes out
// through the send protocol; after the visitor enters it, answers also reach the phone by SMS through
// the send protocol; bad input is refused with a code, never a crash.
import type { MikroORM } from "@mikro-orm/postgresql";
import { grantCredits } from "@rm/credits";
import { initOrm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import { createTestDatabase, createTestRedis, makeTenant, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  confirmPhoneCode,
  findVisitor,
  findWidgetByKey,
  parseAllowedOrigins,
  postVisitorMessage,
  requestPhoneCode,
  sendStaffReply,
  setAllowedOrigins,
  visitorView,
  widgetSettings,
  WidgetError,
  type WidgetRow,
} from "../src/index.ts";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
const SECRET = "widget-test-secret-0123456789abcdef";
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let clock: ManualClock;
let deps: SendDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  redis = await createTestRedis();
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  const { url } = await sim.listen(0, "127.0.0.1");
  clock = new ManualClock(new Date());
  deps = {
    orm,
    clock,
    logger: { info() {}, warn() {}, error() {} },
    twilio: createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: url, timeoutMs: 2000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}widget:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    defaults: { smsFrom: "+15005550006" },
    globalPaused: () => false,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
  };
});
afterAll(async () => {
  await sim.close();
  await redis.cleanup();
  await orm.close(true);
  await db.drop();
});
beforeEach(() => sim.reset());

const sql = <T extends object>(q: string, p: unknown[] = []) => orm.em.fork().execute<T[]>(q, p);
const tx = <T,>(fn: (em: MikroORM["em"]) => Promise<T>) => orm.em.fork().transactional((em) => fn(em as MikroORM["em"]));

async function widgetOf(workspaceId: string): Promise<WidgetRow> {
  const { publicKey } = await tx((em) => widgetSettings(em, workspaceId, clock.now()));
  return (await findWidgetByKey(orm.em.fork(), publicKey))!;
}

/** Publishes due outbox rows (as the relay would) and hands them to the send protocol one by one. */
async function sendDue(): Promise<void> {
  const rows = await sql<{ id: string; type: string; workspace_id: string | null; payload: unknown }>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and available_at <= ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), clock.now()],
  );
  const entries: StreamEntry[] = rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
  for (const e of entries) await sendMessage(deps, e);
}

async function staffAnswer(workspaceId: string, ownerId: string, conversationId: string, body: string) {
  return tx((em) => sendStaffReply(em, { workspaceId, conversationId, authorId: ownerId, body, now: clock.now(), pendingReplyTtlMs: 3_600_000 }));
}

describe("a visitor's messages", () => {
  it("land in one WEB thread of a phone-less contact, waiting for staff, and the chat shows them in order", async () => {
    const t = await makeTenant(orm);
    const widget = await widgetOf(t.workspaceId);
    const first = await tx((em) => postVisitorMessage(em, widget, { token: null, body: "¿Atienden los sábados?", name: " Ana  Ruiz ", language: "es", now: clock.now() }));
    clock.advance(1000);
    const second = await tx((em) => postVisitorMessage(em, widget, { token: first.token, body: "Gracias", language: "es", now: clock.now() }));
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.token).toBe(first.token);
    const [thread] = await sql<{ channel: string; status: string; waiting_since: Date | null; phone: string | null; name: string | null; source: string; lead_status: string }>(
      "select cv.channel, cv.status, cv.waiting_since, c.phone, c.name, c.source, c.lead_status from conversations cv join contacts c on c.id = cv.contact_id where cv.id = ?",
      [first.conversationId],
    );
    // The visitor is a new lead of the web chat (SPEC §16), on the leads list and board.
    expect(thread).toMatchObject({ channel: "WEB", status: "OPEN", phone: null, name: "Ana Ruiz", source: "WIDGET", lead_status: "NEW" });
    expect(thread!.waiting_since).not.toBeNull();
    const visitor = (await findVisitor(orm.em.fork(), widget, first.token))!;
    const view = await visitorView(orm.em.fork(), widget, visitor, clock.now());
    expect(view.messages.map((m) => [m.from, m.body])).toEqual([
      ["visitor", "¿Atienden los sábados?"],
      ["visitor", "Gracias"],
    ]);
  });

  it("refuses bad input with a code and stores nothing", async () => {
    const t = await makeTenant(orm);
    const widget = await widgetOf(t.workspaceId);
    const post = (o: { body: string; name?: string; phone?: string }) => tx((em) => postVisitorMessage(em, widget, { token: null, language: "es", now: clock.now(), ...o }));
    const codeOf = (p: Promise<unknown>) => p.then(() => "accepted", (e: unknown) => (e instanceof WidgetError ? e.code : `crash: ${String(e)}`));
    expect(await codeOf(post({ body: "   " }))).toBe("empty");
    expect(await codeOf(post({ body: "x".repeat(1001) }))).toBe("tooLong");
    expect(await codeOf(post({ body: "Hola", name: "n".repeat(81) }))).toBe("nameTooLong");
    expect(await codeOf(post({ body: "Hola", phone: "12ab" }))).toBe("phoneInvalid");
    // A landline cannot receive the code.
    expect(await codeOf(post({ body: "Hola", phone: "022345678" }))).toBe("phoneInvalid");
    // Outside the workspace's destination countries (EC by default).
    expect(await codeOf(post({ body: "Hola", phone: "+573001234567" }))).toBe("phoneNotAllowed");
    const [n] = await sql<{ n: string }>("select count(*)::text as n from widget_visitors where workspace_id = ?", [t.workspaceId]);
    expect(n!.n).toBe("0");
  });

  it("a token of another workspace's widget is unknown here: a new visitor, never the other's thread", async () => {
    const a = await makeTenant(orm);
    const b = await makeTenant(orm);
    const wa = await widgetOf(a.workspaceId);
    const wb = await widgetOf(b.workspaceId);
    const inA = await tx((em) => postVisitorMessage(em, wa, { token: null, body: "Hola A", language: "es", now: clock.now() }));
    expect(await findVisitor(orm.em.fork(), wb, inA.token)).toBeNull();
    const inB = await tx((em) => postVisitorMessage(em, wb, { token: inA.token, body: "Hola B", language: "es", now: clock.now() }));
    expect(inB.token).not.toBe(inA.token);
    expect(inB.conversationId).not.toBe(inA.conversationId);
  });
});

describe("staff answers in a widget thread", () => {
  it("are recorded as STAFF_REPLY messages of the WEB channel, sent to no provider, and delivered when the chat shows them", async () => {
    const t = await makeTenant(orm);
    const widget = await widgetOf(t.workspaceId);
    const posted = await tx((em) => postVisitorMessage(em, widget, { token: null, body: "¿Dónde quedan?", language: "es", now: clock.now() }));
    clock.advance(60_000);
    const result = await staffAnswer(t.workspaceId, t.ownerId, posted.conversationId, "En la Av. Amazonas 123.");
    expect(result.kind).toBe("sent");
    const id = (result as { messageId: string }).messageId;
    expect((await sql<{ type: string; channel: string; status: string; author_id: string }>("select type, channel, status, author_id from messages where id = ?", [id]))[0]).toEqual({
      type: "STAFF_REPLY",
      channel: "WEB",
      status: "SENT",
      author_id: t.ownerId,
    });
    expect(await sql("select 1 from outbox where workspace_id = ?", [t.workspaceId])).toEqual([]);
    const [thread] = await sql<{ waiting_since: Date | null }>("select waiting_since from conversations where id = ?", [posted.conversationId]);
    expect(thread!.waiting_since).toBeNull();
    const visitor = (await findVisitor(orm.em.fork(), widget, posted.token))!;
    const view = await visitorView(orm.em.fork(), widget, visitor, clock.now());
    expect(view.messages.map((m) => [m.from, m.body, m.authorName])).toEqual([
      ["visitor", "¿Dónde quedan?", null],
      ["staff", "En la Av. Amazonas 123.", await ownerName(t.ownerId)],
    ]);
    expect((await sql<{ status: string }>("select status from messages where id = ?", [id]))[0]!.status).toBe("DELIVERED");
  });

  it("go only to the chat while the typed phone is unconfirmed; after the code, also to the phone by SMS through the send protocol", async () => {
    const t = await makeTenant(orm);
    await tx((em) => grantCredits(em, { workspaceId: t.workspaceId, amount: 10, reference: "test:grant" }));
    const widget = await widgetOf(t.workspaceId);
    const posted = await tx((em) => postVisitorMessage(em, widget, { token: null, body: "Quiero una cita", phone: "0991234567", language: "es", now: clock.now() }));
    // Unconfirmed: the contact has no phone and an answer sends nothing.
    expect((await sql<{ phone: string | null }>("select phone from contacts where id = (select contact_id from conversations where id = ?)", [posted.conversationId]))[0]!.phone).toBeNull();
    await staffAnswer(t.workspaceId, t.ownerId, posted.conversationId, "Primera respuesta");
    await sendDue();
    expect(sim.state.messages).toEqual([]);
    expect(await sql("select 1 from messages where workspace_id = ? and channel = 'SMS'", [t.workspaceId])).toEqual([]);

    // The code: a VERIFICATION message through the send protocol, from the platform's SMS sender.
    await tx((em) => requestPhoneCode(em, widget, posted.token, { secret: SECRET, now: clock.now(), codeText: (code) => `Código ${code}` }));
    await sendDue();
    expect(sim.state.messages).toHaveLength(1);
    expect(sim.state.messages[0]).toMatchObject({ to: "+593991234567", from: "+15005550006" });
    const code = /Código (\d{6})/.exec(sim.state.messages[0]!.body ?? "")![1]!;

    // A wrong code counts an attempt and confirms nothing.
    const wrong = code === "000000" ? "111111" : "000000";
    expect(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code: wrong, now: clock.now() }))).toEqual({ ok: false, error: "codeWrong" });
    expect((await findVisitor(orm.em.fork(), widget, posted.token))!.code_attempts).toBe(1);
    expect(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code, now: clock.now() }))).toEqual({ ok: true });
    expect((await sql<{ phone: string | null }>("select phone from contacts where id = (select contact_id from conversations where id = ?)", [posted.conversationId]))[0]!.phone).toBe("+593991234567");

    sim.reset();
    await staffAnswer(t.workspaceId, t.ownerId, posted.conversationId, "Segunda respuesta");
    await sendDue();
    expect(sim.state.messages).toHaveLength(1);
    expect(sim.state.messages[0]).toMatchObject({ to: "+593991234567", from: "+15005550006", body: "Segunda respuesta" });
    const copies = await sql<{ channel: string; status: string; conversation_id: string; credits_held: number }>(
      "select channel, status, conversation_id, credits_held from messages where workspace_id = ? and type = 'STAFF_REPLY' order by created_at, channel",
      [t.workspaceId],
    );
    expect(copies.map((c) => c.channel).sort()).toEqual(["SMS", "WEB", "WEB"]);
    expect(copies.find((c) => c.channel === "SMS")).toMatchObject({ status: "QUEUED", conversation_id: posted.conversationId });
  });

  it("a code expires, and five wrong entries spend it", async () => {
    const t = await makeTenant(orm);
    const widget = await widgetOf(t.workspaceId);
    const posted = await tx((em) => postVisitorMessage(em, widget, { token: null, body: "Hola", phone: "0991234568", language: "es", now: clock.now() }));
    expect(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code: "123456", now: clock.now() }))).toEqual({ ok: false, error: "noCode" });
    await tx((em) => requestPhoneCode(em, widget, posted.token, { secret: SECRET, now: clock.now(), codeText: (c) => c }));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code: "abcdef", now: clock.now() })));
    expect(results.map((r) => (r.ok ? "ok" : r.error))).toEqual(["codeWrong", "codeWrong", "codeWrong", "codeWrong", "codeSpent", "codeSpent"]);
    await tx((em) => requestPhoneCode(em, widget, posted.token, { secret: SECRET, now: clock.now(), codeText: (c) => c }));
    clock.advance(11 * 60_000);
    expect(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code: "123456", now: clock.now() }))).toEqual({ ok: false, error: "codeExpired" });
  });

  it("a confirmed phone that is already a contact joins the chat's thread to that contact", async () => {
    const t = await makeTenant(orm);
    const widget = await widgetOf(t.workspaceId);
    const [known] = await sql<{ id: string }>("insert into contacts (id, workspace_id, phone, created_at, updated_at) values (gen_random_uuid(), ?, '+593991234569', now(), now()) returning id", [t.workspaceId]);
    const posted = await tx((em) => postVisitorMessage(em, widget, { token: null, body: "Hola", phone: "+593991234569", language: "es", now: clock.now() }));
    let code = "";
    await tx((em) => requestPhoneCode(em, widget, posted.token, { secret: SECRET, now: clock.now(), codeText: (c) => ((code = c), c) }));
    expect(await tx((em) => confirmPhoneCode(em, widget, posted.token, { secret: SECRET, code, now: clock.now() }))).toEqual({ ok: true });
    expect((await sql<{ contact_id: string }>("select contact_id from conversations where id = ?", [posted.conversationId]))[0]!.contact_id).toBe(known!.id);
    expect(await sql("select 1 from contacts where workspace_id = ? and phone is null", [t.workspaceId])).toEqual([]);
  });
});

async function ownerName(id: string): Promise<string> {
  return (await sql<{ name: string }>("select name from users where id = ?", [id]))[0]!.name;
}

describe("allowed origins", () => {
  it("accept only bare origins and are audited when they change", async () => {
    expect(parseAllowedOrigins("https://clinica.example\n\nhttp://localhost:8080/\nhttps://clinica.example")).toEqual({ ok: true, origins: ["https://clinica.example", "http://localhost:8080"] });
    expect(parseAllowedOrigins("https://clinica.example/contacto")).toEqual({ ok: false, line: "https://clinica.example/contacto" });
    expect(parseAllowedOrigins("https://*.example")).toEqual({ ok: false, line: "https://*.example" });
    expect(parseAllowedOrigins("clinica.example")).toEqual({ ok: false, line: "clinica.example" });
    expect(parseAllowedOrigins("javascript:alert(1)")).toEqual({ ok: false, line: "javascript:alert(1)" });
    const t = await makeTenant(orm);
    await tx((em) => setAllowedOrigins(em, { workspaceId: t.workspaceId, userId: t.ownerId, ip: "10.0.0.1" }, ["https://clinica.example"], clock.now()));
    await tx((em) => setAllowedOrigins(em, { workspaceId: t.workspaceId, userId: t.ownerId, ip: "10.0.0.1" }, ["https://clinica.example"], clock.now()));
    const audits = await sql<{ action: string; details: unknown }>("select action, details from audit_logs where workspace_id = ?", [t.workspaceId]);
    expect(audits).toEqual([{ action: "widget.origins_changed", details: { added: ["https://clinica.example"], removed: [] } }]);
    expect((await widgetOf(t.workspaceId)).allowedOrigins).toEqual(["https://clinica.example"]);
  });
});
