// WhatsApp broadcasts (SPEC §14) against real PostgreSQL, Redis and the provider simulator: a
// library text is submitted to WhatsApp as a template of the practice's own account and followed by
// the approval job; a broadcast is refused with its reason until the own sender is switched on and
// the text's template is approved (and again when WhatsApp pauses it); then every eligible contact
// gets exactly one WhatsApp message from the own account with the approved Content SID and its own
// variables, and the credits follow the template's category.
import { randomBytes } from "node:crypto";
import type { MikroORM } from "@mikro-orm/postgresql";
import {
  broadcastWhatsAppTemplate,
  chooseOwnSender,
  connectOwnAccount,
  CredentialsCipher,
  createLibraryEntry,
  followWhatsAppApprovals,
  libraryWhatsAppState,
  ownAccountClients,
  submitLibraryToWhatsApp,
  updateLibraryEntry,
  type OwnSenderDeps,
} from "@rm/accounts";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { initOrm, User, workspaceEm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { SenderRateLimiter, sendMessage, setMarketingConsent, type SendDeps } from "@rm/messaging";
import type { StreamEntry } from "@rm/streams";
import { createTestDatabase, createTestRedis, makeTenant, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { ensureLabels, setContactLabels } from "@rm/contacts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBroadcast, parseAudience } from "../src/index.ts";

const PLATFORM_SID = "AC" + "0".repeat(32);
const PLATFORM_TOKEN = "f".repeat(32);
const OWN_NUMBER = "+593990001001";
const PRICING = { MARKETING: 3, UTILITY: 1 };
const BODY = "Hola {{name}}, hace seis meses de su última limpieza en {{practice}}. Le esperamos.";
const cipher = new CredentialsCipher(new Map([["k1", randomBytes(32)]]), "k1");

let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let clock: ManualClock;

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(text, params);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  redis = await createTestRedis();
  sim = createSimulator({ accountSid: PLATFORM_SID, authTokens: [PLATFORM_TOKEN], callbackDelayMs: 60_000 });
  await sim.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await sim?.close();
  await redis?.cleanup();
  await orm?.close(true);
  await db?.drop();
});
beforeEach(() => {
  sim.reset();
  sim.configure({ contentApproval: { outcome: "manual", delayMs: 0 } });
  clock = new ManualClock(new Date());
});

const ownDeps = (): OwnSenderDeps => ({ cipher, apiUrl: sim.url, platform: { accountSid: PLATFORM_SID, authToken: PLATFORM_TOKEN }, publicUrl: "https://rm.example.com", timeoutMs: 3000 });

function sendDeps(): SendDeps {
  return {
    orm,
    clock,
    logger: { info() {}, warn() {}, error() {} },
    twilio: createTwilioClient({ accountSid: PLATFORM_SID, authToken: PLATFORM_TOKEN, apiUrl: sim.url, timeoutMs: 3000 }),
    ownAccountClient: ownAccountClients(cipher, { apiUrl: sim.url, timeoutMs: 3000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    // The platform's shared WhatsApp sender exists: a broadcast must still never use it.
    defaults: { whatsappFrom: "whatsapp:+14155238886" },
    globalPaused: () => false,
    sdkTimeoutMs: 3000,
  };
}

/** A workspace with a library text for WhatsApp, credits, and labelled contacts (two with marketing consent, one without). */
async function practice() {
  const t = await makeTenant(orm, { name: "Clínica Dental Sonrisa" });
  await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null, default_country = 'EC' where id = ?", [t.workspaceId]);
  await grantCredits(orm.em.fork(), { workspaceId: t.workspaceId, amount: 100, reference: `test:${t.workspaceId}` });
  const people = [
    { phone: "+593981000001", name: "Ana Torres", marketing: true },
    { phone: "+593981000002", name: "Bruno Vera", marketing: true },
    { phone: "+593981000003", name: "Carla Mora", marketing: false },
  ];
  const ids: string[] = [];
  for (const p of people) {
    const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, name, whatsapp_consent_at, whatsapp_consent_source) values (?, ?, ?, now(), 'CSV_IMPORT') returning id", [t.workspaceId, p.phone, p.name]);
    ids.push(c!.id);
    if (p.marketing) {
      await orm.em.fork().transactional((em) => setMarketingConsent(em, { workspaceId: t.workspaceId, contactId: c!.id, granted: true, source: "STAFF", actorId: t.ownerId, evidence: "Formulario firmado", now: new Date() }));
    }
  }
  const [label] = await orm.em.fork().transactional((em) => ensureLabels(em, { workspaceId: t.workspaceId, actorId: t.ownerId, names: ["limpieza"] }));
  await orm.em.fork().transactional((em) => setContactLabels(em, { workspaceId: t.workspaceId, actorId: t.ownerId, contactIds: ids, add: [label!.id] }));
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { id: t.ownerId }, { populate: ["workspace"], filters: false });
  const entry = await createLibraryEntry(em, { user }, { name: "Recordatorio de limpieza", body: BODY, category: "MARKETING", forWhatsapp: "on" });
  const actor = { workspaceId: t.workspaceId, userId: t.ownerId };
  const account = sim.addAccount({ authToken: randomBytes(16).toString("hex"), numbers: [OWN_NUMBER] });
  return { ...t, user, entry, actor, account, labelId: label!.id, phones: people.map((p) => p.phone) };
}

