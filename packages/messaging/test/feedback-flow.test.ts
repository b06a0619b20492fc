// The feedback flow's handlers against a real database: replies read and acted on (ratings, follow-ups
// under the review policy, detractor alerts, opt-out/in, HELP), the reminder, the public pages'
// operations. Campaign completion (which gives unused follow-up shares back) is @rm/campaigns'.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTwilioRequest } from "@rm/twilio";
import type { StreamEntry } from "@rm/streams";
import { enqueueOutbox } from "@rm/db";
import { deductCredits, getCreditBalance, heldCredits, holdCredits } from "@rm/credits";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { storeInbound } from "../src/handlers/store-inbound.ts";
import { createReplyProcessor } from "../src/feedback/reply.ts";
import { loadFeedbackForm, loadRatingPage, rateByToken, reviewRedirect, submitFeedback, countNewDetractorAlerts } from "../src/feedback/public-pages.ts";
import { sendReminder, scheduleReminder } from "../src/feedback/reminder.ts";
import { createTwilioWebhookHandler, TWILIO_INBOUND_PATH } from "../src/webhooks/twilio-webhooks.ts";
import { type Harness, makeSentMessage, outboxRow, publishedEntry, randomHex, setupHarness, type SentMessage, type SentMessageOptions } from "./handler-fixtures.ts";
import { feedbackReminderEvent, messageSendEvent, twilioInboundEvent } from "@rm/events";

const PUBLIC_URL = "https://app.example.test";
let h: Harness;
let deps: HandlerDeps;

beforeAll(async () => {
  h = await setupHarness();
  const feedback = { publicUrl: PUBLIC_URL };
  deps = { ...h.deps, feedback, onInboundRouted: createReplyProcessor({ logger: h.logger, feedback }) };
});
afterAll(async () => {
  await h.close();
});

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => h.orm.em.fork().execute<T[]>(q, params);

async function sent(opts: SentMessageOptions = {}): Promise<SentMessage & { phone: string; sender: string; channel: string; token: string }> {
  const s = await makeSentMessage(h.orm, h.clock, { credits: 50, ...opts });
  const [row] = await sql<{ phone: string; public_token: string }>("select phone, public_token from patients where id = ?", [s.patientId]);
  const [msg] = await sql<{ from_address: string; channel: string }>("select from_address, channel from messages where id = ?", [s.messageId]);
  return { ...s, phone: row!.phone, token: row!.public_token, sender: msg!.from_address, channel: msg!.channel };
}

async function reply(s: { phone: string; sender: string; channel: string }, body: string, extra: Record<string, string> = {}) {
  const sid = `SM${randomHex(32)}`;
  const from = s.channel === "WHATSAPP" ? `whatsapp:${s.phone}` : s.phone;
  const params = { MessageSid: sid, From: from, To: s.sender, Body: body, ...extra };
  const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(sid), payload: { params } });
  await storeInbound(deps, entry);
  expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
  const [inbound] = await sql<{ intent: string | null; rating: number | null }>("select intent, rating from inbound_messages where provider_sid = ?", [sid]);
  return inbound!;
}

async function outgoing(patientId: string) {
  return sql<{ id: string; type: string; channel: string; body: string; to_address: string; from_address: string | null; status: string }>(
    "select id, type, channel, body, to_address, from_address, status from messages where patient_id = ? and type <> 'INITIAL' order by created_at, type",
    [patientId],
  );
}

async function patient(patientId: string) {
  const [p] = await sql<{ status: string; rating: number | null; follow_up_sent_at: Date | null; help_sent_at: Date | null }>("select status, rating, follow_up_sent_at, help_sent_at from patients where id = ?", [patientId]);
  return p!;
}

async function sendRows(messageId: string) {
  return sql<{ status: string }>("select status from outbox where idempotency_key = ?", [messageSendEvent.key(messageId)]);
}

/** The webhook events (SPEC §15) written for the workspace: type and the data's fields named in `keys`. */
async function webhookEvents(workspaceId: string, keys: string[]): Promise<Record<string, unknown>[]> {
  const rows = await h.orm.em.fork().execute<{ payload: { type: string; data: Record<string, unknown> } }[]>(
    "select payload from outbox where workspace_id = ? and stream = 'webhooks' and type = 'webhook.event' order by id",
    [workspaceId],
  );
  return rows.map((r) => ({ type: r.payload.type, ...Object.fromEntries(keys.map((k) => [k, r.payload.data[k]])) }));
}

