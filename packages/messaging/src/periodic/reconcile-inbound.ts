// Inbound reconciliation (SPEC §12 "Webhook retries have to be asked for"): Twilio does not retry an
// inbound webhook answered 5xx unless the URL's connection overrides ask for it, and then only a few
// times within seconds (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides), so
// a reply that arrives while the database is down can be lost at the webhook. Each run lists, per
// sender of ours, the messages Twilio received since the latest reply already stored for that sender
// (minus a margin as long as the outages it must bridge) through the Messages list — To = our sender,
// DateSent >= watermark, paged by the SDK; an incoming message's date_sent is when Twilio posted the
// webhook (https://www.twilio.com/docs/messaging/api/message-resource) — and hands every one we do
// not have to the same path as the webhook: a `twilio.inbound` outbox row keyed by MessageSid, so a
// reply the webhook did store, or an earlier run already queued, is never applied twice.
import type { MikroORM } from "@mikro-orm/postgresql";
import { workspaceSenders } from "@rm/accounts";
import { enqueueOutbox, OutboxStream, pgArray } from "@rm/db";
import { twilioInboundEvent } from "@rm/events";
import type { LogSink } from "@rm/telemetry";
import type { TwilioClient } from "@rm/twilio";
import type { PeriodicOptions } from "./periodic-options.ts";

export interface InboundReconcileDeps {
  orm: MikroORM;
  logger: LogSink;
  twilio?: TwilioClient;
  /** The platform's own senders (TWILIO_FROM_SMS, TWILIO_FROM_WHATSAPP), besides the workspaces'. */
  platformSenders?: readonly string[];
}

export interface InboundReconcileSummary {
  senders: number;
  listed: number;
  /** Replies Twilio had that we did not: queued now through the inbound path. */
  recovered: number;
  /** Senders whose list failed; the next run lists them again (the watermark did not move). */
  errors: number;
}

type ListedMessage = Awaited<ReturnType<TwilioClient["messages"]["list"]>>[number];

/** The webhook's parameters for a message the list returned (what the inbound handler reads). */
function inboundParams(m: ListedMessage): Record<string, string> {
  const p: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: m.apiVersion,
    Body: m.body ?? "",
    From: m.from ?? "",
    MessageSid: m.sid,
    NumMedia: String(m.numMedia ?? "0"),
    NumSegments: String(m.numSegments ?? "1"),
    SmsMessageSid: m.sid,
    SmsSid: m.sid,
    SmsStatus: "received",
    To: m.to,
  };
  if (m.messagingServiceSid) p.MessagingServiceSid = m.messagingServiceSid;
  return p;
}

export async function reconcileInbound(deps: InboundReconcileDeps, now: Date, options: PeriodicOptions): Promise<InboundReconcileSummary> {
  const summary: InboundReconcileSummary = { senders: 0, listed: 0, recovered: 0, errors: 0 };
  const twilio = deps.twilio;
  if (!twilio) {
    deps.logger.warn({}, "inbound reconciliation skipped: no Twilio client configured");
    return summary;
  }
  const em = deps.orm.em.fork();
  const senders = [...new Set([...(deps.platformSenders ?? []).filter(Boolean), ...(await workspaceSenders(em))])];
  summary.senders = senders.length;
  if (senders.length === 0) return summary;

  const floor = now.getTime() - options.inboundReconcileMaxAgeMs;
  const latest = await em.execute<{ to_address: string; latest: Date | string }[]>(
    `select to_address, max(received_at) as latest from inbound_messages where to_address = any(?::text[]) group by to_address`,
    [pgArray(senders)],
  );
  const latestBySender = new Map(latest.map((r) => [r.to_address, new Date(r.latest).getTime()]));

  for (const sender of senders) {
    const seen = latestBySender.get(sender);
    const since = new Date(Math.max(floor, (seen ?? floor) - options.inboundReconcileOverlapMs));
    let listed: ListedMessage[];
    try {
      listed = await twilio.messages.list({ to: sender, dateSentAfter: since, pageSize: 1000, limit: options.inboundReconcileLimit });
    } catch (err) {
      summary.errors++;
      deps.logger.warn({ sender, err: err instanceof Error ? err.message : String(err) }, "could not list inbound messages; next run tries again");
      continue;
    }
    const incoming = listed.filter((m) => m.direction === "inbound" && m.from && m.to);
    summary.listed += incoming.length;
    if (incoming.length === 0) continue;
    const known = await em.execute<{ provider_sid: string }[]>(`select provider_sid from inbound_messages where provider_sid = any(?::text[])`, [pgArray(incoming.map((m) => m.sid))]);
    const have = new Set(known.map((k) => k.provider_sid));
    const missing = incoming.filter((m) => !have.has(m.sid));
    if (missing.length === 0) continue;
    // One row per MessageSid (the webhook's key): a reply already queued by the webhook or an earlier
    // run inserts nothing. available_at = when Twilio received it, which the handler stores as the
    // reply's time.
    const inserted = await enqueueOutbox(
      em,
      missing.map((m) => ({
        workspaceId: null,
        stream: OutboxStream.INBOUND,
        type: twilioInboundEvent.type,
        payload: { params: inboundParams(m) },
        idempotencyKey: twilioInboundEvent.key(m.sid),
        availableAt: m.dateSent ?? m.dateCreated ?? now,
      })),
    );
    summary.recovered += inserted;
    if (inserted > 0) deps.logger.warn({ sender, recovered: inserted, since: since.toISOString() }, "replies missing from the webhook were recovered from Twilio's message list");
  }
  return summary;
}
