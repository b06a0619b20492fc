// Simulated patient replies: signed inbound webhooks, the WhatsApp 24-hour window, SMS opt-out
// keywords (21610 until START), auto-replies, and the control API over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { SID, SMS_FROM, TOKEN, WA_FROM, restError, startReceiver, startSimulator, type Receiver } from "./helpers.ts";

let sim: Simulator;
let client: TwilioClient;
let rx: Receiver;
let clock = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeAll(async () => {
  rx = await startReceiver();
  ({ sim, client } = await startSimulator({ inboundUrl: "http://placeholder.invalid/", now: () => clock }));
});
afterAll(async () => {
  await sim.close();
  await rx.close();
});
beforeEach(() => {
  sim.reset();
  sim.configure({ inboundUrl: `${rx.url}/webhooks/twilio/inbound` });
  rx.received.length = 0;
  clock = Date.UTC(2026, 10, 23, 12, 0, 0);
});

// Loosely typed on purpose: the assertions below check the JSON shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(sim.url + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  return { status: res.status, json: await res.json() };
}

describe("media in a reply", () => {
  it("posts NumMedia and one MediaUrlN/MediaContentTypeN pair per item, served only with the account's credentials", async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const r = await control("POST", "/_sim/inbound", { from: "whatsapp:+593987654322", to: WA_FROM, body: "", media: [{ contentType: "image/jpeg", base64: photo.toString("base64") }, { contentType: "audio/ogg", base64: "T2dnUw==" }] });
    expect(r.status).toBe(200);
    const [hook] = rx.received;
    expect(hook!.params).toMatchObject({ NumMedia: "2", MediaContentType0: "image/jpeg", MediaContentType1: "audio/ogg" });
    const url = hook!.params.MediaUrl0!;
    expect(url).toMatch(new RegExp(`^${sim.url}/2010-04-01/Accounts/${SID}/Messages/${r.json.sid}/Media/ME[0-9a-f]+$`));
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(photo);
  });
});

