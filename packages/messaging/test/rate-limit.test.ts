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
