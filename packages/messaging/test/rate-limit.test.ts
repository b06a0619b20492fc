import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "@rm/test-utils";
import { SenderRateLimiter, senderKind } from "../src/rate-limit.ts";

let r: TestRedis;
beforeEach(async () => {
  r = await createTestRedis();
});
afterEach(async () => {
  await r.cleanup();
});

describe("senderKind", () => {
  it.each([
    ["whatsapp:+14155238886", "whatsapp"],
    ["+593987654321", "longCode"],
    ["+18005550100", "tollFree"],
    ["12345", "shortCode"],
  ] as const)("%s is a %s", (sender, kind) => expect(senderKind(sender)).toBe(kind));
});

describe("SenderRateLimiter", () => {
  it("holds 1 segment/s per sender across three competing workers", async () => {
    // Three limiters = three worker replicas sharing one Redis.
    const connections = [0, 1, 2].map(() => r.client.duplicate());
    const workers = connections.map((redis) => new SenderRateLimiter({ redis, prefix: r.prefix }));
    const granted: number[] = [];
    const start = Date.now();
    const durationMs = 2500;
    await Promise.all(
      workers.map(async (w) => {
        while (Date.now() - start < durationMs) {
          const d = await w.take("+593987000001", 1);
          if (d.ok) granted.push(Date.now() - start);
          else await new Promise((res) => setTimeout(res, Math.min(d.retryAfterMs, 50)));
        }
      }),
    );
    // One full bucket at the start plus one per elapsed second: 1 + floor(2.5) = 3, never more.
    expect(granted.length).toBeGreaterThanOrEqual(2);
    expect(granted.length).toBeLessThanOrEqual(1 + Math.ceil(durationMs / 1000));
    for (const c of connections) c.disconnect();
  });

  it("books slots on one timeline for competing workers: a burst of one second's worth, then exactly the rate", async () => {
    const connections = [0, 1, 2].map(() => r.client.duplicate());
    const workers = connections.map((redis) => new SenderRateLimiter({ redis, prefix: r.prefix, rates: { tollFree: 10 } }));
    // 30 bookings from three replicas at once on a 10 segments/s toll-free sender.
    const delays = (await Promise.all(Array.from({ length: 30 }, (_, i) => workers[i % 3]!.reserve("+18005550111", 1)))).map((d) => d.delayMs).sort((a, b) => a - b);
    // The first ten go now (the burst); the other twenty are spaced 100 ms apart, ending ≈ 2 s out.
    expect(delays.slice(0, 10).every((d) => d <= 5)).toBe(true);
    const paced = delays.slice(10);
    for (let i = 1; i < paced.length; i++) expect(paced[i]! - paced[i - 1]!).toBeGreaterThanOrEqual(95);
    expect(paced.at(-1)!).toBeGreaterThanOrEqual(1900);
    expect(paced.at(-1)!).toBeLessThanOrEqual(2100);
    // A multi-segment message books that many slots: after it, the next waits 3 intervals longer.
    const a = await workers[0]!.reserve("+18005550112", 1);
    const b = await workers[1]!.reserve("+18005550112", 3);
    const c = await workers[2]!.reserve("+18005550112", 1);
    expect(a.delayMs).toBe(0);
    expect(b.delayMs).toBe(0);
    expect(c.delayMs).toBe(0);
    for (let i = 0; i < 6; i++) await workers[0]!.reserve("+18005550112", 1);
    const after = await workers[0]!.reserve("+18005550112", 1);
    // 1 + 3 + 1 + 6 = 11 segments booked at 10/s with a 0.9 s tolerance: the 12th waits ≈ 200 ms.
    expect(after.delayMs).toBeGreaterThanOrEqual(150);
    expect(after.delayMs).toBeLessThanOrEqual(250);
    for (const c of connections) c.disconnect();
  });

  it("keeps senders independent and says how long to wait", async () => {
    const l = new SenderRateLimiter({ redis: r.client, prefix: r.prefix });
    expect((await l.take("+593987000001", 1)).ok).toBe(true);
    const denied = await l.take("+593987000001", 1);
    expect(denied.ok).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(1000);
    expect((await l.take("+593987000002", 1)).ok).toBe(true);
  });

  it("lets a multi-segment message through a full bucket, then charges the debt", async () => {
    const l = new SenderRateLimiter({ redis: r.client, prefix: r.prefix });
    expect((await l.take("+593987000003", 3)).ok).toBe(true);
    const next = await l.take("+593987000003", 1);
    expect(next.ok).toBe(false);
    // Debt of 2 plus one token needed at 1/s: about three seconds.
    expect(next.retryAfterMs).toBeGreaterThan(2000);
  });

  it("applies WhatsApp's 10 msg/s and can be turned off", async () => {
    const l = new SenderRateLimiter({ redis: r.client, prefix: r.prefix });
    let ok = 0;
    for (let i = 0; i < 20; i++) if ((await l.take("whatsapp:+14155238886", 1)).ok) ok++;
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(11);
    const off = new SenderRateLimiter({ redis: r.client, prefix: r.prefix, disabled: true });
    for (let i = 0; i < 50; i++) expect((await off.take("+593987000004", 1)).ok).toBe(true);
  });
});
