// Benchmark mode and the simulator's own rate limit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { SMS_FROM, restError, startReceiver, startSimulator, type Receiver } from "./helpers.ts";

let sim: Simulator;
let client: TwilioClient;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  ({ sim, client } = await startSimulator({ throughputMode: true }));
});
afterAll(async () => {
  await sim.close();
  await rx.close();
});
beforeEach(() => {
  sim.reset();
  rx.received.length = 0;
});

describe("throughput mode", () => {
  it("counts every send and every duplicate, posting no callbacks", async () => {
    const tos = Array.from({ length: 300 }, (_, i) => `+5939${String(10_000_000 + i)}`);
    await Promise.all(tos.map((to) => client.messages.create({ to, from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s` })));
    await client.messages.create({ to: tos[7]!, from: SMS_FROM, body: "again", statusCallback: `${rx.url}/s` });
    await sim.whenIdle();
    expect(rx.received).toHaveLength(0);
    const stats = sim.state.stats();
    expect(stats).toMatchObject({ total: 301, distinctTo: 300, duplicateTo: 1, duplicates: 1, maxPerTo: 2, byStatus: { delivered: 301 } });
    expect(sim.state.duplicates()).toEqual([{ to: tos[7], count: 2 }]);
    // The crash-recovery query still works.
    expect(await client.messages.list({ to: tos[7]! })).toHaveLength(2);
  });

  it("can post only the final callback", async () => {
    sim.configure({ throughputFinalCallback: true });
    await Promise.all(Array.from({ length: 50 }, (_, i) => client.messages.create({ to: `+59398${String(1_000_000 + i)}`, from: SMS_FROM, body: "x", statusCallback: `${rx.url}/s` })));
    await sim.whenIdle();
    expect(rx.received).toHaveLength(50);
    expect(rx.received.every((r) => r.params.MessageStatus === "delivered" && r.signatureValid)).toBe(true);
  });

  it("keeps counting beyond the retained-message cap", async () => {
    sim.configure({ maxStoredMessages: 10 });
    await Promise.all(Array.from({ length: 25 }, () => client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" })));
    expect(sim.state.stats()).toMatchObject({ total: 25, retained: 10, maxPerTo: 25 });
  });
});

describe("rate limit", () => {
  it("answers 429 / 20429 above its requests per second", async () => {
    sim.configure({ rateLimitPerSecond: 5 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" })));
    const ok = results.filter((r) => r.status === "fulfilled").length;
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok).toBeLessThan(10);
    const err = await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" }));
    expect(err).toMatchObject({ status: 429, code: 20429, moreInfo: "https://www.twilio.com/docs/errors/20429" });
    expect(sim.state.stats().rateLimited).toBeGreaterThanOrEqual(11);
    await new Promise((r) => setTimeout(r, 450)); // tokens refill
    await expect(client.messages.create({ to: "+593987654321", from: SMS_FROM, body: "x" })).resolves.toMatchObject({ status: "queued" });
  });
});
