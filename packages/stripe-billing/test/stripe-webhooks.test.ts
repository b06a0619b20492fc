// End to end over real PostgreSQL: signed Stripe events → POST /webhooks/stripe → billing_events +
// outbox → the worker's billing handlers → workspace plan, ledger, past-due.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deductCredits, holdCredits } from "@rm/credits";
import { enqueueOutbox } from "@rm/db";
import { FREE_PERIOD_TYPE, STRIPE_EVENT_TYPE } from "../src/constants.ts";
import { createBillingHandlers } from "../src/handlers.ts";
import { startFreePlan } from "../src/free-plan.ts";
import { balance, createWorkspace, ledger, outboxRows, publish } from "./fixtures.ts";
import { checkoutCompleted, event, invoice, newSub, OLD_SECRET, PRICES, sign, subscription, type Sub } from "./stripe-events.ts";
import { setupWebhookHarness, type WebhookHarness } from "./webhook-harness.ts";

let h: WebhookHarness;
beforeAll(async () => {
  h = await setupWebhookHarness("2026-11-23T12:00:00.000Z");
});
afterAll(async () => h?.close());

const DAY = 86_400;
const P1 = { start: 1_795_000_000, end: 1_795_000_000 + 30 * DAY };
const P2 = { start: P1.end, end: P1.end + 31 * DAY };

async function freeWorkspace(): Promise<string> {
  const ws = await createWorkspace(h.orm);
  await startFreePlan(h.orm.em.fork(), ws, { now: h.clock.now() });
  return ws;
}

async function workspace(id: string) {
  const [row] = await h.orm.em.fork().execute<{ plan: string; stripe_customer_id: string | null; stripe_subscription_id: string | null; past_due_at: Date | null }[]>(
    "select plan, stripe_customer_id, stripe_subscription_id, past_due_at from workspaces where id = ?",
    [id],
  );
  return row!;
}

async function counts() {
  const [row] = await h.orm.em.fork().execute<{ events: string; outbox: string }[]>(
    "select (select count(*) from billing_events)::text as events, (select count(*) from outbox where stream = 'billing' and type = 'stripe.event')::text as outbox",
  );
  return { events: Number(row!.events), outbox: Number(row!.outbox) };
}

const created = (s: Sub, plan: keyof typeof PRICES, period = P1, id?: string) =>
  invoice("invoice.paid", s, "subscription_create", [{ price: PRICES[plan], amount: 2900, ...period }], id);