describe("ratings by reply", () => {
  it("a 5 stores the rating, marks the request replied and sends one happy follow-up with the tracked review link", async () => {
    const s = await sent();
    const read = await reply(s, "5 estrellas");
    expect(read).toMatchObject({ intent: "RATING", rating: 5 });
    expect(await patient(s.patientId)).toMatchObject({ status: "RATED", rating: 5 });
    const [initial] = await sql<{ rating: number; replied_at: Date | null }>("select rating, replied_at from messages where id = ?", [s.messageId]);
    expect(initial!.rating).toBe(5);
    expect(initial!.replied_at).not.toBeNull();
    expect(await webhookEvents(s.workspaceId, ["patient_id", "rating", "source"])).toEqual([{ type: "rating.received", patient_id: s.patientId, rating: 5, source: "reply" }]);

    const out = await outgoing(s.patientId);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: "FOLLOWUP_HAPPY", channel: "WHATSAPP", to_address: `whatsapp:${s.phone}`, from_address: s.sender, status: "PENDING" });
    expect(out[0]!.body).toContain(`${PUBLIC_URL}/r/${s.token}`);
    expect(await sendRows(out[0]!.id)).toEqual([{ status: "pending" }]);

    // A later rating updates it and never sends a second follow-up.
    await reply(s, "4");
    expect(await patient(s.patientId)).toMatchObject({ rating: 4 });
    expect(await outgoing(s.patientId)).toHaveLength(1);
  });

  it("ratings arriving at the same moment (two replies and a tap) still make exactly one follow-up", async () => {
    const s = await sent();
    await Promise.all([reply(s, "5"), reply(s, "4"), rateByToken(h.orm.em.fork(), { publicUrl: PUBLIC_URL }, s.token, 5, h.clock.now())]);
    const followUps = (await outgoing(s.patientId)).filter((m) => m.type.startsWith("FOLLOWUP"));
    expect(followUps.length).toBeLessThanOrEqual(1);
    expect((await patient(s.patientId)).follow_up_sent_at).not.toBeNull();
  });

  it("a quick-reply button payload is a rating whatever the button's text", async () => {
    const s = await sent();
    expect(await reply(s, "Excelente atención", { ButtonPayload: "rating:4", ButtonText: "Excelente atención" })).toMatchObject({ intent: "RATING", rating: 4 });
    expect((await outgoing(s.patientId))[0]!.type).toBe("FOLLOWUP_HAPPY");
  });

  it("a 2 under `open` gets the feedback link and the review link, an inbox item and one staff alert", async () => {
    const s = await sent({ channel: "SMS" });
    await sql("update practices set staff_alert_phone = '+593991112233' where workspace_id = ?", [s.workspaceId]);
    await reply(s, "2");
    const out = await outgoing(s.patientId);
    const followUp = out.find((m) => m.type === "FOLLOWUP_UNHAPPY")!;
    expect(followUp.body).toContain(`${PUBLIC_URL}/f/${s.token}`);
    expect(followUp.body).toContain(`${PUBLIC_URL}/r/${s.token}`);
    expect(followUp.to_address).toBe(s.phone);
    const alert = out.find((m) => m.type === "STAFF_ALERT")!;
    expect(alert).toMatchObject({ channel: "SMS", to_address: "+593991112233" });
    expect(alert.body).toContain("2/5");
    expect(await sendRows(alert.id)).toEqual([{ status: "pending" }]);
    const inbox = await sql<{ source: string; rating: number; status: string }>("select source, rating, status from feedback where patient_id = ?", [s.patientId]);
    expect(inbox).toEqual([{ source: "RATING", rating: 2, status: "NEW" }]);
    expect(await countNewDetractorAlerts(h.orm.em.fork(), s.workspaceId)).toBe(1);

    // A second low rating: no second alert.
    await reply(s, "1");
    expect((await outgoing(s.patientId)).filter((m) => m.type === "STAFF_ALERT")).toHaveLength(1);
  });

  it("under a confirmed `gated` policy an unhappy patient never sees the review link; unconfirmed gated stays open", async () => {
    const s = await sent();
    // As the settings page leaves it after the owner confirmed the warning (@rm/accounts).
    await sql("update workspaces set review_policy = 'gated', gated_confirmed_at = now() where id = ?", [s.workspaceId]);
    await reply(s, "3");
    const [followUp] = await outgoing(s.patientId);
    expect(followUp!.type).toBe("FOLLOWUP_UNHAPPY");
    expect(followUp!.body).toContain(`/f/${s.token}`);
    expect(followUp!.body).not.toContain("/r/");

    const unconfirmed = await sent();
    await sql("update workspaces set review_policy = 'gated' where id = ?", [unconfirmed.workspaceId]);
    await reply(unconfirmed, "3");
    expect((await outgoing(unconfirmed.patientId))[0]!.body).toContain(`/r/${unconfirmed.token}`);
  });

  it("ambiguous text is not a rating: HELP once per patient, every text in the staff inbox", async () => {
    const s = await sent();
    expect(await reply(s, "3 o 4")).toMatchObject({ intent: "OTHER", rating: null });
    await reply(s, "quiero cancelar mi cita");
    const out = await outgoing(s.patientId);
    expect(out.map((m) => m.type)).toEqual(["HELP"]);
    expect(out[0]!.body).toContain(`/q/${s.token}`);
    expect((await patient(s.patientId)).rating).toBeNull();
    const inbox = await sql<{ source: string; text: string }>("select source, text from feedback where patient_id = ? order by created_at, text", [s.patientId]);
    expect(inbox.map((i) => i.text).sort()).toEqual(["3 o 4", "quiero cancelar mi cita"]);
    expect(inbox.every((i) => i.source === "REPLY")).toBe(true);
  });

  it("a thank-you after rating goes to the inbox without a HELP", async () => {
    const s = await sent();
    await reply(s, "5");
    await reply(s, "Muchas gracias a ustedes");
    expect((await outgoing(s.patientId)).map((m) => m.type)).toEqual(["FOLLOWUP_HAPPY"]);
    expect(await sql("select source, text from feedback where patient_id = ?", [s.patientId])).toEqual([{ source: "REPLY", text: "Muchas gracias a ustedes" }]);
  });

  it("a staff member answering an alert is not read as a patient", async () => {
    const s = await sent({ channel: "SMS" });
    await sql("update practices set staff_alert_phone = '+593991110000' where workspace_id = ?", [s.workspaceId]);
    await reply(s, "1");
    const alert = (await outgoing(s.patientId)).find((m) => m.type === "STAFF_ALERT")!;
    await sql("update messages set from_address = '+15005550006', send_attempted_at = ? where id = ?", [h.clock.now(), alert.id]);
    h.clock.advance(1000);
    await reply({ phone: "+593991110000", sender: "+15005550006", channel: "SMS" }, "ok, lo llamo");
    expect((await outgoing(s.patientId)).map((m) => m.type).sort()).toEqual(["FOLLOWUP_UNHAPPY", "STAFF_ALERT"]);
  });
});