describe("simulated replies", () => {
  it("posts a signed WhatsApp inbound webhook and opens the 24-hour window", async () => {
    const r = await control("POST", "/_sim/inbound", { from: "whatsapp:+593987654321", to: WA_FROM, body: "Hola" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ delivered: true, webhookStatus: 200, keyword: null });
    const [hook] = rx.received;
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.path).toBe("/webhooks/twilio/inbound");
    expect(hook!.params).toMatchObject({
      AccountSid: SID,
      From: "whatsapp:+593987654321",
      To: WA_FROM,
      Body: "Hola",
      NumMedia: "0",
      WaId: "593987654321",
      ProfileName: "Paciente",
      MessageType: "text",
      SmsStatus: "received",
    });
    expect(hook!.params.MessageSid).toBe(r.json.sid);

    const m = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, body: "Gracias por escribirnos" });
    expect(m.status).toBe("queued");
    clock += 24 * 3600_000 + 1000; // the window closes 24 h after the patient's last message
    const late = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, body: "¿Sigue ahí?" });
    await sim.whenIdle();
    expect(await client.messages(late.sid).fetch()).toMatchObject({ status: "failed", errorCode: 63016 });
  });

  it("carries WhatsApp button payloads and the message they answer", async () => {
    const m = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, contentSid: "HX" + "b".repeat(32) });
    await sim.whenIdle();
    await sim.inbound({ from: "whatsapp:+593987654321", to: WA_FROM, buttonPayload: "rating_5", buttonText: "⭐⭐⭐⭐⭐" });
    expect(rx.received.at(-1)!.params).toMatchObject({ ButtonPayload: "rating_5", ButtonText: "⭐⭐⭐⭐⭐", Body: "⭐⭐⭐⭐⭐", MessageType: "button", OriginalRepliedMessageSid: m.sid });
  });

  it("STOP on SMS opts the pair out (21610) until START", async () => {
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "¿Cómo nos califica?" });
    const stop = await control("POST", "/_sim/inbound", { from: "+593987654321", to: SMS_FROM, body: " stop " });
    expect(stop.json.keyword).toBe("opt-out");
    expect(await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 400, code: 21610 });
    // Another sender, and a messaging service (any opted-out sender counts), behave as Twilio's keyword handling does.
    await expect(client.messages.create({ to: "+593987654321", from: "+15005550007", body: "x" })).resolves.toMatchObject({ status: "queued" });
    expect((await restError(client.messages.create({ to: "+593987654321", messagingServiceSid: "MG" + "1".repeat(32), body: "x" }))).code).toBe(21610);
    // A sentence with the word in it is not a keyword.
    await sim.inbound({ from: "+593987654321", to: SMS_FROM, body: "quiero cancelar mi cita" });
    expect((await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" }))).code).toBe(21610);
    await sim.inbound({ from: "+593987654321", to: SMS_FROM, body: "START" });
    await expect(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" })).resolves.toMatchObject({ status: "queued" });
  });

  it("records the reply even when the inbound URL is down", async () => {
    sim.configure({ inboundUrl: "http://127.0.0.1:9/in#rc=1&rp=ct" });
    const r = await control("POST", "/_sim/inbound", { from: "+593987654321", to: SMS_FROM, body: "5" });
    expect(r.json).toMatchObject({ delivered: false, webhookStatus: null });
    expect((await control("GET", "/_sim/inbound")).json.total).toBe(1);
    expect(sim.state.stats().inbound).toMatchObject({ total: 1, posted: 0, failed: 1 });
  });

  it("auto-replies to a share of delivered messages from the configured mix", async () => {
    sim.configure({ autoReplyShare: 1, autoReplyDelayMs: 1, autoReplies: [{ body: "cinco", weight: 1 }] });
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "¿Nos califica del 1 al 5?" });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.params).toMatchObject({ From: "+593987654321", To: SMS_FROM, Body: "cinco" });
    expect(rx.received[0]!.signatureValid).toBe(true);
  });

  it("answers only the first message of a conversation unless told to answer every one", async () => {
    sim.configure({ autoReplyShare: 1, autoReplyDelayMs: 1, autoReplies: [{ body: "5", weight: 1 }] });
    await client.messages.create({ to: "+593987650010", from: SMS_FROM, body: "¿Nos califica del 1 al 5?" });
    await sim.whenIdle();
    await client.messages.create({ to: "+593987650010", from: SMS_FROM, body: "¡Gracias! Déjenos una reseña" });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(1);
    sim.configure({ autoReplyEveryMessage: true });
    await client.messages.create({ to: "+593987650010", from: SMS_FROM, body: "Otro mensaje" });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(2);
  });

  it("rejects bad control input with 400", async () => {
    expect((await control("POST", "/_sim/inbound", { from: "+593987654321" })).status).toBe(400);
    expect((await control("POST", "/_sim/config", { failedShare: 2 })).status).toBe(400);
    expect((await control("POST", "/_sim/config", { nope: 1 })).status).toBe(400);
    const bad = await fetch(sim.url + "/_sim/config", { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect((await control("GET", "/_sim/nothing")).status).toBe(404);
  });
});

describe("control API", () => {
  it("configures, lists, counts and resets", async () => {
    const cfg = await control("POST", "/_sim/config", { failureShare: 0, callbackDelayMs: 1, rateLimitPerSecond: 0, blockedPrefixes: ["+7"] });
    expect(cfg.json).toMatchObject({ callbackDelayMs: 1, blockedPrefixes: ["+7"], authTokens: 2 });
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "a" });
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "b" });
    await client.messages.create({ to: "whatsapp:+593911111111", from: WA_FROM, contentSid: "HX" + "c".repeat(32) });
    await sim.whenIdle();
    const list = await control("GET", "/_sim/messages?to=%2B593987654321");
    expect(list.json.total).toBe(2);
    expect(list.json.messages.map((m: { body: string }) => m.body)).toEqual(["a", "b"]);
    expect((await control("GET", "/_sim/messages?to=%2B593911111111")).json.total).toBe(1);
    const stats = (await control("GET", "/_sim/stats")).json;
    expect(stats).toMatchObject({ total: 3, byChannel: { sms: 2, whatsapp: 1 }, byStatus: { delivered: 2, read: 1 }, distinctTo: 2, duplicateTo: 1, duplicates: 1 });
    expect((await control("GET", "/_sim/duplicates")).json.duplicates).toEqual([{ to: "+593987654321", count: 2 }]);
    expect((await fetch(sim.url + "/healthz")).status).toBe(200);
    expect((await control("POST", "/_sim/reset")).json).toEqual({ ok: true });
    expect((await control("GET", "/_sim/stats")).json.total).toBe(0);
    expect((await control("GET", "/_sim/config")).json.blockedPrefixes).toEqual([]);
  });
});
