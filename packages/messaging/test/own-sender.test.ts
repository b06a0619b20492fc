// A workspace's own Twilio account end to end (SPEC §12), against the simulator with two accounts:
// the connect's live check, the sealed token and its rotation, the sender chosen through the API,
// sends through that account, and callbacks verified with that account's token only.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccountsError,
  CredentialsCipher,
  chooseOwnSender,
  connectOwnAccount,
  disconnectOwnAccount,
  followWhatsAppApprovals,
  ownWhatsAppReadiness,
  saveWhatsAppTemplate,
  submitWhatsAppTemplate,
  switchOwnWhatsApp,
  whatsappTemplateFor,
  createOwnSubaccount,
  listAccountSenders,
  ownAccountClients,
  ownAccountCredentials,
  ownAccountResolver,
  ownSenderSummary,
  rotateCredentials,
  workspaceSendingSettings,
  type OwnSenderDeps,
} from "@rm/accounts";
import { initOrm } from "@rm/db";
import { LOCAL_PLATFORM_CONTENT_SIDS, ManualClock } from "@rm/domain";
import { messageSendEvent } from "@rm/events";
import type { StreamEntry } from "@rm/streams";
import { createScenario, createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient, signTwilioRequest } from "@rm/twilio";
import { createSimulator, type SimAccount, type Simulator } from "@rm/twilio-simulator";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { findRoute, storeInbound } from "../src/handlers/store-inbound.ts";
import { createTwilioWebhookHandler, TWILIO_STATUS_PATH } from "../src/webhooks/twilio-webhooks.ts";

const PLATFORM_SID = "AC" + "0".repeat(32);
const PLATFORM_TOKEN = "f".repeat(32);
const OWN_NUMBER = "+593990001001";
const key = () => randomBytes(32);
const k1 = key();
const cipher = new CredentialsCipher(new Map([["k1", k1]]), "k1");
const silent = { info() {}, warn() {}, error() {} };

let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let pool: pg.Pool;
let sim: Simulator;
let server: Server;
let publicUrl: string;
let clock: ManualClock;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  redis = await createTestRedis();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on("error", () => {});
  sim = createSimulator({ accountSid: PLATFORM_SID, authTokens: [PLATFORM_TOKEN], callbackDelayMs: 5 });
  await sim.listen(0);
  // The web's webhook endpoint, with the own-account lookup the web process wires (no cache here).
  const hook: { handle?: ReturnType<typeof createTwilioWebhookHandler> } = {};
  server = createServer((req, res) => {
    void hook.handle!(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  // Signatures are computed over the URL Twilio called: here the server's own address.
  publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hook.handle = createTwilioWebhookHandler({
    pool,
    publicUrl,
    authTokens: [PLATFORM_TOKEN],
    clock: new ManualClock(new Date()),
    resolveAccount: ownAccountResolver(pool, cipher, { ttlMs: 0 }),
  });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => server.close(r));
  await pool.end();
  await redis.cleanup();
  await orm.close(true);
  await db.drop();
});
beforeEach(() => {
  sim.reset();
  clock = new ManualClock(new Date());
});

function ownDeps(): OwnSenderDeps {
  return { cipher, apiUrl: sim.url, platform: { accountSid: PLATFORM_SID, authToken: PLATFORM_TOKEN }, publicUrl, timeoutMs: 3000 };
}

function sendDeps(): SendDeps {
  return {
    orm,
    clock,
    logger: silent,
    twilio: createTwilioClient({ accountSid: PLATFORM_SID, authToken: PLATFORM_TOKEN, apiUrl: sim.url, timeoutMs: 3000 }),
    ownAccountClient: ownAccountClients(cipher, { apiUrl: sim.url, timeoutMs: 3000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl,
    defaults: {},
    globalPaused: () => false,
    sdkTimeoutMs: 3000,
  };
}

async function publishDue(workspaceId: string): Promise<StreamEntry[]> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and workspace_id = ? and type = 'message.send' returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [clock.now(), workspaceId],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

async function accountRow(workspaceId: string) {
  return (await pool.query("select * from twilio_accounts where workspace_id = $1", [workspaceId])).rows[0] as Record<string, string | null> | undefined;
}

async function connected(account: SimAccount) {
  const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 10 });
  const actor = { workspaceId: s.workspaceId, userId: s.ownerId };
  await connectOwnAccount(orm.em.fork(), ownDeps(), actor, { accountSid: account.sid, authToken: account.authTokens[0]! });
  return { s, actor };
}

