// Create, fetch and list through the real twilio SDK (createTwilioClient), and Twilio's error answers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { OLD_TOKEN, SID, SMS_FROM, WA_FROM, restError, startSimulator } from "./helpers.ts";

let sim: Simulator;
let client: TwilioClient;
let clock = Date.UTC(2026, 10, 23, 12, 0, 0);

beforeAll(async () => {
  ({ sim, client } = await startSimulator({ now: () => clock, blockedPrefixes: ["+86"] }));
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset({ keepConfig: true });
  clock = Date.UTC(2026, 10, 23, 12, 0, 0);
});

describe("create message", () => {
  it("answers an SMS with Twilio's Message resource", async () => {
    const m = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "Hola Ana, ¿cómo fue su cita?", statusCallback: "http://127.0.0.1:9/cb" });
    expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(m.accountSid).toBe(SID);
    expect(m.status).toBe("queued");
    expect(m.direction).toBe("outbound-api");
    expect(m.to).toBe("+593987654321");
    expect(m.from).toBe(SMS_FROM);
    expect(m.numSegments).toBe("1");
    expect(m.price).toBeNull();
    expect(m.errorCode).toBeNull();
    expect(m.apiVersion).toBe("2010-04-01");
    expect(m.dateCreated.getTime()).toBe(clock);
    expect(m.uri).toBe(`/2010-04-01/Accounts/${SID}/Messages/${m.sid}.json`);
  });

  it("counts SMS segments (UCS-2 for á/í/ó/ú)", async () => {
    const gsm = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "ñ é ".repeat(50) });
    expect(gsm.numSegments).toBe("2"); // 200 GSM-7 chars
    const ucs = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "á".repeat(71) });
    expect(ucs.numSegments).toBe("2");
  });

  it("accepts any token of the rotation list", async () => {
    const old = createTwilioClient({ accountSid: SID, authToken: OLD_TOKEN, apiUrl: sim.url });
    await expect(old.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" })).resolves.toMatchObject({ status: "queued" });
  });

  it("answers 401 / 20003 for a wrong token", async () => {
    const bad = createTwilioClient({ accountSid: SID, authToken: "wrong", apiUrl: sim.url });
    expect(await restError(bad.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 401, code: 20003 });
  });

  it("sends a WhatsApp template (ContentSid) outside any window", async () => {
    const m = await client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, contentSid: "HX" + "1".repeat(32), contentVariables: JSON.stringify({ 1: "Ana" }) });
    expect(m.status).toBe("queued");
    expect(m.numSegments).toBe("1");
    expect(sim.state.messages[0]).toMatchObject({ channel: "whatsapp", contentSid: "HX" + "1".repeat(32) });
  });

  it("accepts a messaging service send with status accepted and no from yet", async () => {
    const m = await client.messages.create({ to: "+593987654321", messagingServiceSid: "MG" + "2".repeat(32), body: "x" });
    expect(m.status).toBe("accepted");
    expect(m.from).toBeNull();
    expect(m.messagingServiceSid).toBe("MG" + "2".repeat(32));
  });
});

describe("errors like Twilio", () => {
  it("21211 invalid To", async () => {
    expect(await restError(client.messages.create({ to: "0987654321", from: SMS_FROM, body: "x" }))).toEqual({
      status: 400,
      code: 21211,
      message: "Invalid 'To' Phone Number: 0987654321",
      moreInfo: "https://www.twilio.com/docs/errors/21211",
    });
  });

  it("21604 / 21603 / 21602 / 21656 for missing or bad parameters", async () => {
    expect((await restError(client.messages.create({ to: "", from: SMS_FROM, body: "x" }))).code).toBe(21604);
    expect((await restError(client.messages.create({ to: "+593987654321", body: "x" } as never))).code).toBe(21603);
    expect((await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM } as never))).code).toBe(21602);
    expect((await restError(client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, contentSid: "HX1", contentVariables: "{nope" }))).code).toBe(21656);
    expect((await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x", statusCallback: "ftp://x" }))).code).toBe(21609);
  });

  it("21408 for a region that is not enabled", async () => {
    expect(await restError(client.messages.create({ to: "+8613800138000", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 400, code: 21408 });
  });

  it("WhatsApp free text outside the 24-hour window is not a create-time error (63016 comes by callback)", async () => {
    await expect(client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, body: "hola" })).resolves.toMatchObject({ status: "queued" });
    expect(sim.state.stats().rejected).toEqual({});
  });

  it("fail rules: a number that answers 21211, 500 once, or 30008 later", async () => {
    sim.configure({
      failRules: [
        { to: "+593990000001", code: 21211 },
        { to: "+593990000002", code: 500, times: 1 },
        { to: "+593990000003", code: 30008 },
      ],
    });
    expect((await restError(client.messages.create({ to: "+593990000001", from: SMS_FROM, body: "x" }))).code).toBe(21211);
    expect(await restError(client.messages.create({ to: "+593990000002", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 500, code: 20500 });
    await expect(client.messages.create({ to: "+593990000002", from: SMS_FROM, body: "x" })).resolves.toMatchObject({ status: "queued" });
    const m = await client.messages.create({ to: "+593990000003", from: SMS_FROM, body: "x" });
    await sim.whenIdle();
    expect(await client.messages(m.sid).fetch()).toMatchObject({ status: "failed", errorCode: 30008 });
    expect(sim.state.stats().rejected).toEqual({ 21211: 1, 20500: 1 });
  });
});

