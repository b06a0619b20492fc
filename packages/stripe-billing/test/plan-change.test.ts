// An owner's plan change against the local Stripe fake: refused plans never reach Stripe; a workspace
// without a subscription goes through Checkout; one with a subscription changes its price in place.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanChangeRefused, requestPlanChange } from "../src/plan-change.ts";
import { createStripeClient } from "../src/stripe-client.ts";
import { startFakeStripe, type FakeStripe } from "../src/testing/fake-stripe.ts";
import { PRICES, SECRET } from "./stripe-events.ts";

const WORKSPACE = "00000000-0000-4000-8000-0000000000aa";
const PUBLIC_URL = "https://app.example.test";

let fake: FakeStripe;
let hook: Server;
/** What the fake posted to the webhook: only the events' data objects matter here. */
const events: { type: string; data: { object: Record<string, unknown> } }[] = [];

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      events.push(JSON.parse(body));
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  fake = await startFakeStripe({ webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, secret: SECRET } });
});
afterAll(async () => {
  await fake?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

const stripe = () => createStripeClient({ secretKey: "sk_test_abc123", apiUrl: fake.url });
const base = { purchasable: ["STARTER", "PROFESSIONAL"] as const, prices: PRICES, publicUrl: PUBLIC_URL, email: "dueno@example.com" };

describe("requestPlanChange", () => {
  it("refuses a plan this server does not sell, and the plan the workspace is already on, without calling Stripe", async () => {
    const before = fake.requests.length;
    for (const plan of ["ENTERPRISE", "GOLD", null]) {
      const refused = await requestPlanChange(stripe(), { ...base, workspace: { id: WORKSPACE, plan: "FREE" }, plan }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PlanChangeRefused);
      expect((refused as PlanChangeRefused).code).toBe("unavailable");
    }
    const current = await requestPlanChange(stripe(), { ...base, workspace: { id: WORKSPACE, plan: "STARTER", stripeSubscriptionId: "sub_x" }, plan: "STARTER" }).catch((e: unknown) => e);
    expect((current as PlanChangeRefused).code).toBe("current");
    expect(fake.requests.length).toBe(before);
  });

  it("sends a workspace without a subscription to Checkout, then changes the price of the subscription it got in place", async () => {
    const checkout = await requestPlanChange(stripe(), { ...base, workspace: { id: WORKSPACE, plan: "FREE" }, plan: "STARTER" });
    expect(checkout).toMatchObject({ kind: "checkout", plan: "STARTER" });
    if (checkout.kind !== "checkout") throw new Error("expected a Checkout Session");
    expect(checkout.url).toBe(`${fake.url}/checkout/${checkout.sessionId}`);
    expect(fake.requests.at(-1)!.params).toMatchObject({ client_reference_id: WORKSPACE, customer_email: "dueno@example.com", line_items: { "0": { price: PRICES.STARTER } } });

    await fake.completeCheckout(checkout.sessionId);
    const completed = events.find((e) => e.type === "checkout.session.completed")!.data.object;
    const subscriptionId = completed.subscription as string;
    const sessionsBefore = fake.requests.filter((r) => r.path === "/v1/checkout/sessions").length;

    const changed = await requestPlanChange(stripe(), { ...base, workspace: { id: WORKSPACE, plan: "STARTER", stripeSubscriptionId: subscriptionId, stripeCustomerId: completed.customer as string }, plan: "PROFESSIONAL" });
    expect(changed).toEqual({ kind: "changed", plan: "PROFESSIONAL" });
    const update = fake.requests.find((r) => r.method === "POST" && r.path === `/v1/subscriptions/${subscriptionId}`)!;
    expect(update.params).toMatchObject({ items: { "0": { price: PRICES.PROFESSIONAL } }, proration_behavior: "always_invoice" });
    // Never a second subscription.
    expect(fake.requests.filter((r) => r.path === "/v1/checkout/sessions").length).toBe(sessionsBefore);
  });
});