const newAccount = () => sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: [OWN_NUMBER] });

describe("connecting an account", () => {
  it("refuses credentials Twilio refuses (live check) and stores nothing", async () => {
    const account = newAccount();
    const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
    const wrong = connectOwnAccount(orm.em.fork(), ownDeps(), { workspaceId: s.workspaceId, userId: s.ownerId }, { accountSid: account.sid, authToken: "0".repeat(32) });
    await expect(wrong).rejects.toBeInstanceOf(AccountsError);
    await expect(wrong).rejects.toMatchObject({ code: "own_sender.refused" });
    expect(await accountRow(s.workspaceId)).toBeUndefined();
  });

  it("stores the token sealed: no clear token in the row or the audit log, only its last 4 shown", async () => {
    const account = newAccount();
    const token = account.authTokens[0]!;
    const { s } = await connected(account);
    const row = (await accountRow(s.workspaceId))!;
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ account_sid: account.sid, kind: "OWN", token_key_id: "k1", token_last4: token.slice(-4) });
    const audit = (await pool.query("select action, details from audit_logs where workspace_id = $1", [s.workspaceId])).rows;
    expect(audit.map((a: { action: string }) => a.action)).toContain("own_sender.connected");
    expect(JSON.stringify(audit)).not.toContain(token);
    expect(await ownSenderSummary(orm.em.fork(), s.workspaceId)).toMatchObject({ accountSid: account.sid, tokenLast4: token.slice(-4), phoneNumber: null });
  });

  it("creates a subaccount under the platform's account and connects it", async () => {
    const s = await createScenario(orm, { patients: 1, dueAt: clock.now() });
    const sid = await createOwnSubaccount(orm.em.fork(), ownDeps(), { workspaceId: s.workspaceId, userId: s.ownerId }, "Consultorio Centro");
    expect(sim.accounts.bySid.get(sid)?.ownerAccountSid).toBe(PLATFORM_SID);
    expect(await accountRow(s.workspaceId)).toMatchObject({ account_sid: sid, kind: "SUBACCOUNT" });
    // The stored token is the subaccount's own: it opens and verifies that account's callbacks.
    expect((await ownAccountCredentials(pool, cipher, sid, new Date()))!.authTokens).toEqual(sim.accounts.bySid.get(sid)!.authTokens);
  });

  it("keeps the previous token for the grace period when the owner enters a rotated one", async () => {
    const account = newAccount();
    const oldToken = account.authTokens[0]!;
    const { actor } = await connected(account);
    // Twilio's promote-secondary: the account now answers to the new token only.
    const newToken = randomBytes(16).toString("hex");
    sim.accounts.setAuthToken(account.sid, newToken);
    await connectOwnAccount(orm.em.fork(), ownDeps(), actor, { accountSid: account.sid, authToken: newToken });
    const creds = (await ownAccountCredentials(pool, cipher, account.sid, new Date()))!;
    expect(creds.authTokens).toEqual([newToken, oldToken]);
    const later = (await ownAccountCredentials(pool, cipher, account.sid, new Date(Date.now() + 25 * 3600_000)))!;
    expect(later.authTokens).toEqual([newToken]);
  });
});

