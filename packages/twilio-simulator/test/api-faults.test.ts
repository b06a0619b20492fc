// Provider faults on the REST API (apiFault): a 5xx or a timeout on a create may still have sent the
// message, as Twilio's 20500 documents; slow answers arrive late but whole; reads fail too.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { SID, SMS_FROM, TOKEN, restError, startSimulator } from "./helpers.ts";
import type { TwilioClient } from "@rm/twilio";

let sim: Simulator;
let client: TwilioClient;

beforeAll(async () => {
  ({ sim, client } = await startSimulator({}));
});
afterAll(() => sim.close());
beforeEach(() => sim.reset({ keepConfig: false }));

describe("apiFault", () => {
  it("5xx: every create answers 500 (20500); with acceptedShare 1 the message was sent anyway", async () => {
    sim.configure({ apiFault: { kind: "5xx", share: 1, acceptedShare: 1, status: 500, delayMs: 0 } });
    expect(await restError(client.messages.create({ to: "+593987650001", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 500, code: 20500 });
    expect(sim.state.messages.map((m) => m.to)).toEqual(["+593987650001"]);
    sim.configure({ apiFault: { kind: "5xx", share: 1, acceptedShare: 0, status: 503, delayMs: 0 } });
    expect(await restError(client.messages.create({ to: "+593987650002", from: SMS_FROM, body: "x" }))).toMatchObject({ status: 503, code: 20503 });
    expect(sim.state.messages).toHaveLength(1);
    // Reads fail while it lasts, and work again once it is cleared.
    expect(await restError(client.messages.list({ to: "+593987650001" }))).toMatchObject({ status: 503 });
    sim.configure({ apiFault: null });
    expect(await client.messages.list({ to: "+593987650001" })).toHaveLength(1);
    expect(sim.state.stats().apiFaults).toMatchObject({ "5xx": 3, acceptedBeforeFailure: 1 });
  });

  it("timeout: no answer before the client gives up; the message may be there", async () => {
    sim.configure({ apiFault: { kind: "timeout", share: 1, acceptedShare: 1, status: 500, delayMs: 1500 } });
    const impatient = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: sim.url, timeoutMs: 500 });
    const err = await impatient.messages.create({ to: "+593987650003", from: SMS_FROM, body: "x" }).catch((e: unknown) => e);
    expect(String((err as { code?: string }).code ?? err)).toMatch(/ECONNABORTED|ETIMEDOUT|timeout/i);
    expect(sim.state.messages.map((m) => m.to)).toEqual(["+593987650003"]);
    expect(sim.state.stats().apiFaults.timeout).toBe(1);
  });

  it("slow: answers whole, after the delay", async () => {
    sim.configure({ apiFault: { kind: "slow", share: 1, acceptedShare: 0, status: 500, delayMs: 300 } });
    const started = Date.now();
    const m = await client.messages.create({ to: "+593987650004", from: SMS_FROM, body: "x" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(m.status).toBe("queued");
    expect(await client.messages.list({ to: "+593987650004" })).toHaveLength(1);
    expect(sim.state.stats().apiFaults.slow).toBe(2);
  });

  it("refuses a malformed fault", () => {
    expect(() => sim.configure({ apiFault: { kind: "boom" } as never })).toThrow(/apiFault.kind/);
    expect(() => sim.configure({ apiFault: { kind: "5xx", share: 2 } as never })).toThrow(/apiFault.share/);
  });
});
