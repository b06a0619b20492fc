// Status callbacks: signed like Twilio, in lifecycle order, with failure shares, retries, and
// no harm when the target is down.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signTwilioRequest, verifyTwilioSignature, type TwilioClient } from "@rm/twilio";
import { billedSegments, type Simulator } from "../src/index.ts";
import { SID, SMS_FROM, TOKEN, WA_FROM, startReceiver, startSimulator, type Receiver } from "./helpers.ts";

let sim: Simulator;
let client: TwilioClient;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  ({ sim, client } = await startSimulator());
});
afterAll(async () => {
  await sim.close();
  await rx.close();
});
beforeEach(() => {
  sim.reset();
  rx.received.length = 0;
  rx.respond = () => 200;
});

const statusesFor = (sid: string) => rx.received.filter((r) => r.params.MessageSid === sid).map((r) => r.params.MessageStatus);

describe("status callbacks", () => {
  it("WhatsApp free text outside the 24-hour window is accepted, then fails with 63016 by callback", async () => {
    const m = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, body: "hola", statusCallback: rx.url });
    expect(m.status).toBe("queued");
    await sim.whenIdle();
    expect(await client.messages(m.sid).fetch()).toMatchObject({ status: "failed", errorCode: 63016 });
    expect(rx.received.filter((r) => r.params.MessageSid === m.sid).map((r) => [r.params.MessageStatus, r.params.ErrorCode])).toEqual([
      ["queued", undefined],
      ["failed", "63016"],
    ]);
  });

  it("a number without WhatsApp (63003) or refused by Meta (63024): 201, then a failed callback; SMS to it still works", async () => {
    sim.configure({ failRules: [{ to: "+593990000010", code: 63003 }, { to: "+593990000011", code: 63024 }] });
    const noWa = await client.messages.create({ to: "whatsapp:+593990000010", from: WA_FROM, contentSid: "HX" + "b".repeat(32), statusCallback: rx.url });
    const refused = await client.messages.create({ to: "whatsapp:+593990000011", from: WA_FROM, contentSid: "HX" + "b".repeat(32), statusCallback: rx.url });
    const sms = await client.messages.create({ to: "+593990000010", from: SMS_FROM, body: "x", statusCallback: rx.url });
    expect([noWa.status, refused.status, sms.status]).toEqual(["queued", "queued", "queued"]);
    await sim.whenIdle();
    expect(await client.messages(noWa.sid).fetch()).toMatchObject({ status: "failed", errorCode: 63003 });
    expect(await client.messages(refused.sid).fetch()).toMatchObject({ status: "failed", errorCode: 63024 });
    expect(await client.messages(sms.sid).fetch()).toMatchObject({ status: "delivered", errorCode: null });
    expect(rx.received.find((r) => r.params.MessageSid === noWa.sid && r.params.MessageStatus === "failed")!.params.ErrorCode).toBe("63003");
    expect(sim.state.stats().rejected).toEqual({});
    // Not billed: a failed WhatsApp message never reached the patient; the SMS is billed by segment.
    expect(sim.state.messages.map((r) => [r.sid, billedSegments(r)])).toEqual([[noWa.sid, 0], [refused.sid, 0], [sms.sid, 1]]);
  });


  it("posts queued → sent → delivered for SMS, signed with the primary token", async () => {
    const m = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `${rx.url}/webhooks/twilio/status?m=abc` });
    await sim.whenIdle();
    expect(statusesFor(m.sid)).toEqual(["queued", "sent", "delivered"]);
    for (const r of rx.received) {
      expect(r.signatureValid).toBe(true);
      expect(r.path).toBe("/webhooks/twilio/status?m=abc");
      expect(r.params).toMatchObject({ AccountSid: SID, ApiVersion: "2010-04-01", From: SMS_FROM, To: "+593987654321", SmsSid: m.sid, SmsStatus: r.params.MessageStatus });
      expect(r.params.ErrorCode).toBeUndefined();
    }
    const f = await client.messages(m.sid).fetch();
    expect(f.status).toBe("delivered");
    expect(f.dateSent).toBeInstanceOf(Date);
    expect(sim.state.messages[0]!.callbacksDelivered).toEqual(["queued", "sent", "delivered"]);
  });

  it("adds read for WhatsApp", async () => {
    const m = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, contentSid: "HX" + "a".repeat(32), statusCallback: `${rx.url}/s` });
    await sim.whenIdle();
    expect(statusesFor(m.sid)).toEqual(["queued", "sent", "delivered", "read"]);
    expect(rx.received[0]!.params).toMatchObject({ ChannelPrefix: "whatsapp", ChannelToAddress: "+593987654321" });
  });

  it("produces undelivered and failed with error codes for the configured shares", async () => {
    sim.configure({ failedShare: 0.3, undeliveredShare: 0.3 });
    const sids = await Promise.all(
      Array.from({ length: 60 }, (_, i) => client.messages.create({ to: `+5939870000${String(i).padStart(2, "0")}`, from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s` }).then((m) => m.sid)),
    );
    await sim.whenIdle();
    const finals = sids.map((sid) => rx.received.filter((r) => r.params.MessageSid === sid).at(-1)!.params);
    const failed = finals.filter((p) => p.MessageStatus === "failed");
    const undelivered = finals.filter((p) => p.MessageStatus === "undelivered");
    const delivered = finals.filter((p) => p.MessageStatus === "delivered");
    expect(failed.length).toBeGreaterThan(5);
    expect(undelivered.length).toBeGreaterThan(5);
    expect(delivered.length).toBeGreaterThan(5);
    expect(failed.every((p) => p.ErrorCode === "30008")).toBe(true);
    expect(undelivered.every((p) => p.ErrorCode === "30003" || p.ErrorCode === "30005")).toBe(true);
    // failed skips "sent"; undelivered went through it
    expect(statusesFor(failed[0]!.MessageSid!)).toEqual(["queued", "failed"]);
    expect(statusesFor(undelivered[0]!.MessageSid!)).toEqual(["queued", "sent", "undelivered"]);
    const stats = sim.state.stats();
    expect(stats.byStatus).toEqual({ failed: failed.length, undelivered: undelivered.length, delivered: delivered.length });
    const f = await client.messages(failed[0]!.MessageSid!).fetch();
    expect(f).toMatchObject({ status: "failed", errorCode: 30008, errorMessage: "Unknown error" });
  });

  it("does not retry a 5xx by default, as Twilio", async () => {
    rx.respond = () => 503;
    const m = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s` });
    await sim.whenIdle();
    expect(statusesFor(m.sid)).toEqual(["queued", "sent", "delivered"]);
    expect(sim.state.stats().callbacks).toMatchObject({ posted: 0, failed: 3, retries: 0 });
  });

  it("retries a 5xx exactly as the URL's connection overrides say, signed over the URL with its fragment", async () => {
    let fails = 2;
    rx.respond = () => (fails-- > 0 ? 503 : 200);
    const url = `${rx.url}/s?m=1#rc=3&rp=5xx&tt=15000`;
    const m = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: url });
    await sim.whenIdle();
    expect(statusesFor(m.sid)).toEqual(["queued", "queued", "queued", "sent", "delivered"]);
    expect(sim.state.stats().callbacks).toMatchObject({ posted: 3, failed: 0, retries: 2 });
    // The fragment is never requested; the signature covers it.
    expect(rx.received.every((r) => r.path === "/s?m=1")).toBe(true);
    const sig = signTwilioRequest(TOKEN, url, rx.received[0]!.params);
    expect(verifyTwilioSignature({ authTokens: [TOKEN], signature: sig, url: `${rx.url}/s?m=1`, fragment: "rc=3&rp=5xx&tt=15000", params: rx.received[0]!.params })).toBe(true);
    expect(verifyTwilioSignature({ authTokens: [TOKEN], signature: sig, url: `${rx.url}/s?m=1`, params: rx.received[0]!.params })).toBe(false);
  });

  it("stops at rc retries, retries only the failures rp names, and a 4xx only with rp=4xx", async () => {
    rx.respond = () => 503;
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s#rc=2&rp=5xx` });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(9); // 3 statuses × (1 + 2)
    sim.reset();
    rx.received.length = 0;
    rx.respond = () => 403;
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s#rc=2&rp=5xx,ct` });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(3);
    sim.reset();
    rx.received.length = 0;
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s#rc=1&rp=4xx` });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(6);
  });

  it("retries a refused connection once by default (rp=ct, rc=1) and survives a target that is down", async () => {
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: "http://127.0.0.1:9/down" });
    await sim.whenIdle();
    expect(sim.state.stats().callbacks).toMatchObject({ posted: 0, failed: 3, retries: 3 });
    sim.reset();
    await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: "http://127.0.0.1:9/down#rc=0" });
    await sim.whenIdle();
    expect(sim.state.stats().callbacks).toMatchObject({ posted: 0, failed: 3, retries: 0 });
    const [m] = await client.messages.list({ to: "+593987654321" });
    expect(m!.status).toBe("delivered");
  });

  it("gives up when the read timeout passes, and retries it only with rp=rt, within tt", async () => {
    const slow = http.createServer((req) => req.resume()); // never answers
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const port = (slow.address() as AddressInfo).port;
    try {
      const started = Date.now();
      await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `http://127.0.0.1:${port}/s#rt=200&rc=5&rp=5xx` });
      await sim.whenIdle();
      expect(sim.state.stats().callbacks).toMatchObject({ failed: 3, retries: 0 });
      sim.reset();
      await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: `http://127.0.0.1:${port}/s#rt=200&rc=5&rp=rt&tt=500` });
      await sim.whenIdle();
      // tt=500 leaves room for the first attempt and one or two retries of 200 ms, not five.
      const retries = sim.state.stats().callbacks.retries;
      expect(retries).toBeGreaterThanOrEqual(3);
      expect(retries).toBeLessThanOrEqual(6);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it("bounds concurrent callback posts", async () => {
    sim.configure({ callbackConcurrency: 2 });
    let open = 0;
    let peak = 0;
    let count = 0;
    const slow = http.createServer((req, res) => {
      peak = Math.max(peak, ++open);
      req.resume();
      setTimeout(() => {
        open--;
        count++;
        res.end();
      }, 5);
    });
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/s`;
    await Promise.all(Array.from({ length: 20 }, () => client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: url })));
    await sim.whenIdle();
    expect(count).toBe(60);
    expect(peak).toBe(2);
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });
});
