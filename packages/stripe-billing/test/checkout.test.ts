// Checkout and portal sessions through the stripe SDK against the local fake (STRIPE_API_URL), and
// the fake's completed purchase flowing back through the signed webhook to the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deductCredits } from "@rm/credits";
import { BillingNotConfiguredError, changeSubscriptionPlan, createCheckoutSession, createPortalSession } from "../src/checkout.ts";
import { startFreePlan } from "../src/free-plan.ts";
import { createStripeClient } from "../src/stripe-client.ts";
import { startFakeStripe, type FakeStripe } from "../src/testing/fake-stripe.ts";
import { balance, createWorkspace } from "./fixtures.ts";
import { PRICES, SECRET } from "./stripe-events.ts";
import { setupWebhookHarness, type WebhookHarness } from "./webhook-harness.ts";

let h: WebhookHarness;
let fake: FakeStripe;
beforeAll(async () => {
  h = await setupWebhookHarness();
  fake = await startFakeStripe({ webhook: { url: h.url, secret: SECRET } });
});
afterAll(async () => {
  await fake?.close();
  await h?.close();
});

describe("checkout", () => {
  it("creates a subscription Checkout Session naming the workspace; paying it makes the workspace STARTER with 500 credits", async () => {
    const ws = await createWorkspace(h.orm);
    await startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now() });
    const stripe = createStripeClient({ secretKey: "sk_test_abc123", apiUrl: fake.url });
    const session = await createCheckoutSession(stripe, { workspaceId: ws, plan: "STARTER", prices: PRICES, publicUrl: "https://app.example.test", email: "dueno@example.com", idempotencyKey: `checkout:${ws}:1` });
    expect(session.url).toBe(`${fake.url}/checkout/${session.id}`);

    const req = fake.requests.find((r) => r.path === "/v1/checkout/sessions")!;
    expect(req.authorization).toBe("Bearer sk_test_abc123");
    expect(req.idempotencyKey).toBe(`checkout:${ws}:1`);
    expect(req.params).toMatchObject({
      mode: "subscription",
      client_reference_id: ws,
      customer_email: "dueno@example.com",
      line_items: { "0": { price: PRICES.STARTER, quantity: "1" } },
      subscription_data: { metadata: { workspaceId: ws, plan: "STARTER" } },
      success_url: "https://app.example.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "https://app.example.test/billing/cancel",
    });

    await fake.completeCheckout(session.id);
    await h.work();
    const [row] = await h.orm.em.fork().execute<{ plan: string; stripe_customer_id: string | null }[]>("select plan, stripe_customer_id from workspaces where id = ?", [ws]);
    expect(row!.plan).toBe("STARTER");
    expect(row!.stripe_customer_id).toMatch(/^cus_/);
    expect(await balance(h.orm, ws)).toBe(500);

    // Upgrade in place: the proration is invoiced at once and only the difference is credited.
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100, reference: "message:spent" });
    const [linked] = await h.orm.em.fork().execute<{ stripe_subscription_id: string }[]>("select stripe_subscription_id from workspaces where id = ?", [ws]);
    await changeSubscriptionPlan(stripe, { subscriptionId: linked!.stripe_subscription_id, workspaceId: ws, plan: "PROFESSIONAL", prices: PRICES });
    const update = fake.requests.find((r) => r.method === "POST" && r.path.startsWith("/v1/subscriptions/"))!;
    expect(update.params).toMatchObject({ items: { "0": { id: "si_fake", price: PRICES.PROFESSIONAL } }, proration_behavior: "always_invoice" });
    await h.work();
    const [upgraded] = await h.orm.em.fork().execute<{ plan: string }[]>("select plan from workspaces where id = ?", [ws]);
    expect(upgraded!.plan).toBe("PROFESSIONAL");
    expect(await balance(h.orm, ws)).toBe(400 + 1500);

    const portal = await createPortalSession(stripe, { customerId: row!.stripe_customer_id!, returnUrl: "https://app.example.test/billing" });
    expect(portal.url).toContain(`${fake.url}/portal/`);
    expect(fake.requests.at(-1)!.params).toMatchObject({ customer: row!.stripe_customer_id, return_url: "https://app.example.test/billing" });
  });

  it("refuses a plan whose price is not configured", async () => {
    const stripe = createStripeClient({ secretKey: "sk_test_abc123", apiUrl: fake.url });
    await expect(createCheckoutSession(stripe, { workspaceId: "00000000-0000-4000-8000-000000000001", plan: "ENTERPRISE", prices: { STARTER: PRICES.STARTER }, publicUrl: "https://x.test" })).rejects.toBeInstanceOf(BillingNotConfiguredError);
  });
});