describe("key rotation", () => {
  it("credentials:rotate re-seals every row under the current key; the token still opens, the old key is no longer needed", async () => {
    const account = newAccount();
    const token = account.authTokens[0]!;
    const { s } = await connected(account);
    const before = (await accountRow(s.workspaceId))!;
    const k2 = key();
    const both = new CredentialsCipher(new Map([["k1", k1], ["k2", k2]]), "k2");
    expect(await rotateCredentials(orm.em.fork(), both)).toBeGreaterThanOrEqual(1);
    const after = (await accountRow(s.workspaceId))!;
    expect(after.token_key_id).toBe("k2");
    expect(after.token_ciphertext).not.toBe(before.token_ciphertext);
    const onlyNew = new CredentialsCipher(new Map([["k2", k2]]), "k2");
    expect((await ownAccountCredentials(pool, onlyNew, account.sid, new Date()))!.authTokens).toEqual([token]);
    // Run again: nothing left to re-seal.
    expect(await rotateCredentials(orm.em.fork(), both)).toBe(0);
    // Put the row back under k1 for the other tests' cipher.
    await rotateCredentials(orm.em.fork(), new CredentialsCipher(new Map([["k1", k1], ["k2", k2]]), "k1"));
  });
});

describe("a second workspace on its own account", () => {
  it("chooses a number through the API, sends through its account, and its callbacks verify with its token only", async () => {
    const platformWs = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 10, phoneBase: 593_981_000_000 });
    const account = newAccount();
    const ownToken = account.authTokens[0]!;
    const { s, actor } = await connected(account);

    const senders = await listAccountSenders(orm.em.fork(), ownDeps(), s.workspaceId);
    expect(senders.numbers.map((n) => n.phoneNumber)).toEqual([OWN_NUMBER]);
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, senders.numbers[0]!.sid);
    // The inbound URL was set at Twilio, not by hand.
    expect([...account.numbers.values()][0]!.smsUrl).toBe(`${publicUrl}/webhooks/twilio/inbound`);
    // The pre-flight and the home page's checklist see the sender the send path will use.
    expect((await workspaceSendingSettings(orm.em.fork(), s.workspaceId))!.smsSender).toBe(OWN_NUMBER);

    for (const w of [platformWs, s]) for (const e of await publishDue(w.workspaceId)) await sendMessage(sendDeps(), e);
    const own = sim.state.messages.find((m) => m.to === s.phones[0])!;
    const platform = sim.state.messages.find((m) => m.to === platformWs.phones[0])!;
    expect(own).toMatchObject({ accountSid: account.sid, from: OWN_NUMBER });
    expect(platform).toMatchObject({ accountSid: PLATFORM_SID, from: "+15005550006" });

    // The simulator's status callbacks for the own account, signed with its token, are stored.
    await sim.whenIdle(5000);
    const stored = (await pool.query("select status from provider_status_events where provider_sid = $1", [own.sid])).rows;
    expect(stored.length).toBeGreaterThan(0);
    expect(own.callbacksDelivered.length).toBeGreaterThan(0);

    // A callback naming that account but signed with the platform's token is refused.
    const params = { MessageSid: own.sid, MessageStatus: "failed", AccountSid: account.sid, To: own.to, From: OWN_NUMBER, ApiVersion: "2010-04-01" };
    const url = `${publicUrl}${TWILIO_STATUS_PATH}?m=${s.messageIds[0]}`;
    const post = (token: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(token, url, params) }, body: new URLSearchParams(params).toString() });
    expect((await post(PLATFORM_TOKEN)).status).toBe(403);
    expect((await pool.query("select 1 from provider_status_events where provider_sid = $1 and status = 'failed'", [own.sid])).rowCount).toBe(0);
    expect((await post(ownToken)).status).toBe(204);
  });
});

