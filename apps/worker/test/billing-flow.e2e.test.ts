// Billing through the real processes: web (production build; POST /webhooks/stripe), relay and
// worker as child processes over a fresh database and Redis. The stripe SDK creates a Checkout
// Session on the local fake Stripe, whose "payment" posts signed events to the web server; the
// worker applies them. Redelivered events (Stripe retries, any order) change nothing; cancelling in
// the portal downgrades to FREE.
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckoutSession, createStripeClient, startFreePlan } from "@rm/stripe-billing";
import { startFakeStripe, type FakeStripe } from "@rm/stripe-billing/testing";
import { getCreditBalance } from "@rm/credits";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { createScenario, ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const SECRET = "whsec_billing_flow_e2e";
const PRICES = { STARTER: "price_e2e_starter", PROFESSIONAL: "price_e2e_pro" };

let env: RunEnv;
let pm: ProcessManager;
let fake: FakeStripe;
let webUrl: string;

beforeAll(async () => {
  ensureProductionBuild();
  const webPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  fake = await startFakeStripe({ webhook: { url: `${webUrl}/webhooks/stripe`, secret: SECRET } });
  env = await createRunEnv({
    workerEnv: {
      RELAY_POLL_MS: "100",
      PUBLIC_URL: webUrl,
      STRIPE_SECRET_KEY: "sk_test_e2e",
      STRIPE_API_URL: fake.url,
      STRIPE_WEBHOOK_SECRET: SECRET,
      STRIPE_PRICE_STARTER: PRICES.STARTER,
      STRIPE_PRICE_PROFESSIONAL: PRICES.PROFESSIONAL,
    },
  });
  pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/billing-flow-${env.id}` });
  pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "billing-flow-session-secret-0123456789", METRICS_PORT: "0" });
  pm.start("relay", "relay-0");
  pm.start("worker", "worker-0");
  await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
}, 240_000);

afterAll(async () => {
  await pm?.stopAll();
  await fake?.close();
  await env?.close();
});


const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);
const workspace = async (id: string) => (await sql<{ plan: string; stripe_customer_id: string | null; stripe_subscription_id: string | null }>("select plan, stripe_customer_id, stripe_subscription_id from workspaces where id = ?", [id]))[0]!;
const available = async (id: string) => (await getCreditBalance(env.orm.em.fork(), id)).available;
const unprocessed = async () => Number((await sql<{ n: string }>("select count(*)::text as n from billing_events where processed_at is null"))[0]!.n);

describe("billing end to end", () => {
  it("upgrade through Checkout, redeliveries in reverse order change nothing, portal cancellation downgrades to FREE", async () => {
    const s = await createScenario(env.orm, { patients: 0, dueAt: new Date(), plan: "FREE", credits: 1 });
    await startFreePlan(env.orm.em.fork(), s.workspaceId, { now: new Date() });
    expect(await available(s.workspaceId)).toBe(51);

    const stripe = createStripeClient({ secretKey: "sk_test_e2e", apiUrl: fake.url });
    const session = await createCheckoutSession(stripe, { workspaceId: s.workspaceId, plan: "STARTER", prices: PRICES, publicUrl: webUrl, email: "duena@example.com" });
    await fake.completeCheckout(session.id);
    expect(fake.sent.map((e) => e.type)).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);

    await waitUntil(async () => (await workspace(s.workspaceId)).plan === "STARTER" && (await unprocessed()) === 0, 20_000, "the upgrade to be applied");
    // FREE's leftovers expired with the new period: exactly the STARTER period's credits.
    expect(await available(s.workspaceId)).toBe(500);
    const linked = await workspace(s.workspaceId);
    expect(linked.stripe_customer_id).toMatch(/^cus_/);
    expect(linked.stripe_subscription_id).toMatch(/^sub_/);

    // Stripe retries every event, newest first.
    for (const e of [...fake.sent].reverse()) expect(await fake.redeliver(e.payload)).toBe(200);
    await sleep(1500);
    expect(await unprocessed()).toBe(0);
    expect(Number((await sql<{ n: string }>("select count(*)::text as n from billing_events"))[0]!.n)).toBe(3);
    expect(await available(s.workspaceId)).toBe(500);

    await fake.cancelSubscriptions(linked.stripe_customer_id!);
    await waitUntil(async () => (await workspace(s.workspaceId)).plan === "FREE", 20_000, "the downgrade to be applied");
    await waitUntil(async () => (await unprocessed()) === 0, 10_000, "events processed");
    expect(await available(s.workspaceId)).toBe(50);
    expect((await workspace(s.workspaceId)).stripe_subscription_id).toBeNull();
    // The next FREE period is scheduled.
    const next = await sql<{ status: string }>("select status from outbox where workspace_id = ? and type = 'billing.free-period' and status = 'pending'", [s.workspaceId]);
    expect(next.length).toBeGreaterThanOrEqual(1);
  });
});