async function connectAndSwitch(p: Awaited<ReturnType<typeof practice>>) {
  await connectOwnAccount(orm.em.fork(), ownDeps(), p.actor, { accountSid: p.account.sid, authToken: p.account.authTokens[0]! });
  await chooseOwnSender(orm.em.fork(), ownDeps(), p.actor, [...p.account.numbers.keys()][0]!);
  // The switch itself (its own required templates approved) is covered by the own-sender tests.
  await sql("update twilio_accounts set whatsapp_switched_at = now() where workspace_id = ?", [p.workspaceId]);
}

const refusal = async (p: Awaited<ReturnType<typeof practice>>) => {
  const r = await broadcastWhatsAppTemplate(orm.em.fork(), p.workspaceId, p.entry.id);
  return r.ok ? "ok" : r.error.code;
};

async function publishDue(workspaceId: string): Promise<StreamEntry[]> {
  const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
    "update outbox set status = 'published', published_at = now() where status = 'pending' and workspace_id = ? and type = 'message.send' returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [workspaceId],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

describe("a library text as a WhatsApp template of the own account", () => {
  it("is created with numbered placeholders and samples, submitted in its category, followed by the approval job, and needs a new submission once edited", async () => {
    const p = await practice();
    await connectAndSwitch(p);
    const submitted = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    expect(submitted).toMatchObject({ status: "PENDING", providerStatus: "received" });
    // The Content lives in the own account: {{1}}, {{2}} in order of appearance, a sample for each.
    const content = p.account.contents.get(submitted.contentSid!)!;
    expect(content.types["twilio/text"]).toEqual({ body: "Hola {{1}}, hace seis meses de su última limpieza en {{2}}. Le esperamos." });
    expect(Object.keys(content.variables)).toEqual(["1", "2"]);
    expect(content.approval).toMatchObject({ category: "MARKETING" });

    // Under review: the job keeps it pending; WhatsApp approves; the job records it.
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    expect((await libraryWhatsAppState(orm.em.fork(), p.workspaceId, p.entry.id))!.status).toBe("PENDING");
    sim.decideContent(submitted.contentSid!, "approved");
    expect(await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now())).toMatchObject({ approved: 1 });
    expect(await libraryWhatsAppState(orm.em.fork(), p.workspaceId, p.entry.id)).toMatchObject({ status: "APPROVED", contentSid: submitted.contentSid });

    // Another text is another template: the approval is forgotten and a new Content is submitted.
    await updateLibraryEntry(workspaceEm(orm.em.fork(), p.workspaceId), { user: p.user }, p.entry.id, { name: "Recordatorio de limpieza", body: BODY.replace("Le esperamos.", "Le esperamos pronto."), category: "MARKETING", forWhatsapp: "on" });
    expect(await libraryWhatsAppState(orm.em.fork(), p.workspaceId, p.entry.id)).toMatchObject({ status: "DRAFT", contentSid: null });
    expect(await refusal(p)).toBe("broadcast.error.whatsappTemplate");
    const again = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    expect(again.contentSid).not.toBe(submitted.contentSid);
  });

  it("refuses before anything reaches Twilio a text a broadcast cannot fill or WhatsApp would reject", async () => {
    const p = await practice();
    await connectAndSwitch(p);
    await updateLibraryEntry(workspaceEm(orm.em.fork(), p.workspaceId), { user: p.user }, p.entry.id, { name: "Nuevo doctor", body: "Hola {{name}}, {{doctor}} atiende desde el lunes en la consulta.", category: "MARKETING", forWhatsapp: "on" });
    await expect(submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id)).rejects.toMatchObject({ code: "library_whatsapp.problem", text: { code: "library.whatsapp.error.variables" } });
    expect(p.account.contents.size).toBe(0);
  });
});

