// Twilio webhooks (SPEC §5.5, §5.6, §8): POST /webhooks/twilio/status and /webhooks/twilio/inbound.
//
// Mounted on the web server AHEAD of Remix: a WHATWG Request + formData() costs ~70 % of a bare
// server (docs/performance.md), and these endpoints take ~3 callbacks per outgoing message. Each request:
// size limit (413) → content type (415) → X-Twilio-Signature over PUBLIC_URL + path + every posted
// parameter, any token of the rotation list (403) → required fields (400) → one INSERT, ON CONFLICT
// DO NOTHING on what makes the callback unique, so a replayed webhook has no second effect → 2xx in
// milliseconds. A status callback is a row of provider_status_events (unique per sid and status),
// which the worker's status applier reads in set-based batches (decision 011); an inbound reply is
// an outbox row. Concurrent requests share one INSERT and one commit (group commit,
// @rm/db's OutboxGroupInserter). Everything else happens in the worker.
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { type Clock, DELIVERY_STATUS_RANK, fromTwilioStatus } from "@rm/domain";
import { defineInstruments } from "@rm/telemetry";
import { verifyTwilioSignature } from "@rm/twilio";
import { OutboxGroupInserter } from "@rm/db";
import { StatusEventGroupInserter } from "./status-event-insert.ts";
import { readRawBody } from "./read-raw-body.ts";
import { twilioInboundEvent } from "@rm/events";

export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";
export const TWILIO_INBOUND_PATH = "/webhooks/twilio/inbound";

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const instruments = defineInstruments((meter) => ({
  requests: meter.createCounter("rm.webhook.requests", {
    description: "Webhook requests by route and outcome (accepted, duplicate, forged, too_large, bad_request, unsupported_type, error)",
  }),
}));

export interface TwilioWebhookOptions {
  pool: Pick<pg.Pool, "query">;
  /** Public base URL Twilio calls (signatures are computed over it), without trailing slash. */
  publicUrl: string;
  /** Every auth token of the platform's rotation list; a signature made with any of them is accepted. */
  authTokens: readonly string[];
  /**
   * A workspace's own Twilio account by the posted AccountSid (SPEC §12), with the tokens its
   * callbacks may be signed with; null for an account no workspace connected (the platform's).
   * A callback naming a connected account verifies with that account's tokens only, so one signed
   * with the platform's token for it is refused.
   */
  resolveAccount?: (accountSid: string) => Promise<{ workspaceId: string; authTokens: readonly string[] } | null>;
  /**
   * The connection-overrides fragment our callback URLs carry (TWILIO_WEBHOOK_OVERRIDES). Twilio signs
   * the URL exactly as supplied, fragment included, and never sends the fragment: a signature over the
   * URL with it or without it is accepted (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
   */
  webhookOverrides?: string;
  clock: Clock;
  maxBodyBytes?: number;
  traceparent?: () => string | null;
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}


