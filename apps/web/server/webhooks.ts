// Provider webhooks (SPEC §5, §6, §8), answered on plain node:http AHEAD of Remix: read the raw body
// with a size cap, verify the provider's signature (Twilio: against PUBLIC_URL + path), store the
// event as an outbox row, answer 2xx in milliseconds. The work itself happens in the worker.
// Unlisted /webhooks/* paths fall through to Remix and answer 404.
import type pg from "pg";
import { systemClock } from "@rm/domain";
import { createStripeWebhookHandler, STRIPE_WEBHOOK_PATH } from "@rm/stripe-billing";
import { createTwilioWebhookHandler, TWILIO_INBOUND_PATH, TWILIO_STATUS_PATH } from "@rm/messaging";
import { injectTraceContext } from "@rm/telemetry";
import type { LeanRoute } from "./dispatcher.ts";

export interface WebhookDeps {
  readonly publicUrl: string;
  /** Every Twilio auth token of the rotation list. */
  readonly twilioAuthTokens: readonly string[];
  /** Workspaces' own Twilio accounts by AccountSid (SPEC §12); absent when they cannot be connected. */
  readonly resolveTwilioAccount?: (accountSid: string) => Promise<{ workspaceId: string; authTokens: readonly string[] } | null>;
  /** TWILIO_WEBHOOK_OVERRIDES: signatures are checked over the URL with this fragment and without it. */
  readonly twilioWebhookOverrides?: string;
  /** Every Stripe webhook signing secret of the rotation list; empty = billing not configured (503). */
  readonly stripeWebhookSecrets?: readonly string[];
  readonly logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** A small pool of its own: webhook inserts never wait behind page queries. */
  readonly pool: pg.Pool;
}

/** Twilio callbacks are ~1 KB; anything far larger is not Twilio. */
const TWILIO_MAX_BODY_BYTES = 64 * 1024;

export function webhookRoutes(deps: WebhookDeps): LeanRoute[] {
  const twilio = createTwilioWebhookHandler({
    pool: deps.pool,
    publicUrl: deps.publicUrl,
    authTokens: deps.twilioAuthTokens,
    ...(deps.resolveTwilioAccount ? { resolveAccount: deps.resolveTwilioAccount } : {}),
    ...(deps.twilioWebhookOverrides ? { webhookOverrides: deps.twilioWebhookOverrides } : {}),
    clock: systemClock,
    maxBodyBytes: TWILIO_MAX_BODY_BYTES,
    traceparent: () => injectTraceContext() ?? null,
  });
  const handler = async (req: Parameters<typeof twilio>[0], res: Parameters<typeof twilio>[1]) => {
    await twilio(req, res);
  };
  // The raw body is read by the handler itself: Stripe signs the exact bytes.
  const stripe = createStripeWebhookHandler({
    pool: deps.pool,
    secrets: deps.stripeWebhookSecrets ?? [],
    clock: systemClock,
    traceparent: () => injectTraceContext() ?? null,
    logger: deps.logger,
  });
  return [
    { method: "POST", path: TWILIO_STATUS_PATH, handler },
    { method: "POST", path: TWILIO_INBOUND_PATH, handler },
    { method: "POST", path: STRIPE_WEBHOOK_PATH, handler: (req, res) => stripe(req, res) },
  ];
}
