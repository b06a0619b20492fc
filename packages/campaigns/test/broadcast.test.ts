// Broadcasts (SPEC §14) against real PostgreSQL, Redis and the provider simulator: the audience
// preview counts each excluded reason, creation holds the credits and schedules one send per
// eligible contact out of quiet hours, and the send step enforces marketing consent and the
// frequency cap in its own transaction — a second broadcast racing the first for one contact is
// cancelled, whether the two go one by one or in one stream batch.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { DEFAULT_CATEGORY_CREDITS, ManualClock } from "@rm/domain";
import { SenderRateLimiter, sendMessage, sendMessageBatch, setMarketingConsent, type SendDeps } from "@rm/messaging";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import type { StreamEntry } from "@rm/streams";
import { createTestDatabase, createTestRedis, makeTenant, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setContactLabels, ensureLabels } from "@rm/contacts";
import { broadcastResults, cancelCampaign, completeCampaigns, createBroadcast, parseAudience, previewBroadcast, setBroadcastPaused, type Audience } from "../src/index.ts";

const ACCOUNT = "AC00000000000000000000000000000000";
const TOKEN = "simulator-token";
const PRICING = DEFAULT_CATEGORY_CREDITS;
const TEXT = { channel: "SMS" as const, body: "Hola {{name}}, hace seis meses de su última limpieza en {{practice}}.", category: null };
let db: TestDatabase;
let orm: MikroORM;
let redis: TestRedis;
let sim: Simulator;
let simUrl = "";

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(text, params);

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 20 });
  redis = await createTestRedis();
  sim = createSimulator({ accountSid: ACCOUNT, authTokens: [TOKEN], callbackDelayMs: 60_000 });
  simUrl = (await sim.listen(0, "127.0.0.1")).url;
});

afterAll(async () => {
  await sim?.close();
  await redis?.cleanup();
  await orm?.close(true);
  await db?.drop();
});

