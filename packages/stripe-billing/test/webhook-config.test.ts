// Without STRIPE_WEBHOOK_SECRET the endpoint says billing is not configured (503) and stores nothing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ManualClock } from "@rm/domain";
import { createStripeWebhookHandler } from "../src/webhook.ts";
import { checkoutCompleted, newSub, sign } from "./stripe-events.ts";

describe("stripe webhook without secrets", () => {
  it("answers 503 'not configured' and never touches the database", async () => {
    const queries: unknown[] = [];
    const handler = createStripeWebhookHandler({ pool: { query: ((...args: unknown[]) => void queries.push(args)) as never }, secrets: [], clock: new ManualClock("2026-11-23T00:00:00Z") });
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const body = JSON.stringify(checkoutCompleted(newSub("3f1c2a9e-1111-4222-8333-944455556666")));
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`, { method: "POST", body, headers: { "stripe-signature": sign(body) } });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringContaining("not configured") });
      expect(queries).toEqual([]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