describe("opt-out and opt-in", () => {
  it("STOP on a provider-handled SMS sender records the opt-out, sends nothing, cancels pending sends and releases their holds", async () => {
    const s = await sent({ channel: "SMS" });
    // A second appointment of the same contact, not sent yet, with credits held.
    const [p2] = await sql<{ id: string }>(
      `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status)
       select workspace_id, campaign_id, contact_id, 'Otra cita', phone, appointment_at, preferred_channel, true, 'SCHEDULED' from patients where id = ? returning id`,
      [s.patientId],
    );
    const [m2] = await sql<{ id: string }>(
      "insert into messages (workspace_id, patient_id, type, channel, status, to_address, body, credits_held) values (?, ?, 'INITIAL', 'SMS', 'PENDING', ?, 'Hola', 1) returning id",
      [s.workspaceId, p2!.id, s.phone],
    );
    const em = h.orm.em.fork();
    await holdCredits(em, { workspaceId: s.workspaceId, amount: 1, reference: `message:${m2!.id}` });
    await enqueueOutbox(em, { workspaceId: s.workspaceId, stream: "dispatch", type: "message.send", payload: { messageId: m2!.id }, idempotencyKey: messageSendEvent.key(m2!.id), availableAt: h.clock.now() });

    expect(await reply(s, "STOP")).toMatchObject({ intent: "OPT_OUT" });
    const [contact] = await sql<{ opted_out_at: Date | null; opted_out_source: string }>("select opted_out_at, opted_out_source from contacts where id = ?", [s.contactId]);
    expect(contact!.opted_out_at).not.toBeNull();
    expect(contact!.opted_out_source).toBe("SMS:STOP");
    expect(await webhookEvents(s.workspaceId, ["contact_id", "source"])).toEqual([{ type: "contact.opted_out", contact_id: s.contactId, source: "reply" }]);
    expect(await outgoing(s.patientId)).toHaveLength(0);
    expect((await sql<{ status: string; credits_held: number }>("select status, credits_held from messages where id = ?", [m2!.id]))[0]).toMatchObject({ status: "CANCELED", credits_held: 0 });
    expect(await sendRows(m2!.id)).toEqual([{ status: "cancelled" }]);
    expect((await sql("select 1 from credit_ledger_entries where reference = ? and kind = 'release'", [`release:message:${m2!.id}`])).length).toBe(1);
    expect((await patient(p2!.id)).status).toBe("CANCELLED");

    // After opting out, a later text is kept for staff but gets no HELP.
    await reply(s, "hola?");
    expect(await outgoing(s.patientId)).toHaveLength(0);
  });

  it("BAJA on WhatsApp gets exactly one confirmation; START/ALTA opts back in", async () => {
    const s = await sent({ channel: "WHATSAPP" });
    await reply(s, "BAJA");
    await reply(s, "baja!!");
    const out = await outgoing(s.patientId);
    expect(out.map((m) => m.type)).toEqual(["OPT_OUT_CONFIRMATION"]);
    expect(out[0]!.to_address).toBe(`whatsapp:${s.phone}`);
    expect(await reply(s, "ALTA")).toMatchObject({ intent: "OPT_IN" });
    const [contact] = await sql<{ opted_out_at: Date | null; whatsapp_consent_source: string }>("select opted_out_at, whatsapp_consent_source from contacts where id = ?", [s.contactId]);
    expect(contact).toEqual({ opted_out_at: null, whatsapp_consent_source: "REPLY" });
    // The consent history: one withdrawal (the second BAJA changed nothing), then the grant, each with the patient's words.
    const events = await sql<{ channel: string; action: string; source: string; actor_id: string | null; evidence: string }>(
      "select channel, action, source, actor_id, evidence from consent_events where contact_id = ? order by occurred_at, id",
      [s.contactId],
    );
    expect(events).toEqual([
      { channel: "WHATSAPP", action: "WITHDRAWN", source: "REPLY", actor_id: null, evidence: "BAJA" },
      { channel: "WHATSAPP", action: "GRANTED", source: "REPLY", actor_id: null, evidence: "ALTA" },
    ]);
  });

  it("an SMS sender without provider opt-out handling gets a confirmation", async () => {
    const s = await sent({ channel: "SMS" });
    await sql("update workspaces set provider_handles_opt_out = false where id = ?", [s.workspaceId]);
    await reply(s, "Stop. Gracias");
    expect((await outgoing(s.patientId)).map((m) => m.type)).toEqual(["OPT_OUT_CONFIRMATION"]);
  });

  it("a polite opt-out posted to the inbound webhook opts the patient out and sends no HELP", async () => {
    // The reply's whole way after the provider: a signed POST to the webhook handler, the outbox row it
    // writes, published as the relay would, then the worker's handler.
    const webhookToken = "feedback-flow-token";
    const pool = new pg.Pool({ connectionString: h.db.url, max: 2 });
    const handle = createTwilioWebhookHandler({ pool, publicUrl: PUBLIC_URL, authTokens: [webhookToken], clock: h.clock });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const body of ["STOP por favor", "Hola, ya no me escriban, gracias 🙏", "Buenos días doctora, baja por favor"]) {
        const s = await sent({ channel: "SMS" });
        const params = { MessageSid: `SM${randomHex(32)}`, AccountSid: `AC${"0".repeat(32)}`, From: s.phone, To: s.sender, Body: body };
        const res = await fetch(base + TWILIO_INBOUND_PATH, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(webhookToken, PUBLIC_URL + TWILIO_INBOUND_PATH, params) },
          body: new URLSearchParams(params).toString(),
        });
        expect(res.status, body).toBe(200);
        const [row] = await sql<{ id: string; type: string; payload: unknown }>(
          "update outbox set status = 'published', published_at = ?, publish_count = publish_count + 1 where idempotency_key = ? returning id::text as id, type, payload",
          [h.clock.now(), twilioInboundEvent.key(params.MessageSid)],
        );
        const entry: StreamEntry = { outboxId: row!.id, type: row!.type, workspaceId: null, payload: JSON.stringify(row!.payload), traceparent: "" };
        await storeInbound(deps, entry);

        const [inbound] = await sql<{ intent: string | null }>("select intent from inbound_messages where provider_sid = ?", [params.MessageSid]);
        expect(inbound, body).toEqual({ intent: "OPT_OUT" });
        const [contact] = await sql<{ opted_out_at: Date | null }>("select opted_out_at from contacts where id = ?", [s.contactId]);
        expect(contact!.opted_out_at, body).not.toBeNull();
        // The provider confirms an SMS opt-out itself: nothing from us, and above all no HELP.
        expect(await outgoing(s.patientId), body).toEqual([]);
        expect((await patient(s.patientId)).help_sent_at, body).toBeNull();
      }
    } finally {
      await new Promise((r) => server.close(r));
      await pool.end();
    }
  });

  it("STOP on a shared sender opts the phone out in every workspace using it", async () => {
    const phone = "+593987659901";
    const sender = "+15005559999";
    const a = await sent({ channel: "SMS", phone, sender });
    h.clock.advance(1000);
    const b = await sent({ channel: "SMS", phone, sender });
    const other = await sent({ channel: "SMS", phone, sender: "+15005558888" });
    await reply(b, "UNSUBSCRIBE");
    const rows = await sql<{ workspace_id: string; opted_out_at: Date | null }>("select workspace_id, opted_out_at from contacts where phone = ?", [phone]);
    const optedOut = (id: string) => rows.find((r) => r.workspace_id === id)!.opted_out_at !== null;
    expect(optedOut(a.workspaceId)).toBe(true);
    expect(optedOut(b.workspaceId)).toBe(true);
    expect(optedOut(other.workspaceId)).toBe(false);
  });
});