describe("POST /webhooks/stripe: signature", () => {
  it("rejects a forged, stale, unsigned or foreign-secret event with 400 and stores nothing", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    const ev = created(s, "STARTER");
    const before = await counts();
    const body = JSON.stringify(ev);
    const tampered = JSON.stringify({ ...ev, id: "evt_tampered" });

    expect((await h.post(ev, { secret: "whsec_not_ours" })).status).toBe(400);
    expect((await h.post(ev, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(400);
    expect((await h.post(ev, { header: "" })).status).toBe(400);
    // A valid signature over other bytes.
    const res = await fetch(h.url, { method: "POST", body: tampered, headers: { "content-type": "application/json", "stripe-signature": sign(body) } });
    expect(res.status).toBe(400);

    expect(await counts()).toEqual(before);
    await h.work();
    expect(await workspace(ws)).toMatchObject({ plan: "FREE", stripe_customer_id: null });
    expect(await balance(h.orm, ws)).toBe(50);
  });

  it("accepts the previous secret during rotation, and refuses a body over the limit with 413", async () => {
    const ws = await freeWorkspace();
    const res = await h.post(checkoutCompleted(newSub(ws)), { secret: OLD_SECRET });
    expect(res.status).toBe(200);
    const big = JSON.stringify({ ...event("invoice.paid", {}), padding: "x".repeat(1024 * 1024) });
    const tooLarge = await fetch(h.url, { method: "POST", body: big, headers: { "content-type": "application/json", "stripe-signature": sign(big) } });
    expect(tooLarge.status).toBe(413);
  });
});

describe("stripe events applied by the worker", () => {
  it("checkout + first invoice: plan, link and the period's credits (FREE's leftovers expire), exactly once when delivered twice", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    const checkout = checkoutCompleted(s);
    const paid = created(s, "STARTER");
    await h.deliver(checkout);
    expect(await workspace(ws)).toMatchObject({ plan: "FREE", stripe_customer_id: s.customer, stripe_subscription_id: s.subscription });
    await h.deliver(paid);
    expect(await workspace(ws)).toMatchObject({ plan: "STARTER", past_due_at: null });
    expect(await balance(h.orm, ws)).toBe(500);

    // Stripe delivers again (same event ids), and the same invoice again as invoice.payment_succeeded.
    const replay = await h.post(paid);
    expect(replay).toMatchObject({ status: 200 });
    expect(JSON.parse(replay.body)).toMatchObject({ duplicate: true });
    await h.deliver(checkout);
    const succeeded = { ...invoice("invoice.payment_succeeded", s, "subscription_create", []), data: paid.data };
    await h.deliver(succeeded);
    await h.work();
    expect(await balance(h.orm, ws)).toBe(500);
    const grants = (await ledger(h.orm, ws)).filter((e) => e.kind === "grant");
    expect(grants.map((g) => g.amount)).toEqual([50, 500]);
  });

  it("invoice.paid before checkout.session.completed finds the workspace by subscription metadata", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(created(s, "PROFESSIONAL"));
    expect(await workspace(ws)).toMatchObject({ plan: "PROFESSIONAL", stripe_customer_id: s.customer, stripe_subscription_id: s.subscription });
    expect(await balance(h.orm, ws)).toBe(2000);
    await h.deliver(checkoutCompleted(s, "PROFESSIONAL"));
    expect(await workspace(ws)).toMatchObject({ plan: "PROFESSIONAL", stripe_subscription_id: s.subscription });
    expect(await balance(h.orm, ws)).toBe(2000);
  });

  it("a new cycle resets paid credits (unused expire, holds stay held); an older period's invoice grants nothing", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(checkoutCompleted(s));
    await h.deliver(created(s, "STARTER"));
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100, reference: "message:a" });
    await holdCredits(h.orm.em.fork(), { workspaceId: ws, amount: 40, reference: "campaign:c1" });
    expect(await balance(h.orm, ws)).toBe(360);

    const cycle = invoice("invoice.paid", s, "subscription_cycle", [{ price: PRICES.STARTER, amount: 2900, ...P2 }]);
    await h.deliver(cycle);
    expect(await balance(h.orm, ws)).toBe(500);
    await h.deliver(cycle);
    expect(await balance(h.orm, ws)).toBe(500);

    // The first period's invoice again under a new event id (e.g. re-sent manually): nothing.
    await h.deliver(created(s, "STARTER", P1));
    expect(await balance(h.orm, ws)).toBe(500);
    const held = (await ledger(h.orm, ws)).filter((e) => e.kind === "hold");
    expect(held).toHaveLength(1);
  });

  it("a plan change grants only the difference, never a second full period, in any order", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(checkoutCompleted(s));
    await h.deliver(created(s, "STARTER"));
    await deductCredits(h.orm.em.fork(), { workspaceId: ws, amount: 300, reference: "message:b" });
    expect(await balance(h.orm, ws)).toBe(200);

    const mid = P1.start + 10 * DAY;
    const upgrade = invoice("invoice.paid", s, "subscription_update", [
      { price: PRICES.STARTER, amount: -1900, start: mid, end: P1.end, proration: true },
      { price: PRICES.PROFESSIONAL, amount: 6500, start: mid, end: P1.end, proration: true },
    ]);
    await h.deliver(subscription("customer.subscription.updated", s, PRICES.PROFESSIONAL, "active", P1.start, P1.end));
    expect((await workspace(ws)).plan).toBe("PROFESSIONAL");
    await h.deliver(upgrade);
    await h.deliver(upgrade);
    await h.deliver({ ...invoice("invoice.payment_succeeded", s, "subscription_update", []), data: upgrade.data });
    expect(await balance(h.orm, ws)).toBe(200 + 1500);

    // Next cycle: the full PROFESSIONAL period, unused credits expire.
    await h.deliver(invoice("invoice.paid", s, "subscription_cycle", [{ price: PRICES.PROFESSIONAL, amount: 9900, ...P2 }]));
    expect(await balance(h.orm, ws)).toBe(2000);

    // A downgrade mid-period grants nothing (and takes nothing back).
    const down = invoice("invoice.paid", s, "subscription_update", [
      { price: PRICES.PROFESSIONAL, amount: -5000, start: P2.start + DAY, end: P2.end, proration: true },
      { price: PRICES.STARTER, amount: 1500, start: P2.start + DAY, end: P2.end, proration: true },
    ]);
    await h.deliver(down);
    expect(await balance(h.orm, ws)).toBe(2000);
    expect((await workspace(ws)).plan).toBe("STARTER");
  });

  it("an older customer.subscription.updated arriving late does not undo a newer plan", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(checkoutCompleted(s));
    await h.deliver(created(s, "STARTER"));
    const t = Math.floor(Date.now() / 1000);
    const toStarter = subscription("customer.subscription.updated", s, PRICES.STARTER, "active", P1.start, P1.end);
    const toPro = subscription("customer.subscription.updated", s, PRICES.PROFESSIONAL, "active", P1.start, P1.end);
    toStarter.created = t;
    toPro.created = t + 60;
    await h.deliver(toPro);
    await h.deliver(toStarter);
    expect((await workspace(ws)).plan).toBe("PROFESSIONAL");
  });

  it("the plan-change invoice arriving before the first invoice still grants one period's worth", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    const first = created(s, "STARTER");
    const upgrade = invoice("invoice.paid", s, "subscription_update", [
      { price: PRICES.STARTER, amount: -1000, start: P1.start + DAY, end: P1.end, proration: true },
      { price: PRICES.PROFESSIONAL, amount: 5000, start: P1.start + DAY, end: P1.end, proration: true },
    ]);
    await h.deliver(upgrade);
    await h.deliver(first);
    await h.deliver(checkoutCompleted(s));
    expect(await balance(h.orm, ws)).toBe(2000);
    const grants = (await ledger(h.orm, ws)).filter((e) => e.kind === "grant").map((g) => g.amount);
    expect(grants).toEqual([50, 2000]);
  });

  it("payment failure marks past-due; the next paid invoice clears it", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(checkoutCompleted(s));
    await h.deliver(created(s, "STARTER"));
    const failedInvoiceId = "in_failed_cycle";
    await h.deliver(invoice("invoice.payment_failed", s, "subscription_cycle", [{ price: PRICES.STARTER, amount: 2900, ...P2 }], failedInvoiceId));
    const pastDue = await workspace(ws);
    expect(pastDue.past_due_at).not.toBeNull();
    expect(pastDue.plan).toBe("STARTER");
    // A second failure keeps the first date.
    await h.deliver(invoice("invoice.payment_failed", s, "subscription_cycle", [{ price: PRICES.STARTER, amount: 2900, ...P2 }], failedInvoiceId));
    expect((await workspace(ws)).past_due_at).toEqual(pastDue.past_due_at);
    await h.deliver(invoice("invoice.paid", s, "subscription_cycle", [{ price: PRICES.STARTER, amount: 2900, ...P2 }], failedInvoiceId));
    expect((await workspace(ws)).past_due_at).toBeNull();
    expect(await balance(h.orm, ws)).toBe(500);
  });

  it("customer.subscription.deleted downgrades to FREE once; late events of that subscription change nothing", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(checkoutCompleted(s));
    await h.deliver(created(s, "PROFESSIONAL"));
    const deleted = subscription("customer.subscription.deleted", s, PRICES.PROFESSIONAL, "canceled", P1.start, P1.end);
    await h.deliver(deleted);
    expect(await workspace(ws)).toMatchObject({ plan: "FREE", stripe_subscription_id: null, stripe_customer_id: s.customer });
    expect(await balance(h.orm, ws)).toBe(50);
    await h.deliver(deleted);
    await h.deliver({ ...deleted, id: "evt_deleted_resent" });
    await h.deliver(created(s, "PROFESSIONAL", P1));
    await h.deliver(subscription("customer.subscription.updated", s, PRICES.PROFESSIONAL, "active", P1.start, P1.end));
    await h.deliver(checkoutCompleted(s, "PROFESSIONAL"));
    expect(await workspace(ws)).toMatchObject({ plan: "FREE", stripe_subscription_id: null });
    expect(await balance(h.orm, ws)).toBe(50);
  });

  it("ENTERPRISE is unlimited: plan set, no grant", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    await h.deliver(created(s, "ENTERPRISE"));
    expect((await workspace(ws)).plan).toBe("ENTERPRISE");
    await holdCredits(h.orm.em.fork(), { workspaceId: ws, amount: 100_000, reference: "campaign:huge" });
  });

  it("an event that can never apply is recorded with its reason, changes nothing and is not retried", async () => {
    const ws = await freeWorkspace();
    const s = newSub(ws);
    const unknownPrice = invoice("invoice.paid", s, "subscription_create", [{ price: "price_unknown", amount: 100, ...P1 }]);
    await h.deliver(unknownPrice);
    const orphan = invoice("invoice.paid", { workspaceId: "00000000-0000-4000-8000-000000000000", customer: "cus_nobody", subscription: "sub_nobody" }, "subscription_create", [{ price: PRICES.STARTER, amount: 100, ...P1 }]);
    await h.deliver(orphan);
    const rows = await h.orm.em.fork().execute<{ stripe_event_id: string; error: string | null; processed_at: Date | null }[]>(
      "select stripe_event_id, error, processed_at from billing_events where stripe_event_id in (?, ?) order by created_at",
      [unknownPrice.id, orphan.id],
    );
    expect(rows.map((r) => r.error)).toEqual([expect.stringMatching(/price_unknown/), expect.stringMatching(/does not exist/)]);
    expect(rows.every((r) => r.processed_at)).toBe(true);
    expect(await workspace(ws)).toMatchObject({ plan: "FREE", stripe_customer_id: null });
    expect(await balance(h.orm, ws)).toBe(50);
    const [pending] = await h.orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from outbox where stream = 'billing' and status <> 'done' and type = 'stripe.event'");
    expect(Number(pending!.n)).toBe(0);
  });
});

