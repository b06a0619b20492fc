// A local stand-in for the parts of the Stripe API the web app calls — Checkout Sessions and
// customer-portal sessions — for tests and `npm start` (STRIPE_API_URL). Dev/test tool only.
//
// With `webhook` set it also plays Stripe's side of the flow: its hosted "checkout" page completes
// the purchase by posting signed checkout.session.completed, customer.subscription.created and
// invoice.paid (subscription_create) events to the web app, shaped like the pinned API version; the
// "portal" page can cancel the subscription (customer.subscription.deleted).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { STRIPE_API_VERSION } from "../stripe-client.ts";

export interface FakeStripeOptions {
  port?: number;
  host?: string;
  /** Where signed events go, and the secret that signs them. */
  webhook?: { url: string; secret: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotencyKey: string | null;
  authorization: string | null;
}

interface SessionRecord {
  id: string;
  object: "checkout.session";
  mode: string;
  url: string;
  client_reference_id: string | null;
  customer: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  subscription_metadata: Record<string, string>;
  price: string | null;
  success_url: string;
  cancel_url: string;
  status: "open" | "complete";
  payment_status: "unpaid" | "paid";
  subscription: string | null;
}

export interface FakeStripe {
  url: string;
  port: number;
  requests: RecordedRequest[];
  sessions: Map<string, SessionRecord>;
  /** Every event posted to the webhook, exactly as sent (to redeliver it, as Stripe retries do). */
  sent: { type: string; payload: string }[];
  /** Signs and posts a payload again, as a Stripe retry would (same event id). */
  redeliver(payload: string): Promise<number>;
  /** Cancels every subscription of the customer, as the portal's cancel button does. */
  cancelSubscriptions(customerId: string): Promise<void>;
  /** Sets (or changes) where signed events go: the web app's port is often known only later. */
  setWebhook(webhook: { url: string; secret: string } | undefined): void;
  /** Completes a Checkout Session as if the customer paid; posts the events when a webhook is set. */
  completeCheckout(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

/** Parses Stripe's form encoding (`a[b][0][c]=v`) into nested objects/arrays. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== "");
    let cur: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        cur[part] = value;
      } else {
        cur[part] ??= {};
        cur = cur[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function html(title: string, body: string): string {
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;
}

export async function startFakeStripe(initial: FakeStripeOptions = {}): Promise<FakeStripe> {
  const options = { ...initial };
  const requests: RecordedRequest[] = [];
  const sessions = new Map<string, SessionRecord>();
  const subscriptions = new Map<string, { customer: string; workspaceId: string; price: string; metadata: Record<string, string>; start: number; end: number }>();
  const signer = new Stripe("sk_test_fake", { apiVersion: STRIPE_API_VERSION, telemetry: false });
  const sent: { type: string; payload: string }[] = [];
  let base = "";

  async function deliver(payload: string): Promise<number> {
    if (!options.webhook) throw new Error("no webhook configured");
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: options.webhook.secret });
    const res = await fetch(options.webhook.url, { method: "POST", body: payload, headers: { "content-type": "application/json", "stripe-signature": header } });
    await res.arrayBuffer();
    return res.status;
  }

  async function cancelSubscriptions(customerId: string): Promise<void> {
    for (const [subId, sub] of subscriptions) {
      if (sub.customer !== customerId) continue;
      const now = Math.floor(Date.now() / 1000);
      await post("customer.subscription.deleted", subscriptionObject(subId, "canceled", now - 86_400, now));
      subscriptions.delete(subId);
    }
  }

  async function post(type: string, object: Record<string, unknown>): Promise<void> {
    if (!options.webhook) return;
    const payload = JSON.stringify({
      id: id("evt"),
      object: "event",
      api_version: STRIPE_API_VERSION,
      created: Math.floor(Date.now() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    });
    sent.push({ type, payload });
    const status = await deliver(payload);
    if (status !== 200) throw new Error(`webhook answered ${status}`);
  }

  async function completeCheckout(sessionId: string): Promise<void> {
    const s = sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    if (s.status === "complete") return;
    const customer = s.customer ?? id("cus");
    const subscription = id("sub");
    const workspaceId = s.subscription_metadata.workspaceId ?? s.client_reference_id ?? "";
    s.customer = customer;
    s.subscription = subscription;
    s.status = "complete";
    s.payment_status = "paid";
    const start = Math.floor(Date.now() / 1000);
    const end = start + 30 * 86_400;
    subscriptions.set(subscription, { customer, workspaceId, price: s.price ?? "", metadata: s.subscription_metadata, start, end });
    await post("checkout.session.completed", { ...s, url: null, subscription_metadata: undefined, price: undefined });
    await post("customer.subscription.created", subscriptionObject(subscription, "active", start, end));
    await post("invoice.paid", {
      id: id("in"),
      object: "invoice",
      billing_reason: "subscription_create",
      customer,
      status: "paid",
      parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription, metadata: s.subscription_metadata } },
      lines: {
        object: "list",
        has_more: false,
        data: [
          {
            id: id("il"),
            object: "line_item",
            amount: 2900,
            currency: "usd",
            period: { start, end },
            pricing: { type: "price_details", price_details: { price: s.price, product: "prod_fake" }, unit_amount_decimal: "2900" },
            parent: { type: "subscription_item_details", invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: null, subscription, subscription_item: "si_fake" } },
          },
        ],
      },
    });
  }

  function line(subscription: string, price: string, amount: number, start: number, end: number, proration: boolean): Record<string, unknown> {
    return {
      id: id("il"),
      object: "line_item",
      amount,
      currency: "usd",
      period: { start, end },
      pricing: { type: "price_details", price_details: { price, product: "prod_fake" }, unit_amount_decimal: String(Math.abs(amount)) },
      parent: { type: "subscription_item_details", invoice_item_details: null, subscription_item_details: { invoice_item: proration ? id("ii") : null, proration, proration_details: null, subscription, subscription_item: "si_fake" } },
    };
  }

  /** POST /v1/subscriptions/:id with a new price and always_invoice: updated + a paid proration invoice. */
  async function changePrice(subId: string, price: string): Promise<Record<string, unknown>> {
    const sub = subscriptions.get(subId)!;
    const previous = sub.price;
    sub.price = price;
    const now = Math.floor(Date.now() / 1000);
    const updated = subscriptionObject(subId, "active", sub.start, sub.end);
    await post("customer.subscription.updated", updated);
    await post("invoice.paid", {
      id: id("in"),
      object: "invoice",
      billing_reason: "subscription_update",
      customer: sub.customer,
      status: "paid",
      parent: { type: "subscription_details", quote_details: null, subscription_details: { subscription: subId, metadata: sub.metadata } },
      lines: { object: "list", has_more: false, data: [line(subId, previous, -1000, now, sub.end, true), line(subId, price, 3000, now, sub.end, true)] },
    });
    return updated;
  }

  function subscriptionObject(subId: string, status: string, start: number, end: number): Record<string, unknown> {
    const sub = subscriptions.get(subId)!;
    return {
      id: subId,
      object: "subscription",
      customer: sub.customer,
      status,
      metadata: sub.metadata,
      items: { object: "list", data: [{ id: "si_fake", object: "subscription_item", price: { id: sub.price, object: "price" }, current_period_start: start, current_period_end: end }] },
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const url = new URL(req.url ?? "/", base);
        const body = Buffer.concat(chunks).toString("utf8");
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
          res.end(JSON.stringify(value));
        };
        const page = (status: number, content: string) => {
          res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
          res.end(content);
        };

        if (url.pathname.startsWith("/v1/")) {
          const auth = req.headers.authorization ?? null;
          const params = parseStripeForm(body);
          requests.push({ method: req.method ?? "", path: url.pathname, params, idempotencyKey: (req.headers["idempotency-key"] as string | undefined) ?? null, authorization: auth });
          if (!auth || !/^Bearer sk_(test|live)_\w+/.test(auth)) return json(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });

          if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
            const lineItems = params.line_items as Record<string, { price?: string }> | undefined;
            const price = lineItems?.["0"]?.price ?? null;
            if (params.mode !== "subscription" || !price) return json(400, { error: { type: "invalid_request_error", message: "mode=subscription and line_items[0][price] are required" } });
            const sid = id("cs_test");
            const session: SessionRecord = {
              id: sid,
              object: "checkout.session",
              mode: "subscription",
              url: `${base}/checkout/${sid}`,
              client_reference_id: (params.client_reference_id as string | undefined) ?? null,
              customer: (params.customer as string | undefined) ?? null,
              customer_email: (params.customer_email as string | undefined) ?? null,
              metadata: (params.metadata as Record<string, string> | undefined) ?? {},
              subscription_metadata: ((params.subscription_data as Record<string, unknown> | undefined)?.metadata as Record<string, string> | undefined) ?? {},
              price,
              success_url: String(params.success_url ?? ""),
              cancel_url: String(params.cancel_url ?? ""),
              status: "open",
              payment_status: "unpaid",
              subscription: null,
            };
            sessions.set(sid, session);
            return json(200, session);
          }
          const get = /^\/v1\/checkout\/sessions\/([\w-]+)$/.exec(url.pathname);
          if (req.method === "GET" && get) {
            const s = sessions.get(get[1]!);
            return s ? json(200, s) : json(404, { error: { type: "invalid_request_error", message: "No such checkout.session" } });
          }
          const subPath = /^\/v1\/subscriptions\/([\w-]+)$/.exec(url.pathname);
          if (subPath) {
            const sub = subscriptions.get(subPath[1]!);
            if (!sub) return json(404, { error: { type: "invalid_request_error", message: "No such subscription" } });
            if (req.method === "GET") return json(200, subscriptionObject(subPath[1]!, "active", sub.start, sub.end));
            const items = params.items as Record<string, { id?: string; price?: string }> | undefined;
            const price = items?.["0"]?.price;
            if (req.method === "POST" && price) {
              if (params.proration_behavior !== "always_invoice") return json(400, { error: { type: "invalid_request_error", message: "this fake only invoices prorations at once" } });
              return json(200, await changePrice(subPath[1]!, price));
            }
            return json(400, { error: { type: "invalid_request_error", message: "unsupported subscription request" } });
          }
          if (req.method === "POST" && url.pathname === "/v1/billing_portal/sessions") {
            if (typeof params.customer !== "string") return json(400, { error: { type: "invalid_request_error", message: "customer is required" } });
            const pid = id("bps");
            const returnUrl = String(params.return_url ?? "");
            return json(200, { id: pid, object: "billing_portal.session", customer: params.customer, return_url: returnUrl, url: `${base}/portal/${pid}?customer=${encodeURIComponent(params.customer)}&return=${encodeURIComponent(returnUrl)}` });
          }
          return json(404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method} ${url.pathname})` } });
        }

        // Hosted pages (dev only).
        const checkout = /^\/checkout\/([\w-]+)(\/(pay|cancel))?$/.exec(url.pathname);
        if (checkout) {
          const s = sessions.get(checkout[1]!);
          if (!s) return page(404, html("Stripe (simulado)", "<p>Sesión desconocida.</p>"));
          if (req.method === "POST" && checkout[3] === "pay") {
            await completeCheckout(s.id);
            res.writeHead(303, { location: s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id) });
            return res.end();
          }
          if (req.method === "POST" && checkout[3] === "cancel") {
            res.writeHead(303, { location: s.cancel_url });
            return res.end();
          }
          return page(200, html("Pago (Stripe simulado)", `<h1>Stripe simulado</h1><p>Suscripción al precio <code>${s.price}</code>.</p><form method="post" action="/checkout/${s.id}/pay"><button>Pagar</button></form><form method="post" action="/checkout/${s.id}/cancel"><button>Volver sin pagar</button></form>`));
        }
        const portal = /^\/portal\/([\w-]+)(\/cancel)?$/.exec(url.pathname);
        if (portal) {
          const customer = url.searchParams.get("customer") ?? "";
          const back = url.searchParams.get("return") ?? "/";
          if (req.method === "POST" && portal[2]) {
            await cancelSubscriptions(customer);
            res.writeHead(303, { location: back });
            return res.end();
          }
          return page(200, html("Portal (Stripe simulado)", `<h1>Portal de cliente (simulado)</h1><form method="post" action="/portal/${portal[1]}/cancel?customer=${encodeURIComponent(customer)}&return=${encodeURIComponent(back)}"><button>Cancelar suscripción</button></form><p><a href="${back}">Volver</a></p>`));
        }
        page(404, html("Stripe (simulado)", "<p>No encontrado.</p>"));
      })().catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`;
  return {
    url: base,
    port,
    requests,
    sessions,
    completeCheckout,
    sent,
    redeliver: deliver,
    cancelSubscriptions,
    setWebhook(webhook) {
      options.webhook = webhook;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