/** Returns a handler for the two Twilio routes, or null for any other path (let the app handle it). */
export function createTwilioWebhookHandler(options: TwilioWebhookOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const inserter = new OutboxGroupInserter({ pool: options.pool });
  const statusInserter = new StatusEventGroupInserter({ pool: options.pool });

  return async function handle(req, res) {
    const url = req.url ?? "/";
    const queryAt = url.indexOf("?");
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const route = path === TWILIO_STATUS_PATH ? "status" : path === TWILIO_INBOUND_PATH ? "inbound" : null;
    if (!route) return false;
    const routeId = route === "status" ? TWILIO_STATUS_PATH : TWILIO_INBOUND_PATH;
    const done = (status: number, outcome: string, body = "", type = "text/plain; charset=utf-8") => {
      instruments().requests.add(1, { route: routeId, outcome });
      if (status === 204) {
        // No content, so no Content-Length and no body write (RFC 9110 §8.6).
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
      res.end(body);
    };

    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      done(405, "bad_request", "Method Not Allowed");
      return true;
    }
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/x-www-form-urlencoded") {
      done(415, "unsupported_type", "Expected application/x-www-form-urlencoded");
      req.resume();
      return true;
    }
    const raw = await readRawBody(req, maxBodyBytes);
    if (raw === null) {
      done(413, "too_large", "Payload Too Large");
      return true;
    }

    // Without a prototype: a posted "__proto__" is a parameter like any other (it is signed too).
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of new URLSearchParams(raw.toString("utf8"))) params[k] = v;
    const signature = req.headers["x-twilio-signature"];
    let own: { workspaceId: string; authTokens: readonly string[] } | null = null;
    if (options.resolveAccount && params.AccountSid && typeof signature === "string") {
      try {
        own = await options.resolveAccount(params.AccountSid);
      } catch (err) {
        // Unknown whether it is genuine: Twilio may retry a 5xx (SPEC §12), nothing was stored.
        options.logger?.error({ route: routeId, err: String(err) }, "could not look up the webhook's account");
        done(503, "error", "Temporarily unavailable");
        return true;
      }
    }
    const tokens = own ? own.authTokens : options.authTokens;
    if (typeof signature !== "string" || !verifyTwilioSignature({ authTokens: tokens, signature, url: options.publicUrl + url, fragment: options.webhookOverrides ?? "", params })) {
      options.logger?.warn({ route: routeId }, "rejected a webhook with a missing or invalid signature");
      done(403, "forged", "Invalid signature");
      return true;
    }

    const sid = params.MessageSid ?? params.SmsSid;
    // PostgreSQL's jsonb cannot hold U+0000: a signed form carrying one would answer 503 forever
    // (and be retried forever). It is stored as U+FFFD, the replacement character, instead.
    const stored: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(params)) stored[k.replaceAll("\0", "\uFFFD")] = v.replaceAll("\0", "\uFFFD");
    let store: () => Promise<boolean>;
    if (route === "status") {
      const status = params.MessageStatus ?? params.SmsStatus;
      if (!sid || !status) {
        done(400, "bad_request", "MessageSid and MessageStatus are required");
        return true;
      }
      const messageId = new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1)).get("m");
      const mapped = fromTwilioStatus(status);
      const row = {
        sid: stored.MessageSid ?? stored.SmsSid!,
        status: (stored.MessageStatus ?? stored.SmsStatus)!,
        rank: mapped ? DELIVERY_STATUS_RANK[mapped] : null,
        errorCode: stored.ErrorCode || null,
        params: JSON.stringify(stored),
        messageId: messageId && UUID_RE.test(messageId) ? messageId : null,
        receivedAt: options.clock.now(),
        traceContext: options.traceparent?.() ?? null,
      };
      store = () => statusInserter.insert(row);
    } else {
      if (!sid || !params.From || !params.To) {
        done(400, "bad_request", "MessageSid, From and To are required");
        return true;
      }
      const row = {
        stream: "inbound",
        type: twilioInboundEvent.type,
        // An own account's number belongs to one workspace: its replies route there only.
        payload: JSON.stringify(own ? { params: stored, workspaceId: own.workspaceId } : { params: stored }),
        idempotencyKey: twilioInboundEvent.key(sid),
        availableAt: options.clock.now(),
        traceContext: options.traceparent?.() ?? null,
      };
      store = () => inserter.insert(row);
    }

    try {
      const inserted = await store();
      const outcome = inserted ? "accepted" : "duplicate";
      if (route === "inbound") done(200, outcome, EMPTY_TWIML, "text/xml; charset=utf-8");
      else done(204, outcome);
    } catch (err) {
      // Nothing was stored. Twilio retries a 5xx only as the URL's connection overrides allow; a reply
      // lost beyond that is applied by the inbound reconciliation, a status by delivery reconciliation.
      options.logger?.error({ route: routeId, err: String(err) }, "could not store webhook");
      done(503, "error", "Temporarily unavailable");
    }
    return true;
  };
}