describe("the one-tap page", () => {
  it("GET changes nothing; POST rates through the same path, shows the follow-up and sends no message", async () => {
    const s = await sent();
    await sql("update practices set staff_alert_phone = '+593991112299' where workspace_id = ?", [s.workspaceId]);
    const options = { publicUrl: PUBLIC_URL };
    const before = await loadRatingPage(h.orm.em.fork(), options, s.token, h.clock.now());
    expect(before).toMatchObject({ state: "ok", page: { rating: null, followUp: null } });
    expect(await patient(s.patientId)).toMatchObject({ rating: null, status: "SENT" });

    const rated = await rateByToken(h.orm.em.fork(), options, s.token, 1, h.clock.now());
    expect(rated).toMatchObject({ state: "ok", outcome: { followUp: "unhappy", feedbackLink: `${PUBLIC_URL}/f/${s.token}`, reviewLink: `${PUBLIC_URL}/r/${s.token}`, followUpMessageId: null, alerted: true } });
    // Only the staff alert goes out; the patient gets nothing.
    expect((await outgoing(s.patientId)).map((m) => m.type)).toEqual(["STAFF_ALERT"]);
    // A reply after the page: rating updated, still no follow-up message.
    await reply(s, "5");
    expect(await patient(s.patientId)).toMatchObject({ rating: 5 });
    expect((await outgoing(s.patientId)).map((m) => m.type)).toEqual(["STAFF_ALERT"]);

    expect(await loadRatingPage(h.orm.em.fork(), options, "x".repeat(43), h.clock.now())).toEqual({ state: "not_found" });
    expect(await loadRatingPage(h.orm.em.fork(), options, "../../etc", h.clock.now())).toEqual({ state: "not_found" });
    await sql("update patients set token_expires_at = ? where id = ?", [new Date(h.clock.now().getTime() - 1000), s.patientId]);
    expect(await rateByToken(h.orm.em.fork(), options, s.token, 4, h.clock.now())).toEqual({ state: "expired", language: "es" });
  });

  it("/r counts a click once per token and never for bots", async () => {
    const s = await sent();
    const bot = await reviewRedirect(h.orm.em.fork(), s.token, { userAgent: "WhatsApp/2.23", bot: true }, h.clock.now());
    expect(bot).toMatchObject({ state: "ok", counted: false });
    expect((bot as { url: string }).url).toMatch(/^https:\/\/search\.google\.com\/local\/writereview\?placeid=place-/);
    expect(await reviewRedirect(h.orm.em.fork(), s.token, { userAgent: "Mozilla/5.0", bot: false }, h.clock.now())).toMatchObject({ counted: true });
    expect(await reviewRedirect(h.orm.em.fork(), s.token, { userAgent: "Mozilla/5.0", bot: false }, h.clock.now())).toMatchObject({ counted: false });
    expect(await sql("select 1 from review_clicks where patient_id = ?", [s.patientId])).toHaveLength(1);
  });

  it("a practice with a g.page review link (no Place ID) offers it in the follow-up and /r sends the patient there", async () => {
    const s = await sent();
    const link = "https://g.page/r/CZ1nGqbVEkXhEBM/review";
    await sql("update practices set google_place_id = null, google_review_url = ? where id = (select cp.practice_id from campaigns cp join patients p on p.campaign_id = cp.id where p.id = ?)", [link, s.patientId]);
    await reply(s, "5");
    const [followUp] = await outgoing(s.patientId);
    expect(followUp).toMatchObject({ type: "FOLLOWUP_HAPPY" });
    expect(followUp!.body).toContain(`${PUBLIC_URL}/r/${s.token}`);
    expect(await reviewRedirect(h.orm.em.fork(), s.token, { userAgent: "Mozilla/5.0", bot: false }, h.clock.now())).toEqual({ state: "ok", url: link, counted: true, language: "es" });
  });

  it("the database keeps a practice to one review target, and a stored link only in the g.page review form", async () => {
    const s = await sent();
    const practice = "(select cp.practice_id from campaigns cp join patients p on p.campaign_id = cp.id where p.id = ?)";
    await expect(sql(`update practices set google_review_url = 'https://g.page/r/CZ1nGqbVEkXhEBM/review' where id = ${practice}`, [s.patientId])).rejects.toThrow(/practices_google_review_url_check/);
    await expect(sql(`update practices set google_place_id = null, google_review_url = 'https://evil.example/r/x/review' where id = ${practice}`, [s.patientId])).rejects.toThrow(/practices_google_review_url_check/);
  });

  it("/f stores the private feedback in the inbox and offers the review link under `open`", async () => {
    const s = await sent();
    const options = { publicUrl: PUBLIC_URL };
    expect(await submitFeedback(h.orm.em.fork(), options, s.token, "   ", h.clock.now())).toMatchObject({ state: "invalid" });
    expect(await sql("select 1 from feedback where patient_id = ?", [s.patientId])).toHaveLength(0);
    const done = await submitFeedback(h.orm.em.fork(), options, s.token, "La espera fue muy larga", h.clock.now());
    expect(done).toMatchObject({ state: "ok", page: { submitted: true, reviewLink: `${PUBLIC_URL}/r/${s.token}` } });
    expect(await sql("select source, text, status from feedback where patient_id = ?", [s.patientId])).toEqual([{ source: "FORM", text: "La espera fue muy larga", status: "NEW" }]);
    // The receiver is told there is feedback, never what it says.
    const events = await webhookEvents(s.workspaceId, ["patient_id", "source", "text"]);
    expect(events).toEqual([{ type: "feedback.received", patient_id: s.patientId, source: "FORM", text: undefined }]);
    expect(await loadFeedbackForm(h.orm.em.fork(), options, s.token, h.clock.now())).toMatchObject({ state: "ok", page: { submitted: true } });
  });
});