describe("replies to an own number", () => {
  it("the webhook marks the reply with the account's workspace, and it routes to that workspace only", async () => {
    const account = newAccount();
    const { s, actor } = await connected(account);
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, [...account.numbers.keys()][0]!);
    for (const e of await publishDue(s.workspaceId)) await sendMessage(sendDeps(), e);
    const phone = s.phones[0]!;
    // Another workspace wrote to the same patient from that number later (it was once its sender).
    const other = await createScenario(orm, { patients: 1, dueAt: clock.now(), phoneBase: Number(phone.slice(1)) });
    await pool.query("update messages set from_address = $1, send_attempted_at = now() + interval '1 minute' where workspace_id = $2", [OWN_NUMBER, other.workspaceId]);

    const reply = await sim.inbound({ from: phone, to: OWN_NUMBER, body: "5" });
    expect(reply).toMatchObject({ delivered: true, webhookStatus: 200 });
    const [row] = (await pool.query("select payload from outbox where type = 'twilio.inbound' and payload->'params'->>'MessageSid' = $1", [reply.sid])).rows as { payload: { workspaceId?: string } }[];
    expect(row!.payload.workspaceId).toBe(s.workspaceId);
    expect((await findRoute(orm.em.fork(), phone, OWN_NUMBER, row!.payload.workspaceId))!.workspaceId).toBe(s.workspaceId);
  });

  it("a reply to a number inside the account's Messaging Service reaches the workspace's conversation", async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), services: [{ friendlyName: "Consultorio", numbers: ["+593990001002"] }] });
    const service = [...account.services.values()][0]!;
    const { s, actor } = await connected(account);
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, service.sid);
    for (const e of await publishDue(s.workspaceId)) await sendMessage(sendDeps(), e);
    // The message leaves through the service (Twilio picks the number): its sender is the service.
    expect(sim.state.messages.find((m) => m.to === s.phones[0])).toMatchObject({ accountSid: account.sid, messagingServiceSid: service.sid });

    const reply = await sim.inbound({ from: s.phones[0]!, to: "+593990001002", body: "4" });
    expect(reply).toMatchObject({ delivered: true, webhookStatus: 200 });
    const rows = (await pool.query("select id::text as id, type, workspace_id::text as workspace_id, payload from outbox where type = 'twilio.inbound' and payload->'params'->>'MessageSid' = $1", [reply.sid])).rows as { id: string; type: string; payload: unknown }[];
    await pool.query("update outbox set status = 'published', published_at = now() where id = $1", [rows[0]!.id]);
    await storeInbound({ orm, clock, logger: silent }, { outboxId: rows[0]!.id, type: rows[0]!.type, workspaceId: null, payload: JSON.stringify(rows[0]!.payload), traceparent: "" });
    const stored = (await pool.query("select workspace_id::text as workspace_id, in_reply_to_id::text as in_reply_to from inbound_messages where provider_sid = $1", [reply.sid])).rows[0];
    expect(stored).toEqual({ workspace_id: s.workspaceId, in_reply_to: s.messageIds[0] });
  });
});

describe("disconnecting", () => {
  it("clears at Twilio the URLs it set on the chosen number or service, and leaves a URL the practice set since", async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: ["+593990001003"], services: [{ friendlyName: "Sede", numbers: ["+593990001004"] }] });
    const number = [...account.numbers.values()].find((n) => n.phoneNumber === "+593990001003")!;
    const service = [...account.services.values()][0]!;
    const { s, actor } = await connected(account);
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, service.sid);
    expect(service).toMatchObject({ inboundRequestUrl: `${publicUrl}/webhooks/twilio/inbound`, statusCallback: `${publicUrl}/webhooks/twilio/status` });
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, number.sid);
    expect(await disconnectOwnAccount(orm.em.fork(), ownDeps(), actor)).toEqual({ disconnected: true, notCleared: null });
    expect(number.smsUrl).toBeNull();
    expect(await accountRow(s.workspaceId)).toBeUndefined();

    // Reconnected with the service: the practice pointed its status callback elsewhere meanwhile.
    await connectOwnAccount(orm.em.fork(), ownDeps(), actor, { accountSid: account.sid, authToken: account.authTokens[0]! });
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, service.sid);
    service.statusCallback = "https://practice.example/status";
    expect(await disconnectOwnAccount(orm.em.fork(), ownDeps(), actor)).toEqual({ disconnected: true, notCleared: null });
    expect(service.inboundRequestUrl).toBeNull();
    expect(service.statusCallback).toBe("https://practice.example/status");
  });

  it("still disconnects when Twilio refuses, and names the sender it could not clear", async () => {
    const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: ["+593990001005"] });
    const number = [...account.numbers.values()][0]!;
    const { s, actor } = await connected(account);
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, number.sid);
    // The practice rotated its token at Twilio and never entered the new one here.
    sim.accounts.setAuthToken(account.sid, randomBytes(16).toString("hex"));
    expect(await disconnectOwnAccount(orm.em.fork(), ownDeps(), actor)).toEqual({ disconnected: true, notCleared: "+593990001005" });
    expect(await accountRow(s.workspaceId)).toBeUndefined();
    expect(number.smsUrl).toBe(`${publicUrl}/webhooks/twilio/inbound`);
    const audit = (await pool.query("select details from audit_logs where workspace_id = $1 and action = 'own_sender.disconnected'", [s.workspaceId])).rows;
    expect(audit[0]!.details).toMatchObject({ urlsNotCleared: "+593990001005" });
  });
});

