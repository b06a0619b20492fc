// Content API templates created by an account (content.ts): they belong to that account, are
// submitted for WhatsApp approval, and go "received" → "pending" → "approved" / "rejected" with the
// reason; WhatsApp's format rules reject whatever outcome is configured, and an unapproved template
// fails outside the 24-hour window as free text does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioClient, type TwilioClient } from "@rm/twilio";
import type { SimAccount, Simulator } from "../src/index.ts";
import { restError, startSimulator, waitFor } from "./helpers.ts";

let sim: Simulator;
let account: SimAccount;
let own: TwilioClient;
let now = Date.parse("2026-12-06T10:00:00Z");

beforeAll(async () => {
  ({ sim } = await startSimulator({ now: () => now, callbackDelayMs: 5 }));
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  account = sim.addAccount({ authToken: "a".repeat(32), numbers: ["+593990002001"] });
  own = createTwilioClient({ accountSid: account.sid, authToken: "a".repeat(32), apiUrl: sim.url, timeoutMs: 5000 });
});

const RATING = {
  friendly_name: "rm_initial_es",
  language: "es",
  variables: { "1": "Carmen", "2": "Consultorio Los Andes", "3": "https://rm.example/q/x" },
  types: {
    "twilio/quick-reply": { body: "Hola {{1}}, gracias por su visita a {{2}}. Califique del 1 al 5: {{3}} Gracias.", actions: ["1", "2", "3", "4", "5"].map((n) => ({ title: n, id: n })) },
    "twilio/text": { body: "Hola {{1}}, califique su visita a {{2}}: {{3}} Gracias." },
  },
};

// The SDK sends the JSON body as given: the wire names are Twilio's (friendly_name, twilio/quick-reply).
async function create(client: TwilioClient, body: unknown = RATING): Promise<string> {
  return (await client.content.v1.contents.create(body as never)).sid;
}
async function submit(client: TwilioClient, sid: string, name = "rm_initial_es", category = "UTILITY") {
  return client.content.v1.contents(sid).approvalCreate.create({ name, category } as never);
}
async function approval(client: TwilioClient, sid: string): Promise<{ status: string; rejection_reason: string; category: string }> {
  return (await client.content.v1.contents(sid).approvalFetch().fetch()).whatsapp as never;
}

