// The Stripe SDK, pinned to the API version it was built for (SPEC §6): webhook payloads and
// responses then have the shape the SDK's types describe.
import Stripe from "stripe";

/** The API version this code reads; configure the webhook endpoint with the same version. */
export const STRIPE_API_VERSION = Stripe.API_VERSION;

export interface StripeClientOptions {
  secretKey: string;
  /** Base URL of a local fake (tests, dev); default Stripe's API. */
  apiUrl?: string;
  timeoutMs?: number;
}

export function createStripeClient(o: StripeClientOptions): Stripe {
  const base = o.apiUrl ? new URL(o.apiUrl) : null;
  return new Stripe(o.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: base ? 0 : 2,
    timeout: o.timeoutMs ?? 20_000,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port ? Number(base.port) : base.protocol === "https:" ? 443 : 80,
          protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {}),
  });
}

/** For signature checks only: constructEvent needs no key or network. */
export const stripeWebhooks: Stripe["webhooks"] = new Stripe("sk_unused_for_signatures", { apiVersion: STRIPE_API_VERSION, telemetry: false }).webhooks;

export { Stripe };