describe("fetch and list", () => {
  it("fetches a message and answers 20404 for an unknown sid", async () => {
    const m = await client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" });
    const f = await client.messages(m.sid).fetch();
    expect(f.sid).toBe(m.sid);
    expect(f.body).toBe("x");
    expect(await restError(client.messages("SM" + "0".repeat(32)).fetch())).toMatchObject({ status: 404, code: 20404 });
  });

  it("lists by To, From and DateSent> newest first, across pages", async () => {
    const a = "+593987654321";
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock += 60_000;
      sids.push((await client.messages.create({ to: a, from: SMS_FROM, body: `m${i}` })).sid);
      await sim.whenIdle(); // sent (date_sent) before the pinned clock moves on
    }
    await client.messages.create({ to: a, from: "+15005550007", body: "other sender" });
    await client.messages.create({ to: "+593911111111", from: SMS_FROM, body: "other patient" });

    const all = await client.messages.list({ to: a, from: SMS_FROM, pageSize: 2 });
    expect(all.map((m) => m.sid)).toEqual([...sids].reverse());

    // "Did I already send this?" after a crash: messages since the attempt (inclusive, whole seconds).
    const since = await client.messages.list({ to: a, from: SMS_FROM, dateSentAfter: new Date(Date.UTC(2026, 10, 23, 12, 4, 0)) });
    expect(since.map((m) => m.body)).toEqual(["m4", "m3"]);
    const before = await client.messages.list({ to: a, dateSentBefore: new Date(Date.UTC(2026, 10, 23, 12, 1, 0)) });
    expect(before.map((m) => m.body)).toEqual(["m0"]);
    expect(await client.messages.list({ to: a, dateSentAfter: new Date(clock + 3_600_000) })).toEqual([]);
    expect(await client.messages.list({ to: "+593900000000" })).toEqual([]);

    const page = await client.messages.page({ to: a, pageSize: 2 });
    expect(page.instances).toHaveLength(2);
    expect(page.nextPageUrl).toContain("PageToken=PA");
  });

  it("leaves date_sent null while a message is queued, so no DateSent filter finds it; a list without one does", async () => {
    sim.configure({ callbackDelayMs: 60_000 }); // stays queued
    const a = "+593987650000";
    const m = await client.messages.create({ to: a, from: SMS_FROM, body: "queued" });
    expect((await client.messages(m.sid).fetch()).dateSent).toBeNull();
    expect(await client.messages.list({ to: a, dateSentAfter: new Date(clock - 3_600_000) })).toEqual([]);
    expect(await client.messages.list({ to: a, dateSent: new Date(clock) })).toEqual([]);
    expect((await client.messages.list({ to: a })).map((x) => x.sid)).toEqual([m.sid]);
    // A messaging service has not picked a sender yet: a From filter does not see it either.
    const viaService = await client.messages.create({ to: a, messagingServiceSid: "MG" + "1".repeat(32), body: "svc" });
    expect(viaService.from).toBeNull();
    expect((await client.messages.list({ to: a, from: sim.config.serviceSender })).map((x) => x.sid)).toEqual([m.sid]);
  });

  it("lists a patient's messages to our number as inbound, with date_sent, filtered by To and DateSent and paged", async () => {
    sim.configure({ inboundUrl: "http://127.0.0.1:9/in#rc=0" });
    for (let i = 0; i < 3; i++) {
      clock += 60_000;
      await sim.inbound({ from: "+593987654321", to: SMS_FROM, body: `r${i}` });
    }
    await sim.inbound({ from: "+593987654321", to: "+15005550007", body: "other number" });
    const listed = await client.messages.list({ to: SMS_FROM, dateSentAfter: new Date(clock - 60_000), pageSize: 1 });
    expect(listed.map((x) => x.body)).toEqual(["r2", "r1"]);
    expect(listed[0]).toMatchObject({ direction: "inbound", status: "received", from: "+593987654321", to: SMS_FROM });
    expect(listed[0]!.dateSent).toBeInstanceOf(Date);
    expect((await client.messages.list({ to: SMS_FROM })).map((x) => x.body)).toEqual(["r2", "r1", "r0"]);
  });
});