describe("the reminder", () => {
  async function reminderEntry(s: SentMessage) {
    const em = h.orm.em.fork();
    await scheduleReminder(em, { workspaceId: s.workspaceId, patientId: s.patientId, sentAt: h.clock.now(), delayMs: 1000 });
    const [row] = await sql<{ id: string; available_at: Date }>("update outbox set status = 'published' where idempotency_key = ? and status = 'pending' returning id::text as id, available_at", [feedbackReminderEvent.key(s.patientId)]);
    return row ? { outboxId: row.id, type: "feedback.reminder", workspaceId: s.workspaceId, payload: JSON.stringify({ patientId: s.patientId }), traceparent: "" } : null;
  }

  it("sends one REMINDER when no rating came, with the one-tap link", async () => {
    const s = await sent();
    await sql("update messages set status = 'DELIVERED' where id = ?", [s.messageId]);
    const entry = (await reminderEntry(s))!;
    await sendReminder(deps, entry);
    await sendReminder(deps, entry);
    const out = await outgoing(s.patientId);
    expect(out.map((m) => m.type)).toEqual(["REMINDER"]);
    expect(out[0]!.body).toContain(`/q/${s.token}`);
    // Scheduling again is a no-op (one reminder row per patient, forever).
    expect(await reminderEntry(s)).toBeNull();
  });

  it("on WhatsApp, a workspace without templates of its own sends the reminder with the platform's template in the patient's language", async () => {
    const withPlatform: HandlerDeps = { ...deps, feedback: { publicUrl: PUBLIC_URL, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS } };
    withPlatform.onInboundRouted = createReplyProcessor({ logger: h.logger, feedback: withPlatform.feedback! });
    const s = await sent({ channel: "WHATSAPP" });
    await sql("update workspaces set whatsapp_content_sids = '{}'::jsonb where id = ?", [s.workspaceId]);
    await sql("update patients set language = 'en' where id = ?", [s.patientId]);
    await sql("update messages set status = 'DELIVERED' where id = ?", [s.messageId]);
    await sendReminder(withPlatform, (await reminderEntry(s))!);
    const [reminder] = await sql<{ content_sid: string | null; content_variables: Record<string, string> }>("select content_sid, content_variables from messages where patient_id = ? and type = 'REMINDER'", [s.patientId]);
    expect(reminder!.content_sid).toBe(LOCAL_PLATFORM_CONTENT_SIDS.en.REMINDER);
    expect(reminder!.content_variables["3"]).toBe(`${PUBLIC_URL}/q/${s.token}`);
  });

  it("is due reminderAfterHours after the send, moved out of the practice's quiet hours", async () => {
    const s = await sent();
    await sql("update workspaces set reminder_after_hours = 24, timezone = 'America/Guayaquil', quiet_hours_start = '20:00', quiet_hours_end = '08:00' where id = ?", [s.workspaceId]);
    const key = feedbackReminderEvent.key(s.patientId);
    // 15:00 in Guayaquil (UTC−5): the reminder is due the next day at 15:00.
    await scheduleReminder(h.orm.em.fork(), { workspaceId: s.workspaceId, patientId: s.patientId, sentAt: new Date("2026-11-23T20:00:00Z") });
    const [row] = await sql<{ available_at: Date }>("select available_at from outbox where idempotency_key = ?", [key]);
    expect(new Date(row!.available_at).toISOString()).toBe("2026-11-24T20:00:00.000Z");
    // Sent at 21:30 local (late, after retries): the reminder waits for 08:00.
    const late = await sent();
    await sql("update workspaces set quiet_hours_start = '20:00', quiet_hours_end = '08:00' where id = ?", [late.workspaceId]);
    await scheduleReminder(h.orm.em.fork(), { workspaceId: late.workspaceId, patientId: late.patientId, sentAt: new Date("2026-11-24T02:30:00Z") });
    const [lateRow] = await sql<{ available_at: Date }>("select available_at from outbox where idempotency_key = ?", [feedbackReminderEvent.key(late.patientId)]);
    expect(new Date(lateRow!.available_at).toISOString()).toBe("2026-11-25T13:00:00.000Z");
  });

  it("is cancelled by a rating", async () => {
    const s = await sent();
    const em = h.orm.em.fork();
    await scheduleReminder(em, { workspaceId: s.workspaceId, patientId: s.patientId, sentAt: h.clock.now(), delayMs: 1000 });
    await reply(s, "4");
    expect(await sql("select status from outbox where idempotency_key = ?", [feedbackReminderEvent.key(s.patientId)])).toEqual([{ status: "cancelled" }]);
  });

  it("sends nothing when the rating came between publishing and handling", async () => {
    const s = await sent();
    const entry = (await reminderEntry(s))!;
    await reply(s, "5");
    await sendReminder(deps, entry);
    expect((await outgoing(s.patientId)).map((m) => m.type)).toEqual(["FOLLOWUP_HAPPY"]);
  });
});

