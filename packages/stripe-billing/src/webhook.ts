// POST /webhooks/stripe (SPEC §6), mounted on the web server's plain node:http AHEAD of Remix so no
// body parser ever touches the bytes Stripe signed. Each request: size cap (413) → the
// Stripe-Signature header checked on the untouched raw body with the SDK against every secret of the
// rotation list, with the SDK's timestamp tolerance (forged or stale: 400, nothing stored) → ONE
// statement that stores the event under its unique id and, only when it is new, the outbox row that
// has the worker apply it (a replay stores nothing) → 200 once that statement committed. A database
// failure answers 503 and Stripe retries.
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { outboxInsertFrom } from "@rm/db";
import type { Clock } from "@rm/domain";
import { readRawBody } from "@rm/messaging";
import { defineInstruments } from "@rm/telemetry";
import { BILLING_STREAM, STRIPE_EVENT_TYPE } from "./constants.ts";
import { stripeWebhooks, STRIPE_API_VERSION } from "./stripe-client.ts";
import { workspaceIdOfObject } from "./stripe-objects.ts";
import { stripeEventEvent } from "@rm/events";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

/** Stripe caps event payloads well below this; anything larger is not Stripe. */
export const STRIPE_MAX_BODY_BYTES = 1024 * 1024;

const STORE_SQL = `
  with ev as (
    insert into billing_events (stripe_event_id, type, workspace_id, payload)
    values ($1, $2, $3, $4::jsonb)
    on conflict (stripe_event_id) do nothing
    returning id
  )
  ${outboxInsertFrom(`select $3, $5, $6, jsonb_build_object('billingEventId', ev.id::text, 'stripeEventId', $1::text), ${stripeEventEvent.keySql("$1::text")}, $7, $8
    from ev`)}`;

const instruments = defineInstruments((meter) => ({
  requests: meter.createCounter("rm.billing.webhook.requests", {
    description: "Stripe webhook requests by outcome (accepted, duplicate, forged, too_large, bad_request, not_configured, error)",
  }),
}));

export interface StripeWebhookOptions {
  pool: Pick<pg.Pool, "query">;
  /** Every webhook signing secret of the rotation list (whsec_…); empty = billing not configured. */
  secrets: readonly string[];
  clock: Clock;
  maxBodyBytes?: number;
  /** Oldest accepted signature timestamp, in seconds (the SDK's default is 300). */
  toleranceSeconds?: number;
  traceparent?: () => string | null;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

type Outcome = "accepted" | "duplicate" | "forged" | "too_large" | "bad_request" | "not_configured" | "error";

/** The lean handler for POST /webhooks/stripe. */
export function createStripeWebhookHandler(options: StripeWebhookOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBodyBytes = options.maxBodyBytes ?? STRIPE_MAX_BODY_BYTES;
  const tolerance = options.toleranceSeconds ?? 300;

  return async function handle(req, res) {
    const done = (status: number, outcome: Outcome, body: string) => {
      instruments().requests.add(1, { outcome });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    const fail = (status: number, outcome: Outcome, error: string) => done(status, outcome, JSON.stringify({ error }));

    if (options.secrets.length === 0) {
      req.resume();
      return fail(503, "not_configured", "billing is not configured (STRIPE_WEBHOOK_SECRET)");
    }
    const raw = await readRawBody(req, maxBodyBytes);
    if (raw === null) return fail(413, "too_large", "payload too large");
    const header = req.headers["stripe-signature"];
    if (typeof header !== "string" || header.length === 0 || header.length > 4096) {
      options.logger?.warn({ route: STRIPE_WEBHOOK_PATH }, "stripe webhook without a signature");
      return fail(400, "forged", "missing Stripe-Signature header");
    }

    const event = verify(raw, header, options.secrets, tolerance);
    if (!event) {
      options.logger?.warn({ route: STRIPE_WEBHOOK_PATH }, "rejected a stripe webhook with an invalid or stale signature");
      return fail(400, "forged", "invalid or stale signature");
    }
    if (typeof event.id !== "string" || !/^evt_\w{1,200}$/.test(event.id) || typeof event.type !== "string" || event.type.length > 200) {
      return fail(400, "bad_request", "not a Stripe event");
    }
    if (event.api_version && event.api_version !== STRIPE_API_VERSION) {
      // Stored and applied anyway (the fields read are checked), but the endpoint should be fixed.
      options.logger?.warn({ eventId: event.id, apiVersion: event.api_version, expected: STRIPE_API_VERSION }, "stripe webhook endpoint uses another API version");
    }

    const workspaceId = workspaceIdOfObject(event.data?.object);
    try {
      const result = await options.pool.query(STORE_SQL, [
        event.id,
        event.type,
        workspaceId,
        raw.toString("utf8"),
        BILLING_STREAM,
        STRIPE_EVENT_TYPE,
        options.clock.now(),
        options.traceparent?.() ?? null,
      ]);
      const fresh = (result.rowCount ?? 0) > 0;
      options.logger?.info({ eventId: event.id, type: event.type, workspaceId, duplicate: !fresh }, "stripe event stored");
      done(200, fresh ? "accepted" : "duplicate", JSON.stringify({ received: true, duplicate: !fresh }));
    } catch (err) {
      options.logger?.error({ eventId: event.id, err: err instanceof Error ? err.message : String(err) }, "could not store stripe event");
      fail(503, "error", "temporarily unavailable");
    }
  };
}

interface SignedEvent {
  id: string;
  type: string;
  api_version?: string | null;
  data?: { object?: unknown };
}

/** The event if any secret of the rotation list signed it recently enough, else null. */
function verify(raw: Buffer, header: string, secrets: readonly string[], tolerance: number): SignedEvent | null {
  for (const secret of secrets) {
    try {
      return stripeWebhooks.constructEvent(raw, header, secret, tolerance) as unknown as SignedEvent;
    } catch {
      // try the next secret
    }
  }
  return null;
}