function deps(clock: ManualClock): SendDeps {
  return {
    orm,
    clock,
    logger: { info() {}, warn() {}, error() {} },
    twilio: createTwilioClient({ accountSid: ACCOUNT, authToken: TOKEN, apiUrl: simUrl, timeoutMs: 2000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://rm.example.com",
    defaults: {},
    globalPaused: () => false,
    sdkTimeoutMs: 2000,
    inFlightMarginMs: 1000,
  };
}

async function publishDue(now: Date, campaignIds: string[]): Promise<StreamEntry[]> {
  const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
    `update outbox o set status = 'published', published_at = ? from messages m
      where o.status = 'pending' and o.available_at <= ? and m.id = (o.payload->>'messageId')::uuid and m.campaign_id = any(?::uuid[])
      returning o.id::text as id, o.type, o.workspace_id::text as workspace_id, o.payload`,
    [now, now, `{${campaignIds.join(",")}}`],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

interface Person {
  phone: string;
  name: string;
  marketing?: boolean;
  optedOut?: boolean;
  erased?: boolean;
  label?: boolean;
}

/** A workspace in Ecuador without quiet hours, with an SMS sender, credits and these contacts. */
async function workspaceWith(people: Person[], credits = 100) {
  const t = await makeTenant(orm, { name: "Clínica Dental Sonrisa" });
  await sql("update workspaces set sms_sender = '+15005550006', quiet_hours_start = null, quiet_hours_end = null, default_country = 'EC' where id = ?", [t.workspaceId]);
  await grantCredits(orm.em.fork(), { workspaceId: t.workspaceId, amount: credits, reference: `test:${t.workspaceId}` });
  const ids: Record<string, string> = {};
  for (const p of people) {
    const [c] = await sql<{ id: string }>(
      "insert into contacts (workspace_id, phone, name, sms_consent_at, sms_consent_source, opted_out_at, erased_at) values (?, ?, ?, now(), 'CSV_IMPORT', ?, ?) returning id",
      [t.workspaceId, p.phone, p.name, p.optedOut ? new Date() : null, p.erased ? new Date() : null],
    );
    ids[p.phone] = c!.id;
    if (p.marketing) {
      await orm.em.fork().transactional((em) =>
        setMarketingConsent(em, { workspaceId: t.workspaceId, contactId: c!.id, granted: true, source: "STAFF", actorId: t.ownerId, evidence: "Firmó el formulario en recepción", now: new Date() }),
      );
    }
  }
  const labelled = people.filter((p) => p.label !== false).map((p) => ids[p.phone]!);
  const [label] = await orm.em.fork().transactional((em) => ensureLabels(em, { workspaceId: t.workspaceId, actorId: t.ownerId, names: ["limpieza"] }));
  await orm.em.fork().transactional((em) => setContactLabels(em, { workspaceId: t.workspaceId, actorId: t.ownerId, contactIds: labelled, add: [label!.id] }));
  const [template] = await sql<{ id: string }>(
    "insert into templates (workspace_id, type, name, body, language) values (?, 'BROADCAST', 'Recordatorio de limpieza', ?, 'es') returning id",
    [t.workspaceId, TEXT.body],
  );
  return { ...t, ids, labelId: label!.id, templateId: template!.id };
}

function audienceOf(labelId: string): Audience {
  const parsed = parseAudience(new URLSearchParams([["labels", labelId]]));
  if (!parsed.ok) throw new Error("bad audience");
  return parsed.audience;
}

async function create(w: Awaited<ReturnType<typeof workspaceWith>>, scheduledAt: Date, now: Date, name = "Recordatorio de limpieza") {
  return orm.em.fork().transactional((em) =>
    createBroadcast(em, {
      workspaceId: w.workspaceId,
      actorId: w.ownerId,
      practiceId: w.practiceId,
      practiceName: "Clínica Dental Sonrisa",
      name,
      audience: audienceOf(w.labelId),
      text: { ...TEXT, templateId: w.templateId, contentSid: null },
      scheduledAt,
      pricing: PRICING,
      now,
    }),
  );
}

describe("the audience preview", () => {
  it("counts who gets the broadcast and each reason for leaving the others out", async () => {
    const w = await workspaceWith([
      { phone: "+593981000001", name: "Ana Torres", marketing: true },
      { phone: "+593981000002", name: "Bruno Vera", marketing: true },
      { phone: "+593981000003", name: "Carla Mora" }, // feedback consent only
      { phone: "+593981000004", name: "Diego Paz", marketing: true, optedOut: true },
      { phone: "+593981000005", name: "Eva Ruiz", marketing: true, erased: true },
      { phone: "+12025550123", name: "Frank Lee", marketing: true }, // United States: not allowed
      { phone: "+593981000007", name: "Gina Sol", marketing: true, label: false }, // not in the audience
    ]);
    const preview = await previewBroadcast(orm.em.fork(), { workspaceId: w.workspaceId, audience: audienceOf(w.labelId), text: TEXT, practiceName: "Clínica Dental Sonrisa", pricing: PRICING });
    expect(preview.matched).toBe(6);
    expect(preview.eligible).toBe(2);
    expect(preview.excluded).toEqual({ OPTED_OUT: 1, ERASED: 1, NO_MARKETING_CONSENT: 1, FREQUENCY_CAP: 0, COUNTRY_NOT_ALLOWED: 1 });
    // A real recipient's text, with the SMS opt-out line, and what the whole audience costs.
    const first = preview.sample!.name.split(" ")[0];
    expect(["Ana", "Bruno"]).toContain(first);
    expect(preview.sample!.body).toBe(`Hola ${first}, hace seis meses de su última limpieza en Clínica Dental Sonrisa.\nResponda BAJA para no recibir mas mensajes.`);
    expect(preview.encoding).toBe("UCS2");
    expect(preview.totalCredits).toBe(preview.creditsPerMessage * 2);
  });

  it("counts the frequency cap: a contact with two broadcasts in 30 days is left out of a third", async () => {
    const now = new Date();
    const w = await workspaceWith([{ phone: "+593981000011", name: "Ana Torres", marketing: true }]);
    expect((await create(w, now, now, "Primera")).ok).toBe(true);
    expect((await create(w, now, now, "Segunda")).ok).toBe(true);
    const preview = await previewBroadcast(orm.em.fork(), { workspaceId: w.workspaceId, audience: audienceOf(w.labelId), text: TEXT, pricing: PRICING });
    expect(preview.excluded.FREQUENCY_CAP).toBe(1);
    expect(preview.eligible).toBe(0);
    const third = await create(w, now, now, "Tercera");
    expect(third).toMatchObject({ ok: false, error: { code: "broadcast.error.nobody" } });
  });

  it("refuses a bad date filter with the field named, and an uploaded list narrows to its phones", async () => {
    expect(parseAudience(new URLSearchParams([["visitAfter", "07/12/2026"]]))).toEqual({ ok: false, errors: { visitAfter: "broadcast.error.date" } });
    const w = await workspaceWith([
      { phone: "+593981000021", name: "Ana Torres", marketing: true },
      { phone: "+593981000022", name: "Bruno Vera", marketing: true },
    ]);
    const parsed = parseAudience(new URLSearchParams([["phones", "0981000022\nnot a phone\n"]]));
    if (!parsed.ok) throw new Error("expected ok");
    const preview = await previewBroadcast(orm.em.fork(), { workspaceId: w.workspaceId, audience: parsed.audience, text: null, pricing: PRICING });
    expect(preview).toMatchObject({ matched: 1, eligible: 1, invalidPhones: 1 });
  });
});

describe("creating and sending a broadcast", () => {
  it("holds the credits, sends one message per eligible contact at the scheduled time, and counts the results", async () => {
    const now = new Date();
    const clock = new ManualClock(now);
    const w = await workspaceWith([
      { phone: "+593981000031", name: "Ana Torres", marketing: true },
      { phone: "+593981000032", name: "Bruno Vera", marketing: true },
      { phone: "+593981000033", name: "Carla Mora" },
    ]);
    const due = new Date(now.getTime() + 60_000);
    const created = await create(w, due, now);
    if (!created.ok) throw new Error("not created");
    expect(created.recipients).toBe(2);
    const perMessage = (await sql<{ credits_held: number }>("select credits_held from messages where campaign_id = ?", [created.campaignId]))[0]!.credits_held;
    expect((await getCreditBalance(orm.em.fork(), w.workspaceId)).available).toBe(100 - 2 * perMessage);
    // The library counts the broadcast as one use of its text.
    const [used] = await sql<{ usage_count: number; last_used_at: string }>("select usage_count, last_used_at from templates where id = ?", [w.templateId]);
    expect(used!.usage_count).toBe(1);
    expect(new Date(used!.last_used_at).getTime()).toBe(now.getTime());

    // Nothing before its time.
    expect(await publishDue(now, [created.campaignId])).toHaveLength(0);
    clock.advance(60_000);
    const entries = await publishDue(clock.now(), [created.campaignId]);
    expect(entries).toHaveLength(2);
    for (const e of entries) await sendMessage(deps(clock), e);
    const to = sim.state.messages.filter((m) => m.to.startsWith("+59398100003")).map((m) => m.to).sort();
    expect(to).toEqual(["+593981000031", "+593981000032"]);
    const results = await broadcastResults(orm.em.fork(), w.workspaceId, created.campaignId);
    expect(results).toMatchObject({ total: 2, sent: 2, waiting: 0, failed: 0, excluded: { NO_MARKETING_CONSENT: 1 } });
    // Every recipient is done, so the periodic completion closes the broadcast.
    const patients = await sql<{ status: string }>("select status from patients where campaign_id = ? order by status", [created.campaignId]);
    expect(patients.map((p) => p.status)).toEqual(["SENT", "SENT", "SKIPPED"]);
    await orm.em.fork().transactional((em) => completeCampaigns(em, clock.now(), 7 * 86_400_000));
    const [campaign] = await sql<{ status: string }>("select status from campaigns where id = ?", [created.campaignId]);
    expect(campaign!.status).toBe("COMPLETED");
  });

  it("refuses a broadcast the balance cannot pay for and leaves no campaign, hold or use behind", async () => {
    const now = new Date();
    const w = await workspaceWith(
      [
        { phone: "+593981000041", name: "Ana Torres", marketing: true },
        { phone: "+593981000042", name: "Bruno Vera", marketing: true },
      ],
      1,
    );
    const refused = await create(w, new Date(now.getTime() + 60_000), now);
    expect(refused).toMatchObject({ ok: false, error: { code: "broadcast.error.credits", params: { needed: "4", available: "1" } } });
    expect(await sql("select id from campaigns where workspace_id = ?", [w.workspaceId])).toHaveLength(0);
    expect((await getCreditBalance(orm.em.fork(), w.workspaceId)).available).toBe(1);
    const [template] = await sql<{ usage_count: number }>("select usage_count from templates where id = ?", [w.templateId]);
    expect(template!.usage_count).toBe(0);
  });

  it("waits while paused and releases every hold when cancelled", async () => {
    const now = new Date();
    const clock = new ManualClock(now);
    const w = await workspaceWith([{ phone: "+593981000041", name: "Ana Torres", marketing: true }]);
    const created = await create(w, now, now);
    if (!created.ok) throw new Error("not created");
    expect(await orm.em.fork().transactional((em) => setBroadcastPaused(em, { workspaceId: w.workspaceId, campaignId: created.campaignId, actorId: w.ownerId, paused: true }))).toBe(true);
    const entries = await publishDue(clock.now(), [created.campaignId]);
    for (const e of entries) await sendMessage(deps(clock), e);
    expect(sim.state.messages.filter((m) => m.to === "+593981000041")).toHaveLength(0);
    const [m] = await sql<{ status: string }>("select status from messages where campaign_id = ?", [created.campaignId]);
    expect(m!.status).toBe("PENDING");

    const cancelled = await cancelCampaign(orm.em.fork(), { workspaceId: w.workspaceId, campaignId: created.campaignId, viewer: { userId: w.ownerId, role: "OWNER" } });
    expect(cancelled).toMatchObject({ outcome: "cancelled", messagesCancelled: 1 });
    expect((await getCreditBalance(orm.em.fork(), w.workspaceId)).available).toBe(100);
  });

  it("cancels at send time a broadcast to a contact whose marketing consent was withdrawn after the preview", async () => {
    const now = new Date();
    const clock = new ManualClock(now);
    const w = await workspaceWith([{ phone: "+593981000051", name: "Ana Torres", marketing: true }]);
    const created = await create(w, now, now);
    if (!created.ok) throw new Error("not created");
    await orm.em.fork().transactional((em) =>
      setMarketingConsent(em, { workspaceId: w.workspaceId, contactId: w.ids["+593981000051"]!, granted: false, source: "STAFF", actorId: w.ownerId, evidence: "Llamó para retirarlo", now }),
    );
    for (const e of await publishDue(clock.now(), [created.campaignId])) await sendMessage(deps(clock), e);
    expect(sim.state.messages.filter((m) => m.to === "+593981000051")).toHaveLength(0);
    const [m] = await sql<{ status: string; error_text: string }>("select status, error_text from messages where campaign_id = ?", [created.campaignId]);
    expect(m).toEqual({ status: "CANCELED", error_text: "Sin consentimiento de marketing" });
    const [p] = await sql<{ status: string }>("select status from patients where campaign_id = ?", [created.campaignId]);
    expect(p!.status).toBe("CANCELLED");
    // The history keeps both, separate from the feedback consent.
    const events = await sql<{ purpose: string; action: string }>("select purpose, action from consent_events where contact_id = ? order by id", [w.ids["+593981000051"]]);
    expect(events.map((e) => `${e.purpose}:${e.action}`)).toEqual(["MARKETING:GRANTED", "MARKETING:GRANTED", "MARKETING:WITHDRAWN", "MARKETING:WITHDRAWN"]);
  });

  it.each(["one by one", "batched"] as const)("holds the frequency cap when a second broadcast races the first for one contact (%s)", async (mode) => {
    const now = new Date();
    const clock = new ManualClock(now);
    const phone = mode === "batched" ? "+593981000062" : "+593981000061";
    const w = await workspaceWith([{ phone, name: "Ana Torres", marketing: true }]);
    // Both created while the cap allowed them; the owner then lowers it to one.
    const a = await create(w, now, now, "A");
    const b = await create(w, now, now, "B");
    if (!a.ok || !b.ok) throw new Error("not created");
    await sql("update workspaces set broadcast_cap = 1 where id = ?", [w.workspaceId]);
    const entries = await publishDue(clock.now(), [a.campaignId, b.campaignId]);
    expect(entries).toHaveLength(2);
    const d = deps(clock);
    if (mode === "batched") await sendMessageBatch(d, entries);
    else await Promise.all(entries.map((e) => sendMessage(d, e)));

    expect(sim.state.messages.filter((m) => m.to === phone)).toHaveLength(1);
    const statuses = await sql<{ status: string; error_text: string | null }>(
      "select status, error_text from messages where campaign_id in (?, ?) order by status",
      [a.campaignId, b.campaignId],
    );
    expect(statuses.map((s) => s.status).sort()).toEqual(["CANCELED", "QUEUED"].sort());
    expect(statuses.find((s) => s.status === "CANCELED")!.error_text).toMatch(/Límite de difusiones/);
    // The cancelled one's hold went back: one message charged, nothing held.
    const held = await sql<{ n: number }>("select coalesce(sum(credits_held), 0)::int as n from messages where campaign_id in (?, ?)", [a.campaignId, b.campaignId]);
    expect(held[0]!.n).toBe(0);
  });
});
