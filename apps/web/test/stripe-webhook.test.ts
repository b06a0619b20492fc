// POST /webhooks/stripe on the real server (lean route ahead of Remix): the signature is checked on
// the exact bytes received, a replay stores nothing new, a forged body stores nothing.
import Stripe from "stripe";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const SECRETS = ["whsec_current_0123456789", "whsec_previous_0123456789"];
const stripe = new Stripe("sk_test_unused", { apiVersion: Stripe.API_VERSION });

describe("POST /webhooks/stripe", () => {
  let db: TestDatabase;
  let web: WebServer;
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    web = await startWebServer({ databaseUrl: db.url, env: { STRIPE_WEBHOOK_SECRET: SECRETS.join(",") } });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await web?.stop();
    await db?.drop();
  });

  const post = (body: string, signature: string) =>
    fetch(`${web.url}/webhooks/stripe`, { method: "POST", body, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature } });

  it("verifies the untouched raw body, stores the event and its outbox row once", async () => {
    // Pretty-printed with escapes: re-serialising the parsed JSON would change the bytes and break the signature.
    const body = `{\n  "id": "evt_raw_body_1",\n  "object": "event",\n  "api_version": "${Stripe.API_VERSION}",\n  "created": ${Math.floor(Date.now() / 1000)},\n  "type": "checkout.session.completed",\n  "data": { "object": { "id": "cs_1", "object": "checkout.session", "mode": "subscription", "client_reference_id": "3f1c2a9e-1111-4222-8333-944455556666", "customer_details": { "name": "Jos\\u00e9 N\\u00fa\\u00f1ez" } } }\n}`;
    const first = await post(body, stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS[1]! }));
    expect(first.status).toBe(200);
    const again = await post(body, stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS[0]! }));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });

    const events = await client.query("select stripe_event_id, type, workspace_id from billing_events");
    expect(events.rows).toEqual([{ stripe_event_id: "evt_raw_body_1", type: "checkout.session.completed", workspace_id: "3f1c2a9e-1111-4222-8333-944455556666" }]);
    const outbox = await client.query("select stream, type, workspace_id from outbox where stream = 'billing'");
    expect(outbox.rows).toEqual([{ stream: "billing", type: "stripe.event", workspace_id: "3f1c2a9e-1111-4222-8333-944455556666" }]);
  });

  it("answers 400 to a forged or stale signature and stores nothing", async () => {
    const body = JSON.stringify({ id: "evt_forged_1", object: "event", type: "invoice.paid", created: 1, data: { object: {} } });
    expect((await post(body, stripe.webhooks.generateTestHeaderString({ payload: body, secret: "whsec_attacker" }))).status).toBe(400);
    const stale = stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS[0]!, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await post(body, stale)).status).toBe(400);
    expect((await post(body, "t=1,v1=deadbeef")).status).toBe(400);
    const valid = stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRETS[0]! });
    expect((await post(body.replace("invoice.paid", "invoice.payment_failed"), valid)).status).toBe(400);
    const rows = await client.query("select count(*)::int as n from billing_events where stripe_event_id = 'evt_forged_1'");
    expect(rows.rows[0].n).toBe(0);
  });
});