describe("WhatsApp templates on an own account", () => {
  const ratingText = { type: "INITIAL", language: "es", category: "UTILITY", body: "Hola {{name}}, gracias por visitar {{practice}}. Califique del 1 al 5 aquí: {{ratingLink}} Gracias.", buttons: "1\n2\n3\n4\n5" };
  const reminderText = { ...ratingText, type: "REMINDER", body: "Hola {{name}}, en {{practice}} nos importa su opinión: {{ratingLink}} Gracias." };

  it("blocks the switch until the flow's templates are approved on the account, then sends WhatsApp from the own number with the account's Content SID", async () => {
    sim.configure({ contentApproval: { outcome: "approve", delayMs: 60_000 } });
    const account = newAccount();
    const s = await createScenario(orm, { patients: 2, dueAt: clock.now(), credits: 10, channel: "WHATSAPP", whatsappSender: "whatsapp:+14155238886", whatsappContentSids: { INITIAL: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL } });
    const actor = { workspaceId: s.workspaceId, userId: s.ownerId };
    await connectOwnAccount(orm.em.fork(), ownDeps(), actor, { accountSid: account.sid, authToken: account.authTokens[0]! });
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, [...account.numbers.keys()][0]!);

    // Written, not yet submitted: the switch is refused with the reason.
    const initial = await saveWhatsAppTemplate(orm.em.fork(), actor, ratingText);
    const reminder = await saveWhatsAppTemplate(orm.em.fork(), actor, reminderText);
    expect(initial.status).toBe("DRAFT");
    await expect(switchOwnWhatsApp(orm.em.fork(), actor, true)).rejects.toMatchObject({ code: "whatsapp_switch.not_approved" });

    const submitted = await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, initial.id);
    await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, reminder.id);
    expect(submitted).toMatchObject({ status: "PENDING", providerStatus: "received" });
    // The Content lives in the own account, with Twilio's numbered placeholders and the quick replies:
    // numbered without a gap (the fixed order made this {{1}} … {{3}} {{4}}, which WhatsApp refuses).
    const content = account.contents.get(submitted.contentSid!)!;
    expect(content.variables).toEqual({ "1": "Carmen", "2": "Consultorio Los Andes", "3": "https://rm.example/q/AbCdEf123456" });
    expect(content.types["twilio/quick-reply"]).toMatchObject({ body: "Hola {{1}}, gracias por visitar {{2}}. Califique del 1 al 5 aquí: {{3}} Gracias.", actions: [{ title: "1", id: "1" }, { title: "2", id: "2" }, { title: "3", id: "3" }, { title: "4", id: "4" }, { title: "5", id: "5" }] });
    expect(content.approval).toMatchObject({ category: "UTILITY" });

    // Still under review: the periodic job keeps it pending, and the platform keeps sending WhatsApp.
    expect(await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now())).toMatchObject({ checked: 2, approved: 0 });
    expect((await ownWhatsAppReadiness(orm.em.fork(), s.workspaceId)).required.map((r) => r.status)).toEqual(["PENDING", "PENDING"]);
    await expect(switchOwnWhatsApp(orm.em.fork(), actor, true)).rejects.toMatchObject({ code: "whatsapp_switch.not_approved" });
    const [first] = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string; payload: unknown }[]>(
      "update outbox set status = 'published', published_at = now() where idempotency_key = ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
      [messageSendEvent.key(s.messageIds[0]!)],
    );
    await sendMessage(sendDeps(), { outboxId: first!.id, type: first!.type, workspaceId: first!.workspace_id, payload: JSON.stringify(first!.payload), traceparent: "" });
    expect(sim.state.messages.find((m) => m.to === `whatsapp:${s.phones[0]}`)).toMatchObject({ accountSid: PLATFORM_SID, from: "whatsapp:+14155238886" });

    // WhatsApp decides after the delay; the next run records it and the switch goes through.
    sim.configure({ contentApproval: { outcome: "approve", delayMs: 0 } });
    expect(await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now())).toMatchObject({ checked: 2, approved: 2 });
    expect((await ownWhatsAppReadiness(orm.em.fork(), s.workspaceId)).ready).toBe(true);
    await switchOwnWhatsApp(orm.em.fork(), actor, true);

    // What the import writes for a WhatsApp rating request (the fixed order: name, doctor, practice,
    // link), here for a patient without a name.
    await pool.query("update messages set content_variables = $2 where id = $1", [s.messageIds[1], { "1": "", "2": "Dra. Vélez", "3": "Clínica Sur", "4": "https://rm.example/q/xyz" }]);
    const rest = await orm.em.fork().execute<{ id: string; type: string; workspace_id: string; payload: unknown }[]>(
      "update outbox set status = 'published', published_at = now() where status = 'pending' and workspace_id = ? and type = 'message.send' returning id::text as id, type, workspace_id::text as workspace_id, payload",
      [s.workspaceId],
    );
    for (const r of rest) await sendMessage(sendDeps(), { outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" });
    const sent = sim.state.messages.find((m) => m.to === `whatsapp:${s.phones[1]}`);
    expect(sent).toMatchObject({ accountSid: account.sid, from: `whatsapp:${OWN_NUMBER}`, contentSid: submitted.contentSid, buttons: ["1", "2", "3", "4", "5"] });
    // Filled with that template's numbers, and "paciente" for the empty name (WhatsApp refuses an empty value).
    expect(JSON.parse(sent!.contentVariables!)).toEqual({ "1": "paciente", "2": "Clínica Sur", "3": "https://rm.example/q/xyz" });
    expect(sent!.body).toBe("Hola paciente, gracias por visitar Clínica Sur. Califique del 1 al 5 aquí: https://rm.example/q/xyz Gracias.");
    expect((await accountRow(s.workspaceId))!.whatsapp_content_variables).toEqual({ [submitted.contentSid!]: ["name", "practice", "ratingLink"], [(await whatsappTemplateFor(orm.em.fork(), s.workspaceId, "REMINDER", "es"))!.template!.contentSid!]: ["name", "practice", "ratingLink"] });
  });

  it("a template numbered by the old fixed order keeps sending with those numbers once approved; one still under review with a gap is flagged and submitted again without it", async () => {
    sim.configure({ contentApproval: { outcome: "manual", delayMs: 0 } });
    const account = newAccount();
    const s = await createScenario(orm, { patients: 1, dueAt: clock.now(), credits: 10, channel: "WHATSAPP", whatsappSender: "whatsapp:+14155238886" });
    const actor = { workspaceId: s.workspaceId, userId: s.ownerId };
    await connectOwnAccount(orm.em.fork(), ownDeps(), actor, { accountSid: account.sid, authToken: account.authTokens[0]! });
    await chooseOwnSender(orm.em.fork(), ownDeps(), actor, [...account.numbers.keys()][0]!);
    const initial = await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, (await saveWhatsAppTemplate(orm.em.fork(), actor, ratingText)).id);
    const reminder = await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, (await saveWhatsAppTemplate(orm.em.fork(), actor, reminderText)).id);
    sim.decideContent(reminder.contentSid!, "approved");
    // The INITIAL Content as the fixed order created it before: {{1}} … {{3}} {{4}}, no names kept.
    const legacy = account.contents.get(initial.contentSid!)!;
    const gapped = "Hola {{1}}, gracias por visitar {{3}}. Califique del 1 al 5 aquí: {{4}} Gracias.";
    legacy.types = { "twilio/text": { body: gapped }, "twilio/quick-reply": { body: gapped, actions: legacy.types["twilio/quick-reply"]!.actions! } };
    legacy.variables = { "1": "Carmen", "3": "Consultorio Los Andes", "4": "https://rm.example/q/AbCdEf123456" };
    legacy.approval!.forcedRejection = null;
    await pool.query("update whatsapp_templates set variables = null where id = $1", [initial.id]);

    // Still under review with its gap: flagged, and submitting it again creates a Content without the gap.
    const flagged = (await whatsappTemplateFor(orm.em.fork(), s.workspaceId, "INITIAL", "es"))!.template!;
    expect(flagged).toMatchObject({ status: "PENDING", resubmit: true });
    expect((await whatsappTemplateFor(orm.em.fork(), s.workspaceId, "REMINDER", "es"))!.template!.resubmit).toBe(false);
    const again = await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, initial.id);
    expect(again).toMatchObject({ status: "PENDING", resubmit: false });
    expect(again.contentSid).not.toBe(initial.contentSid);
    expect(account.contents.get(again.contentSid!)!.types["twilio/text"]!.body).toBe("Hola {{1}}, gracias por visitar {{2}}. Califique del 1 al 5 aquí: {{3}} Gracias.");

    // Approved before the change (WhatsApp's approval of the old Content stands): it keeps its numbers.
    legacy.approval!.status = "approved";
    await pool.query("update whatsapp_templates set variables = null, content_sid = $2, status = 'APPROVED' where id = $1", [initial.id, initial.contentSid]);
    await pool.query(
      "update twilio_accounts set whatsapp_content_sids = $2, whatsapp_content_variables = $3, whatsapp_switched_at = now() where workspace_id = $1",
      [s.workspaceId, { es: { INITIAL: initial.contentSid, REMINDER: reminder.contentSid } }, { [reminder.contentSid!]: ["name", "practice", "ratingLink"] }],
    );
    expect((await whatsappTemplateFor(orm.em.fork(), s.workspaceId, "INITIAL", "es"))!.template!.resubmit).toBe(false);
    await pool.query("update messages set content_variables = $2 where id = $1", [s.messageIds[0], { "1": "Ana", "2": "Dra. Vélez", "3": "Clínica Sur", "4": "https://rm.example/q/old" }]);
    for (const r of await publishDue(s.workspaceId)) await sendMessage(sendDeps(), r);
    const sent = sim.state.messages.find((m) => m.to === `whatsapp:${s.phones[0]}`)!;
    expect(sent).toMatchObject({ accountSid: account.sid, contentSid: initial.contentSid, status: expect.not.stringMatching(/failed|undelivered/) });
    expect(sent.body).toBe("Hola Ana, gracias por visitar Clínica Sur. Califique del 1 al 5 aquí: https://rm.example/q/old Gracias.");
  });

  it("shows a rejection with WhatsApp's reason; editing the text makes it a new draft", async () => {
    sim.configure({ contentApproval: { outcome: "manual", delayMs: 0 } });
    const account = newAccount();
    const { actor } = await connected(account);
    const saved = await saveWhatsAppTemplate(orm.em.fork(), actor, ratingText);
    const submitted = await submitWhatsAppTemplate(orm.em.fork(), ownDeps(), actor, saved.id);
    sim.decideContent(submitted.contentSid!, "rejected", "The template is too generic.");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    const readiness = await ownWhatsAppReadiness(orm.em.fork(), actor.workspaceId);
    expect(readiness.required[0]).toEqual({ type: "INITIAL", status: "REJECTED", rejectionReason: "The template is too generic." });
    const edited = await saveWhatsAppTemplate(orm.em.fork(), actor, { ...ratingText, body: ratingText.body.replace("Gracias.", "Muchas gracias.") });
    expect(edited).toMatchObject({ status: "DRAFT", contentSid: null, rejectionReason: null });
  });

  it("refuses before submission what WhatsApp would reject: a variable at the end, unknown variables", async () => {
    const { actor } = await connected(newAccount());
    await expect(saveWhatsAppTemplate(orm.em.fork(), actor, { ...ratingText, body: "Califique aquí: {{ratingLink}}" })).rejects.toMatchObject({ fieldErrors: { body: "whatsappTemplate.error.edgeVariable" } });
    await expect(saveWhatsAppTemplate(orm.em.fork(), actor, { ...ratingText, body: "Hola {{nombre}}, gracias." })).rejects.toMatchObject({ fieldErrors: { body: "whatsappTemplate.error.unknownVariable" } });
  });
});