describe("a WhatsApp broadcast", () => {
  it("is refused with the missing step: not connected, shared sender, not submitted, under review, rejected, paused by WhatsApp", async () => {
    const p = await practice();
    expect(await refusal(p)).toBe("broadcast.error.whatsappNotConnected");
    await connectOwnAccount(orm.em.fork(), ownDeps(), p.actor, { accountSid: p.account.sid, authToken: p.account.authTokens[0]! });
    await chooseOwnSender(orm.em.fork(), ownDeps(), p.actor, [...p.account.numbers.keys()][0]!);
    // Connected, but WhatsApp still leaves from the platform's shared sender.
    expect(await refusal(p)).toBe("broadcast.error.whatsappShared");
    await sql("update twilio_accounts set whatsapp_switched_at = now() where workspace_id = ?", [p.workspaceId]);
    expect(await refusal(p)).toBe("broadcast.error.whatsappTemplate");
    const submitted = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    expect(await refusal(p)).toBe("broadcast.error.whatsappPending");
    sim.decideContent(submitted.contentSid!, "rejected", "The template is too promotional.");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    const rejected = await broadcastWhatsAppTemplate(orm.em.fork(), p.workspaceId, p.entry.id);
    expect(rejected).toEqual({ ok: false, error: { code: "broadcast.error.whatsappRejected", params: { reason: "The template is too promotional." } } });

    // A new text approved, then paused by WhatsApp: the hourly re-check of approved texts notices it.
    await updateLibraryEntry(workspaceEm(orm.em.fork(), p.workspaceId), { user: p.user }, p.entry.id, { name: "Recordatorio", body: BODY.replace("Le esperamos.", "Le esperamos pronto."), category: "MARKETING", forWhatsapp: "on" });
    const second = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    sim.decideContent(second.contentSid!, "approved");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    expect(await refusal(p)).toBe("ok");
    sim.decideContent(second.contentSid!, "paused", "Quality rating low");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), new Date(clock.now().getTime() + 30 * 60_000));
    expect(await refusal(p)).toBe("ok");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), new Date(clock.now().getTime() + 61 * 60_000));
    expect(await refusal(p)).toBe("broadcast.error.whatsappPaused");
  });

  it("is refused for a text WhatsApp approved as UTILITY: a broadcast goes only with a MARKETING template", async () => {
    const p = await practice();
    await connectAndSwitch(p);
    await updateLibraryEntry(workspaceEm(orm.em.fork(), p.workspaceId), { user: p.user }, p.entry.id, { name: "Horario", body: BODY, category: "UTILITY", forWhatsapp: "on" });
    const submitted = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    expect(p.account.contents.get(submitted.contentSid!)!.approval).toMatchObject({ category: "UTILITY" });
    sim.decideContent(submitted.contentSid!, "approved");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    expect(await refusal(p)).toBe("broadcast.error.whatsappNotMarketing");
  });

  it("sends exactly one WhatsApp message per eligible contact from the own account, with the approved Content SID and each contact's variables, priced by the category", async () => {
    const p = await practice();
    await connectAndSwitch(p);
    const submitted = await submitLibraryToWhatsApp(orm.em.fork(), ownDeps(), p.actor, p.entry.id);
    sim.decideContent(submitted.contentSid!, "approved");
    await followWhatsAppApprovals(orm.em.fork(), ownDeps(), clock.now());
    const template = await broadcastWhatsAppTemplate(orm.em.fork(), p.workspaceId, p.entry.id);
    if (!template.ok) throw new Error(template.error.code);
    // A contact without a name: WhatsApp refuses an empty variable value (21656), so it is greeted as "paciente".
    await sql("update contacts set name = null where workspace_id = ? and phone = ?", [p.workspaceId, p.phones[1]]);
    const before = await getCreditBalance(orm.em.fork(), p.workspaceId);
    const audience = parseAudience(new URLSearchParams([["labels", p.labelId]]));
    if (!audience.ok) throw new Error("audience");
    const created = await orm.em.fork().transactional((em) =>
      createBroadcast(em, {
        workspaceId: p.workspaceId,
        actorId: p.ownerId,
        practiceId: p.practiceId,
        practiceName: "Clínica Dental Sonrisa",
        name: "Limpieza",
        audience: audience.audience,
        text: { channel: "WHATSAPP", body: BODY, category: template.category, variables: template.variables, templateId: p.entry.id, contentSid: template.contentSid },
        scheduledAt: clock.now(),
        pricing: PRICING,
        now: clock.now(),
      }),
    );
    // Two with marketing consent; MARKETING costs its configured 3 credits per message.
    expect(created).toMatchObject({ ok: true, recipients: 2, credits: 6 });
    expect((await getCreditBalance(orm.em.fork(), p.workspaceId)).available).toBe(before.available - 6);
    for (const entry of await publishDue(p.workspaceId)) await sendMessage(sendDeps(), entry);

    const sent = sim.state.messages.filter((m) => m.channel === "whatsapp");
    expect(sent.map((m) => m.to).sort()).toEqual([`whatsapp:${p.phones[0]}`, `whatsapp:${p.phones[1]}`]);
    for (const m of sent) expect(m).toMatchObject({ accountSid: p.account.sid, from: `whatsapp:${OWN_NUMBER}`, contentSid: submitted.contentSid });
    const ana = sent.find((m) => m.to === `whatsapp:${p.phones[0]}`)!;
    expect(JSON.parse(ana.contentVariables!)).toEqual({ "1": "Ana", "2": "Clínica Dental Sonrisa" });
    expect(ana.body).toBe("Hola Ana, hace seis meses de su última limpieza en Clínica Dental Sonrisa. Le esperamos.");
    const unnamed = sent.find((m) => m.to === `whatsapp:${p.phones[1]}`)!;
    expect(JSON.parse(unnamed.contentVariables!)).toEqual({ "1": "paciente", "2": "Clínica Dental Sonrisa" });
    expect(sim.state.messages.some((m) => m.to.endsWith(p.phones[2]!))).toBe(false);
  });

  it("is never created without an approved template's Content SID", async () => {
    const p = await practice();
    const audience = parseAudience(new URLSearchParams([["labels", p.labelId]]));
    if (!audience.ok) throw new Error("audience");
    const created = await orm.em.fork().transactional((em) =>
      createBroadcast(em, {
        workspaceId: p.workspaceId,
        actorId: p.ownerId,
        practiceId: p.practiceId,
        practiceName: "Clínica Dental Sonrisa",
        name: "Limpieza",
        audience: audience.audience,
        text: { channel: "WHATSAPP", body: BODY, category: "MARKETING", templateId: p.entry.id, contentSid: null },
        scheduledAt: clock.now(),
        pricing: PRICING,
        now: clock.now(),
      }),
    );
    expect(created).toMatchObject({ ok: false, error: { code: "broadcast.error.whatsappTemplate" } });
    expect(await sql("select 1 from campaigns where workspace_id = ?", [p.workspaceId])).toHaveLength(0);
  });
});
