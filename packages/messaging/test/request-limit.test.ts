import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestRedis, freePort, type TestRedis } from "@rm/test-utils";
import { FEEDBACK_SUBMISSIONS_PER_HOUR, limitFeedbackSubmission, SlidingWindowLimiter, STAFF_REQUESTS_PER_MINUTE, staffRequestLimit } from "../src/request-limit.ts";

let r: TestRedis;
let limiter: SlidingWindowLimiter;
beforeAll(async () => {
  r = await createTestRedis();
  limiter = new SlidingWindowLimiter({ redis: r.client, prefix: `${r.prefix}limit:` });
});
afterAll(async () => {
  await r.cleanup();
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

async function hits(id: string, n: number, limit: number, windowSeconds: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await limiter.hit(id, limit, windowSeconds));
  return out;
}

describe("SlidingWindowLimiter", () => {
  it("lets exactly `limit` requests through, then refuses with a Retry-After within the window", async () => {
    const results = await hits("ws-a", 12, 10, 60);
    expect(results.filter((d) => d.allowed)).toHaveLength(10);
    expect(results.slice(0, 10).map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for (const refused of results.slice(10)) {
      expect(refused).toMatchObject({ allowed: false, remaining: 0, failedOpen: false });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60 + 6);
    }
  });

  it("counts each id on its own", async () => {
    await hits("ws-b", 3, 3, 60);
    expect((await limiter.hit("ws-b", 3, 60)).allowed).toBe(false);
    expect((await limiter.hit("ws-c", 3, 60)).allowed).toBe(true);
  });

  it("lets requests through again once Retry-After has passed", async () => {
    const results = await hits("ws-d", 4, 3, 1);
    expect(results.map((d) => d.allowed)).toEqual([true, true, true, false]);
    await sleep(results[3]!.retryAfterSeconds * 1000 + 20);
    expect((await limiter.hit("ws-d", 3, 1)).allowed).toBe(true);
  });

  it("slides: a full previous window still weighs on the start of the next one", async () => {
    // Align to the start of a 2 s window, fill it, then step into the next one.
    const windowMs = 2000;
    await sleep(windowMs - (Date.now() % windowMs) + 50);
    expect((await hits("ws-e", 4, 4, 2)).every((d) => d.allowed)).toBe(true);
    await sleep(windowMs - (Date.now() % windowMs) + 100);
    // ≈95 % of the previous window still overlaps: 4 × 0.95 = 3.8, so one more request is too many.
    expect((await limiter.hit("ws-e", 4, 2)).allowed).toBe(false);
  });

  it("fails open, fast, when Redis is down", async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on("error", () => {});
    const errors: unknown[] = [];
    const open = new SlidingWindowLimiter({ redis: dead, prefix: "x:", onFailOpen: (e) => errors.push(e) });
    const started = Date.now();
    const d = await open.hit("ws-f", 1, 60);
    expect(d).toMatchObject({ allowed: true, failedOpen: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors).toHaveLength(1);
    dead.disconnect();
  });

  it("fails open after its timeout when Redis hangs", async () => {
    // Accepts connections and never answers.
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
    const port = (server.address() as { port: number }).port;
    const hung = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0 });
    hung.on("error", () => {});
    const open = new SlidingWindowLimiter({ redis: hung, prefix: "x:", timeoutMs: 150 });
    const started = Date.now();
    expect(await open.hit("ws-g", 1, 60)).toMatchObject({ allowed: true, failedOpen: true });
    expect(Date.now() - started).toBeLessThan(1000);
    hung.disconnect();
    for (const s of sockets) s.destroy();
    await new Promise((res) => server.close(res));
  });
});

describe("limits by plan and per feedback form", () => {
  it("staff requests per minute follow the plan", () => {
    expect(STAFF_REQUESTS_PER_MINUTE).toEqual({ FREE: 100, STARTER: 300, PROFESSIONAL: 1000, ENTERPRISE: 5000 });
    expect(staffRequestLimit("STARTER")).toBe(300);
  });

  it("a feedback form takes a few submissions per hour, and its token never reaches Redis", async () => {
    const token = "tok_secret_0123456789abcdef";
    const results = [];
    for (let i = 0; i <= FEEDBACK_SUBMISSIONS_PER_HOUR; i++) results.push(await limitFeedbackSubmission(limiter, token));
    expect(results.map((d) => d.allowed)).toEqual([...Array.from({ length: FEEDBACK_SUBMISSIONS_PER_HOUR }, () => true), false]);
    expect(results.at(-1)!.retryAfterSeconds).toBeGreaterThan(0);
    expect((await limitFeedbackSubmission(limiter, "another-token")).allowed).toBe(true);
    const keys = await r.client.keys(`${r.prefix}*`);
    expect(keys.some((k) => k.includes("feedback:"))).toBe(true);
    expect(keys.some((k) => k.includes(token))).toBe(false);
  });
});