describe("follow-up credits (SPEC §6: the request holds its follow-up too)", () => {
  /** What campaign creation and the send step do: hold request + follow-up, then charge the request only. */
  async function charged(opts: SentMessageOptions = {}) {
    // The fixture holds 2 credits for the request (request + follow-up); the send step charges 1.
    const s = await sent({ ...opts, deducted: false });
    const em = h.orm.em.fork();
    await deductCredits(em, { workspaceId: s.workspaceId, amount: 1, reference: `message:${s.messageId}`, holdReference: `message:${s.messageId}`, keepRemainder: true });
    expect(await heldCredits(em, s.workspaceId, `message:${s.messageId}`)).toBe(1);
    expect(await getCreditBalance(em, s.workspaceId)).toEqual({ available: 48, held: 1 });
    return s;
  }

  it("the follow-up created by a reply takes over the share as its own hold", async () => {
    const s = await charged();
    await reply(s, "5");
    const followUp = (await outgoing(s.patientId)).find((m) => m.type === "FOLLOWUP_HAPPY")!;
    const em = h.orm.em.fork();
    expect(await heldCredits(em, s.workspaceId, `message:${s.messageId}`)).toBe(0);
    expect(await heldCredits(em, s.workspaceId, `message:${followUp.id}`)).toBe(1);
    const [row] = await sql<{ credits_held: number }>("select credits_held from messages where id = ?", [followUp.id]);
    expect(row!.credits_held).toBe(1);
    // Still reserved, never spent twice: the balance did not move.
    expect(await getCreditBalance(em, s.workspaceId)).toEqual({ available: 48, held: 1 });
  });

  it("a one-tap rating shows the follow-up on the page and gives the share back", async () => {
    const s = await charged();
    await rateByToken(h.orm.em.fork(), { publicUrl: PUBLIC_URL }, s.token, 2, h.clock.now());
    expect(await getCreditBalance(h.orm.em.fork(), s.workspaceId)).toEqual({ available: 49, held: 0 });
  });
});

describe("replies to a broadcast (SPEC §14)", () => {
  it("are no rating and ask for no HELP: the text stays in the conversation and the broadcast counts a reply", async () => {
    const s = await sent();
    await sql("update campaigns set kind = 'BROADCAST' where id = (select campaign_id from messages where id = ?)", [s.messageId]);
    await sql("update messages set type = 'BROADCAST' where id = ?", [s.messageId]);
    const read = await reply(s, "5");
    expect(read).toMatchObject({ intent: "OTHER", rating: null });
    expect(await patient(s.patientId)).toMatchObject({ rating: null, help_sent_at: null });
    // Nothing sent back: only the broadcast itself.
    expect((await outgoing(s.patientId)).map((o) => o.type)).toEqual(["BROADCAST"]);
    const [m] = await sql<{ replied_at: Date | null; rating: number | null }>("select replied_at, rating from messages where id = ?", [s.messageId]);
    expect(m!.replied_at).not.toBeNull();
    expect(m!.rating).toBeNull();
    const [inbound] = await sql<{ conversation_id: string | null }>("select conversation_id from inbound_messages where from_address like ? order by received_at desc limit 1", [`%${s.phone}`]);
    expect(inbound!.conversation_id).not.toBeNull();
  });
});