describe("the worker's billing handlers: rows that can never run", () => {
  it("are parked out of circulation with the reason, and a second delivery changes nothing", async () => {
    const ws = await createWorkspace(h.orm);
    const handlers = createBillingHandlers({ orm: h.orm, clock: h.clock, prices: PRICES, logger: h.logger });
    const rows = [
      { type: STRIPE_EVENT_TYPE, payload: { billingEventId: "not-a-uuid" } },
      { type: FREE_PERIOD_TYPE, payload: { chain: "signup", anchor: "yesterday", period: 1 } },
    ];
    for (const [i, row] of rows.entries()) {
      await enqueueOutbox(h.orm.em.fork(), { workspaceId: ws, stream: "billing", type: row.type, payload: row.payload, idempotencyKey: `test-unreadable-${i}-${ws}`, availableAt: h.clock.now() });
      const [out] = await outboxRows(h.orm, ws, row.type);
      await publish(h.orm, out!.id);
      const entry = { outboxId: out!.id, type: row.type, workspaceId: ws, payload: JSON.stringify(row.payload), traceparent: "" };
      await handlers[row.type]!(entry);
      await handlers[row.type]!(entry);
      const [parked] = await h.orm.em.fork().execute<{ status: string; last_error: string | null }[]>("select status, last_error from outbox where id = ?", [out!.id]);
      expect(parked).toEqual({ status: "cancelled", last_error: `${row.type}: invalid ${row.type} payload` });
    }
  });
});