describe("Content API of an account", () => {
  it("creates a template, submits it, and follows it from received to pending to approved by the test control", async () => {
    const sid = await create(own);
    expect(sid).toMatch(/^HX[0-9a-f]{32}$/);
    expect((await approval(own, sid)).status).toBe("unsubmitted");
    const submitted = await submit(own, sid);
    expect(submitted).toMatchObject({ status: "received", category: "UTILITY" });
    expect((await approval(own, sid)).status).toBe("pending");
    // One approval request per template.
    expect(await restError(submit(own, sid))).toMatchObject({ status: 400 });
    const res = await fetch(`${sim.url}/_sim/content/approval`, { method: "POST", body: JSON.stringify({ sid, status: "approved" }) });
    expect(res.status).toBe(200);
    expect((await approval(own, sid)).status).toBe("approved");
  });

  it("decides after the configured delay, rejecting with the configured reason", async () => {
    sim.configure({ contentApproval: { outcome: "reject", delayMs: 60_000, rejectionReason: "Promotional content in a utility template." } });
    const sid = await create(own);
    await submit(own, sid, "rm_initial_es", "MARKETING");
    expect((await approval(own, sid)).status).toBe("pending");
    now += 60_000;
    expect(await approval(own, sid)).toMatchObject({ status: "rejected", rejection_reason: "Promotional content in a utility template.", category: "MARKETING" });
  });

  it("rejects a body that ends with a variable whatever the configured outcome, and the control cannot approve it", async () => {
    sim.configure({ contentApproval: { outcome: "approve", delayMs: 0 } });
    const sid = await create(own, { ...RATING, types: { "twilio/text": { body: "Califique su visita: {{1}}" } }, variables: { "1": "https://x" } });
    await submit(own, sid);
    expect(await approval(own, sid)).toMatchObject({ status: "rejected", rejection_reason: "Template body cannot start or end with a variable." });
    const res = await fetch(`${sim.url}/_sim/content/approval`, { method: "POST", body: JSON.stringify({ sid, status: "approved" }) });
    expect(res.status).toBe(400);
  });

  it("accepts at create but WhatsApp rejects at approval variables that skip a number, whatever the configured outcome", async () => {
    sim.configure({ contentApproval: { outcome: "approve", delayMs: 0 } });
    // The rating request numbered by a fixed order without its {{2}}: the Content API takes it ...
    const gapped = "Hola {{1}}, gracias por su visita a {{3}}. Califique del 1 al 5: {{4}} Gracias.";
    const sid = await create(own, { ...RATING, types: { "twilio/text": { body: gapped } }, variables: { "1": "Carmen", "3": "Consultorio Los Andes", "4": "https://rm.example/q/x" } });
    await submit(own, sid);
    // ... and WhatsApp refuses it; the test control cannot overturn that.
    expect(await approval(own, sid)).toMatchObject({ status: "rejected", rejection_reason: "Template variables must be sequential: {{2}} is missing." });
    const res = await fetch(`${sim.url}/_sim/content/approval`, { method: "POST", body: JSON.stringify({ sid, status: "approved" }) });
    expect(res.status).toBe(400);
    // Numbers in any order are fine as long as none is skipped.
    const reordered = await create(own, { ...RATING, types: { "twilio/text": { body: "En {{2}}, {{1}}, califique: {{3}} Gracias." } } });
    await submit(own, reordered);
    expect((await approval(own, reordered)).status).toBe("approved");
  });

  it("refuses a send whose ContentVariables has an empty or null value, a newline or a tab (21656)", async () => {
    const sid = await create(own);
    await submit(own, sid);
    sim.decideContent(sid, "approved");
    const send = (vars: unknown) => own.messages.create({ to: "whatsapp:+593987650004", from: "whatsapp:+593990002001", contentSid: sid, contentVariables: JSON.stringify(vars) });
    expect(await restError(send({ "1": "", "2": "Clínica Sol", "3": "https://q/1" }))).toMatchObject({ status: 400, code: 21656 });
    expect(await restError(send({ "1": null, "2": "Clínica Sol", "3": "https://q/1" }))).toMatchObject({ status: 400, code: 21656 });
    expect(await restError(send({ "1": "Ana\nMaría", "2": "Clínica Sol", "3": "https://q/1" }))).toMatchObject({ status: 400, code: 21656 });
    expect((await send({ "1": "Ana", "2": "Clínica Sol", "3": "https://q/1" })).sid).toMatch(/^SM/);
  });

  it("refuses a create without types (92001), a bad name or category on submission", async () => {
    expect(await restError(create(own, { language: "es" }))).toMatchObject({ status: 400, code: 92001 });
    const sid = await create(own);
    expect(await restError(submit(own, sid, "Rating Request"))).toMatchObject({ status: 400 });
    expect(await restError(submit(own, sid, "rm_initial_es", "PROMO"))).toMatchObject({ status: 400 });
  });

  it("a Content SID belongs to its account: another account neither fetches nor sends it", async () => {
    const sid = await create(own);
    const other = sim.addAccount({ authToken: "b".repeat(32), numbers: ["+593990002002"] });
    const otherClient = createTwilioClient({ accountSid: other.sid, authToken: "b".repeat(32), apiUrl: sim.url, timeoutMs: 5000 });
    expect(await restError(otherClient.content.v1.contents(sid).fetch())).toMatchObject({ status: 404 });
    expect(await restError(otherClient.messages.create({ to: "whatsapp:+593987650001", from: "whatsapp:+593990002002", contentSid: sid }))).toMatchObject({ status: 400, code: 21655 });
  });

  it("sends an approved template rendered with its buttons; an unapproved one fails outside the window with 63016", async () => {
    const sid = await create(own);
    await submit(own, sid);
    const vars = JSON.stringify({ "1": "Ana", "2": "Clínica Sol", "3": "https://q/1" });
    const early = await own.messages.create({ to: "whatsapp:+593987650002", from: "whatsapp:+593990002001", contentSid: sid, contentVariables: vars });
    sim.decideContent(sid, "approved");
    const later = await own.messages.create({ to: "whatsapp:+593987650003", from: "whatsapp:+593990002001", contentSid: sid, contentVariables: vars });
    const failed = await waitFor(() => { const m = sim.state.bySid.get(early.sid); return m && m.status === "failed" ? m : undefined; });
    expect(failed.errorCode).toBe(63016);
    const sent = sim.state.bySid.get(later.sid)!;
    expect(sent.body).toBe("Hola Ana, gracias por su visita a Clínica Sol. Califique del 1 al 5: https://q/1 Gracias.");
    expect(sent.buttons).toEqual(["1", "2", "3", "4", "5"]);
    await sim.whenIdle(5000);
    expect(sim.state.bySid.get(later.sid)!.errorCode).toBeNull();
  });
});
