// Sending a message without duplicates (SPEC §2 "Sending without duplicates", §5.4).
//
// Twilio's create-message call has no idempotency key, so a send is a protocol in three steps:
//   1. one transaction: lock the message and its contact, re-check eligibility, take the sender's
//      rate-limit token, hold the credits, mark the message SENDING with the time of the attempt;
//   2. the provider call, outside any transaction, with our message id in the status-callback URL;
//   3. one transaction: record the provider sid and status, settle the credits, mark the outbox row done.
// A crash between 2 and 3 leaves SENDING without a sid. Whoever handles the entry next waits until
// the first attempt cannot still be in flight (attempt time + SDK timeout + margin) and then asks the
// provider for messages to that number since the attempt; it sends again only if there is none.
// The SDK timeout is shorter than the stream's claim idle time, so a live send is never taken over.
// A failure that proves nothing was sent (the provider unreachable, 429) puts the message back to
// PENDING with its hold and reschedules it with capped backoff until the retry window ends
// (decision 004, "When the provider is unavailable").
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { emitWebhookEvent } from "../webhook-events.ts";
import { completeOutboxRow, deferToRateSlots, lockOutboxRow, parkOutboxRow, pgArray, retryOutboxRowAt } from "@rm/db";
import { chargeMessage, holdCredits, InsufficientCreditsError, releaseCredits } from "@rm/credits";
import {
  applyStatus,
  classifyProviderError,
  countSegments,
  fromTwilioStatus,
  notSentReason,
  retryDelay,
  retryGaveUpText,
  type BackoffOptions,
  type Clock,
  type PlatformContentSids,
  type ProviderError,
  destinationRejection,
  contentVariablesForTemplate,
  resolveWhatsAppContentSid,
  redactText,
  type RetryReason,
} from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import { defineInstruments, type LogSink } from "@rm/telemetry";
import { isTwilioRestException, requestNotSentStage, withConnectionOverrides, type TwilioClient } from "@rm/twilio";
import type { SenderRateLimiter } from "../rate-limit.ts";
import { scheduleReminder } from "../feedback/reminder.ts";
import { recordConsentEvents } from "../consent/consent-history.ts";
import { messageSendEvent } from "@rm/events";
import { loadSendRow, type SendRow } from "./send-context.ts";
import { creditReference, startSmsFallback } from "../status/sms-fallback.ts";
import { BROADCAST_CAP_WINDOW_DAYS, broadcastsSentToContact } from "../campaign/broadcast.ts";

/**
 * The patients whose request or broadcast went out (a batch's, or one message's). A HOT update: no
 * index of patients holds status or updated_at, and the table leaves a tenth of each page free, so the
 * new version of a row goes next to the old one and writes no index entry (decision 043;
 * import-indexes.test.ts checks it).
 * Parameters: the time, the patients' ids.
 */
export const MARK_PATIENTS_SENT_SQL = "update patients set status = 'SENT', updated_at = ? where id = any(?::uuid[]) and status in ('PENDING', 'SCHEDULED')";

export type { SendRow };

export interface SendDeps {
  orm: MikroORM;
  clock: Clock;
  logger: LogSink;
  twilio: TwilioClient;
  /**
   * The client of a workspace's own Twilio account (SPEC §12), from the sealed token its send
   * context carries; absent when own accounts are not configured (no CREDENTIALS_ENCRYPTION_KEYS).
   */
  ownAccountClient?: (account: { accountSid: string; keyId: string; ciphertext: string }) => TwilioClient;
  rateLimiter: SenderRateLimiter;
  /** Base of the status-callback URL (PUBLIC_URL). */
  publicUrl: string;
  /**
   * Twilio connection overrides appended to every status-callback URL (TWILIO_WEBHOOK_OVERRIDES,
   * without "#"): Twilio retries a 5xx only when the URL asks for it.
   */
  webhookOverrides?: string;
  defaults: { smsFrom?: string | undefined; whatsappFrom?: string | undefined; messagingServiceSid?: string | undefined; whatsappContentSids?: PlatformContentSids | undefined };
  /** The global kill switch (SENDING_PAUSED), read at send time. */
  globalPaused: () => boolean;
  /** The SDK's request timeout: an attempt older than this plus a margin cannot still be in flight. */
  sdkTimeoutMs: number;
  inFlightMarginMs?: number;
  /**
   * Failures that prove nothing was sent (refused connection, DNS, TLS handshake, 429) are retried
   * with this backoff (default DEFAULT_SEND_RETRY_BACKOFF) for as long as the provider stays
   * unavailable, up to retryWindowMs after the first of them (default 6 h); then the message fails.
   */
  backoff?: BackoffOptions;
  retryWindowMs?: number;
  /** How long a paused workspace's messages wait before they are looked at again. */
  pausedRetryMs?: number;
  /** Overrides the workspace's reminderAfterHours (tests and demos). */
  reminderDelayMs?: number | undefined;
}

export const payloadSchema = messageSendEvent.payload;
/** A booked slot this close is taken now: the relay's poll and the stream hop are slower than that. */
export const SLOT_EARLY_MS = 50;
/**
 * A message back this long after its slot (a worker backlog, an outage) books a new one instead of
 * catching up, so late messages never burst past the sender's rate all at once.
 */
export const SLOT_LATE_MS = 1000;

/** 15 s, 30 s, 1 min… capped at 10 min between attempts, each up to 20 % earlier so an outage's messages spread out. */
export const DEFAULT_SEND_RETRY_BACKOFF = { baseMs: 15_000, factor: 2, maxMs: 10 * 60_000, jitter: 0.2 } as const;
export const DEFAULT_SEND_RETRY_WINDOW_MS = 6 * 60 * 60_000;

/** Messages that cost nothing and are never blocked by the balance (SPEC §6). */
export const FREE_TYPES = new Set(["HELP", "OPT_OUT_CONFIRMATION", "STAFF_ALERT", "VERIFICATION", "BOT_HANDOFF"]);
/** Messages sent to people who opted out or never consented: the confirmation of the opt-out, and alerts to staff. */
// A sign-up verification code (decision 024) goes to the would-be owner, who is no patient.
const IGNORES_PATIENT_STATE = new Set(["OPT_OUT_CONFIRMATION", "STAFF_ALERT", "VERIFICATION"]);
const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export const sendInstruments = defineInstruments((meter) => ({
  sends: meter.createCounter("rm.messages.sent", {
    description:
      "Send attempts by channel, type and outcome (accepted, failed, retry_scheduled = provider unavailable and nothing sent, retry = outcome unknown and verified before resending, cancelled, duplicate_avoided)",
  }),
  latency: meter.createHistogram("rm.send.latency.seconds", {
    description: "From the time a send was due to the provider accepting it",
    unit: "s",
  }),
  providerDuration: meter.createHistogram("rm.provider.request.duration.seconds", {
    description: "Duration of provider create-message calls",
    unit: "s",
  }),
  providerErrors: meter.createCounter("rm.provider.errors", { description: "Provider errors by Twilio error code" }),
}));

// After the provider call only the message itself is re-checked: no contact lock, no settings.
export const RELOAD_SELECT = `
  select m.id, m.workspace_id, m.patient_id, m.type, m.channel, m.status, m.provider_sid, m.segments,
         m.send_attempted_at, m.send_attempts, m.credits_held, m.fallback_at, m.fallback_from_sid, coalesce(p.contact_id, cv.contact_id) as contact_id
    from messages m
    left join patients p on p.id = m.patient_id
    left join conversations cv on m.patient_id is null and cv.id = m.conversation_id`;
const RELOAD_SQL = `${RELOAD_SELECT}
   where m.workspace_id = ? and m.id = ?
     for update of m`;

export type ReloadedRow = Pick<SendRow, "id" | "workspace_id" | "patient_id" | "type" | "channel" | "status" | "provider_sid" | "segments" | "send_attempted_at" | "send_attempts" | "credits_held" | "fallback_at" | "fallback_from_sid" | "contact_id">;

/** What the provider is asked to do; kept so a verified re-send uses the same parameters. */
export interface ProviderRequest {
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  statusCallback: string;
}

type Phase1 =
  | { kind: "skip" }
  | { kind: "send"; row: SendRow; request: ProviderRequest; dueAt: Date; attempt: number }
  | { kind: "verify"; row: SendRow; request: ProviderRequest; dueAt: Date };

export async function sendMessage(deps: SendDeps, entry: StreamEntry): Promise<void> {
  const parsed = payloadSchema.safeParse(safeJson(entry.payload));
  if (!parsed.success || !entry.workspaceId) {
    await deps.orm.em.fork().transactional((em) => parkOutboxRow(em, entry.outboxId, "unreadable message.send payload"));
    deps.logger.error({ outboxId: entry.outboxId }, "unreadable message.send entry; parked");
    return;
  }
  const workspaceId = entry.workspaceId;
  const messageId = parsed.data.messageId;

  const rateSlotAt = parsed.data.rateSlotAt;
  const phase1 = await deps.orm.em.fork().transactional((em) => prepare(deps, em, entry.outboxId, workspaceId, messageId, rateSlotAt));
  if (phase1.kind === "skip") return;

  if (phase1.kind === "verify") {
    let found: Awaited<ReturnType<typeof findEarlierSend>>;
    try {
      found = await findEarlierSend(deps, phase1.row, phase1.request);
    } catch (err) {
      // The provider cannot be asked (it is down too): ask again later instead of failing the
      // stream entry until it is dead-lettered. Never resend without an answer.
      await deferVerification(deps, entry.outboxId, phase1.row, err);
      return;
    }
    if (found) {
      deps.logger.warn({ messageId, providerSid: found.sid }, "an interrupted send had reached the provider; recorded it instead of sending again");
      sendInstruments().sends.add(1, { channel: phase1.row.channel, type: phase1.row.type, outcome: "duplicate_avoided" });
      await record(deps, entry.outboxId, phase1.row, found.sid, found.status, found.segments, phase1.dueAt);
      return;
    }
    // The provider has nothing: re-arm the attempt (new attempt time) and send.
    const rearmed = await deps.orm.em.fork().transactional(async (em) => {
      const row = await loadSendRow(em, workspaceId, messageId);
      if (!row || row.status !== "SENDING" || row.provider_sid) return null;
      await em.execute("update messages set send_attempted_at = ?, send_attempts = send_attempts + 1, updated_at = ? where id = ?", [deps.clock.now(), deps.clock.now(), messageId], "run");
      return { ...row, send_attempts: row.send_attempts + 1 };
    });
    if (!rearmed) {
      // A status callback recorded the first attempt meanwhile: settle it and finish the row as a
      // redelivered entry would, instead of leaving both to the sweeper.
      await deps.orm.em.fork().transactional((em) => prepare(deps, em, entry.outboxId, workspaceId, messageId));
      return;
    }
    await callProvider(deps, entry.outboxId, rearmed, phase1.request, phase1.dueAt, rearmed.send_attempts);
    return;
  }

  await callProvider(deps, entry.outboxId, phase1.row, phase1.request, phase1.dueAt, phase1.attempt);
}

/**
 * Reschedules the verification of an interrupted attempt when the provider could not be asked. The
 * wait grows with the time since the attempt (so it doubles from one try to the next), within the
 * send-retry backoff's bounds; the message stays SENDING with its hold until the provider answers.
 */
async function deferVerification(deps: SendDeps, outboxId: string, row: SendRow, err: unknown): Promise<void> {
  const { baseMs, maxMs } = { ...DEFAULT_SEND_RETRY_BACKOFF, ...deps.backoff };
  await deps.orm.em.fork().transactional(async (em) => {
    const now = deps.clock.now();
    const outbox = await lockOutboxRow(em, outboxId);
    if (!outbox || outbox.status !== "published") return;
    const elapsed = now.getTime() - toMs(row.send_attempted_at, now.getTime());
    const at = new Date(now.getTime() + Math.min(maxMs, Math.max(baseMs, elapsed)));
    await retryOutboxRowAt(em, outboxId, at, `could not ask the provider about an interrupted attempt (${String(err).slice(0, 200)}); asking again`);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "retry" });
    deps.logger.warn({ messageId: row.id, retryAt: at.toISOString(), err: String(err) }, "could not ask the provider whether an interrupted send went out; will ask again");
  });
}

/** Step 1 (or the decision that there is nothing to do, or that an earlier attempt must be verified). */
async function prepare(deps: SendDeps, em: EntityManager, outboxId: string, workspaceId: string, messageId: string, rateSlotAt?: number): Promise<Phase1> {
  const now = deps.clock.now();
  const outbox = await lockOutboxRow(em, outboxId);
  if (!outbox || outbox.status !== "published") return { kind: "skip" };
  const row = await loadSendRow(em, workspaceId, messageId);
  if (!row) {
    await parkOutboxRow(em, outboxId, "message not found in its workspace");
    deps.logger.warn({ outboxId, messageId, workspaceId }, "message.send for an unknown message; parked");
    return { kind: "skip" };
  }

  // Already handed to the provider, or finished: a duplicate entry.
  if (row.provider_sid || (row.status !== "PENDING" && row.status !== "SENDING")) {
    // The provider took it but the sender died (or lost its connection) before recording the charge,
    // and a status callback recorded the sid since: the hold is still open. Settle it now (the
    // deduction is idempotent by reference), as record() would have.
    if (row.provider_sid && row.credits_held > 0 && !FREE_TYPES.has(row.type)) {
      await finishAccepted(deps, em, row, row.status, row.channel === "WHATSAPP" ? 1 : (row.segments ?? 1), now);
    }
    await completeOutboxRow(em, outboxId, now);
    return { kind: "skip" };
  }

  const route = routeFor(deps, row, now);
  if ("failure" in route) {
    await fail(em, row, now, { code: null, explanationEs: route.failure, releaseHold: true });
    await completeOutboxRow(em, outboxId, now);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "failed" });
    return { kind: "skip" };
  }
  const request: ProviderRequest = { ...route.request, statusCallback: statusCallbackUrl(deps, row.id) };

  if (row.status === "SENDING") {
    // An earlier attempt may or may not have reached the provider.
    const safeAt = new Date((toMs(row.send_attempted_at, 0)) + deps.sdkTimeoutMs + (deps.inFlightMarginMs ?? 5_000));
    if (now < safeAt) {
      await retryOutboxRowAt(em, outboxId, safeAt, "previous attempt may still be in flight");
      return { kind: "skip" };
    }
    return { kind: "verify", row, request, dueAt: outbox.availableAt };
  }

  // The destination allowlist, re-checked at send time (it may have shrunk, or the message predates
  // it). Not for a SENDING row above: that one may already be at the provider, and is verified first.
  const disallowed = destinationFailure(row);
  if (disallowed) {
    await fail(em, row, now, { code: null, explanationEs: disallowed, releaseHold: true });
    await completeOutboxRow(em, outboxId, now);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "failed" });
    return { kind: "skip" };
  }

  const reason = ineligibility(row) ?? (await broadcastCapReached(em, row, now));
  if (reason) {
    await em.execute("update messages set status = 'CANCELED', error_text = ?, updated_at = ? where id = ?", [reason, now, row.id], "run");
    // A broadcast's recipient whose one message will not go: no longer waiting (completion counts on it).
    if (row.type === "BROADCAST") await em.execute("update patients set status = 'CANCELLED', updated_at = ? where id = ? and status in ('PENDING', 'SCHEDULED')", [now, row.patient_id], "run");
    await releaseHeld(em, row);
    await completeOutboxRow(em, outboxId, now);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "cancelled" });
    return { kind: "skip" };
  }
  if (deps.globalPaused() || row.sending_paused || row.campaign_paused_at) {
    // Paused, not cancelled: the message waits and goes out when sending resumes.
    await retryOutboxRowAt(em, outboxId, new Date(now.getTime() + (deps.pausedRetryMs ?? 60_000)), "sending paused");
    return { kind: "skip" };
  }

  const segments = row.channel === "WHATSAPP" ? { segments: 1, encoding: null } : countSegments(row.body ?? "");
  const rateKey = request.from ?? request.messagingServiceSid ?? "default";
  // One booking per message: a message that comes back for its booked slot is not booked again.
  let slotAt = rateSlotAt !== undefined && now.getTime() - rateSlotAt <= SLOT_LATE_MS ? rateSlotAt : undefined;
  if (slotAt === undefined) {
    const { delayMs } = await deps.rateLimiter.reserve(rateKey, segments.segments);
    slotAt = now.getTime() + delayMs;
  }
  if (slotAt - now.getTime() > SLOT_EARLY_MS) {
    await deferToRateSlots(em, [{ outboxId, slotAt }]);
    return { kind: "skip" };
  }

  let held = row.credits_held;
  if (!FREE_TYPES.has(row.type) && held === 0) {
    try {
      await holdCredits(em, { workspaceId: row.workspace_id, amount: segments.segments, reference: creditReference(row.id, row.fallback_at !== null), reason: `${row.type} ${row.channel}${row.fallback_at !== null ? " (fallback)" : ""}` });
      held = segments.segments;
    } catch (err) {
      if (!(err instanceof InsufficientCreditsError)) throw err;
      await fail(em, row, now, { code: null, explanationEs: `Créditos insuficientes: faltan ${err.shortfall}. Recargue en Facturación.`, releaseHold: false });
      await completeOutboxRow(em, outboxId, now);
      sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "failed" });
      return { kind: "skip" };
    }
  }

  await em.execute(
    `update messages set status = 'SENDING', send_attempted_at = ?, send_attempts = send_attempts + 1, from_address = ?,
            segments = ?, encoding = ?, credits_held = ?, updated_at = ? where id = ?`,
    [now, request.from ?? request.messagingServiceSid ?? null, segments.segments, segments.encoding, held, now, row.id],
    "run",
  );
  return { kind: "send", row: { ...row, credits_held: held, send_attempted_at: now }, request, dueAt: outbox.availableAt, attempt: row.send_attempts + 1 };
}

/** Why the message's destination country is not one its workspace sends to (Spanish / English), or null. */
export function destinationFailure(row: Pick<SendRow, "to_address" | "default_country" | "extra_destination_countries">): string | null {
  const rejected = destinationRejection(row.to_address, { ownCountry: row.default_country, extraCountries: row.extra_destination_countries });
  return rejected ? `${rejected.es} / ${rejected.en}` : null;
}

/** Why a message may no longer go out (SPEC §5.4 re-check at send time), or null. */
export function ineligibility(row: SendRow): string | null {
  if (row.campaign_status === "CANCELLED") return "Campaña cancelada";
  if (IGNORES_PATIENT_STATE.has(row.type)) return null;
  if (row.erased_at) return "Paciente eliminado";
  if (row.opted_out_at) return "El paciente pidió no recibir mensajes";
  // A broadcast needs the consent to marketing; the consent to feedback requests is no substitute (SPEC §14).
  if (row.type === "BROADCAST") return row.marketing_consent_at ? null : "Sin consentimiento de marketing";
  const channelConsent = row.channel === "WHATSAPP" ? row.whatsapp_consent_at : row.sms_consent_at;
  if (!row.patient_consent && !channelConsent) return "Sin consentimiento";
  return null;
}

/**
 * The frequency cap (SPEC §14), counted under the contact's lock taken by loadSendRow: a second
 * broadcast racing the first for one contact waits for it and then sees it as sent.
 */
async function broadcastCapReached(em: EntityManager, row: SendRow, now: Date): Promise<string | null> {
  if (row.type !== "BROADCAST" || !row.contact_id) return null;
  const since = new Date(now.getTime() - BROADCAST_CAP_WINDOW_DAYS * 86_400_000);
  const sent = await broadcastsSentToContact(em, row.workspace_id, row.contact_id, since, row.id);
  return sent >= row.broadcast_cap ? `Límite de difusiones alcanzado (${row.broadcast_cap} en ${BROADCAST_CAP_WINDOW_DAYS} días)` : null;
}

/** Sender and content: SMS body; WhatsApp free text inside the 24 h window, else the approved template. */
export function routeFor(deps: SendDeps, row: SendRow, now: Date): { request: Omit<ProviderRequest, "statusCallback"> } | { failure: string } {
  if (row.type === "BROADCAST" && row.channel === "WHATSAPP") {
    // Never on the platform's shared sender, whose limits and quality rating every practice depends
    // on, and only through the approved MARKETING template the broadcast was created with (SPEC §14).
    if (!usesOwnAccount(deps, row)) return { failure: "Las difusiones por WhatsApp salen solo por el número propio de la consulta" };
    if (!row.content_sid) return { failure: "La difusión no tiene una plantilla MARKETING aprobada" };
  }
  if (usesOwnAccount(deps, row) && row.channel === "WHATSAPP") return ownWhatsAppRoute(row, now);
  if (usesOwnAccount(deps, row)) {
    // The workspace's own account and its chosen number or Messaging Service (SPEC §12).
    if (!row.body) return { failure: "El mensaje no tiene texto" };
    const from = row.from_address ?? row.own_phone_number;
    return { request: { to: row.to_address, ...(from ? { from } : { messagingServiceSid: row.own_messaging_service_sid! }), body: row.body } };
  }
  if (row.channel === "SMS") {
    const from = row.from_address ?? row.sms_sender ?? deps.defaults.smsFrom;
    if (!from && !deps.defaults.messagingServiceSid) return { failure: "No hay un número de envío SMS configurado" };
    if (!row.body) return { failure: "El mensaje no tiene texto" };
    return { request: { to: row.to_address, ...(from ? { from } : { messagingServiceSid: deps.defaults.messagingServiceSid! }), body: row.body } };
  }
  const sender = row.from_address ?? row.whatsapp_sender ?? deps.defaults.whatsappFrom;
  if (!sender) return { failure: "No hay un número de WhatsApp configurado" };
  const from = sender.startsWith("whatsapp:") ? sender : `whatsapp:${sender}`;
  const to = row.to_address.startsWith("whatsapp:") ? row.to_address : `whatsapp:${row.to_address}`;
  const lastInbound = row.last_inbound_at?.[from] ?? row.last_inbound_at?.[from.slice("whatsapp:".length)];
  const insideWindow = lastInbound !== undefined && now.getTime() - new Date(lastInbound).getTime() < WHATSAPP_WINDOW_MS;
  const contentSid =
    resolveWhatsAppContentSid({ type: row.type, language: row.language, messageSid: row.content_sid, workspaceSids: row.whatsapp_content_sids, platform: deps.defaults.whatsappContentSids })?.sid ?? null;
  if (contentSid && !(insideWindow && row.body)) {
    return { request: { to, from, contentSid, ...contentVariablesParam(row, null) } };
  }
  if (insideWindow && row.body) return { request: { to, from, body: row.body } };
  return { failure: "Fuera de la ventana de 24 horas de WhatsApp y sin plantilla aprobada para este tipo de mensaje (63016)" };
}

/**
 * Whether this message goes through the workspace's own account: an SMS of a workspace that
 * connected one and chose its sender; a WhatsApp message only once the owner switched WhatsApp to
 * that account, which needs its templates approved there (SPEC §12) — until then WhatsApp stays on
 * the platform's sender and templates.
 */
export function usesOwnAccount(deps: Pick<SendDeps, "ownAccountClient">, row: SendRow): boolean {
  if (!deps.ownAccountClient || !row.own_account_sid || !(row.own_phone_number || row.own_messaging_service_sid)) return false;
  return row.channel === "SMS" || row.own_whatsapp_switched_at !== null;
}

/**
 * WhatsApp from the own account: its number (or Messaging Service) and only its own approved
 * templates — a Content SID belongs to one account, so the platform's or a message's SID chosen
 * for the platform would be refused there (21655).
 */
function ownWhatsAppRoute(row: SendRow, now: Date): { request: Omit<ProviderRequest, "statusCallback"> } | { failure: string } {
  const to = row.to_address.startsWith("whatsapp:") ? row.to_address : `whatsapp:${row.to_address}`;
  const sender = row.from_address ?? (row.own_phone_number ? `whatsapp:${row.own_phone_number}` : row.own_messaging_service_sid!);
  const from = sender.startsWith("MG") ? null : sender.startsWith("whatsapp:") ? sender : `whatsapp:${sender}`;
  const route = from ? { from } : { messagingServiceSid: sender };
  const lastInbound = from ? (row.last_inbound_at?.[from] ?? row.last_inbound_at?.[from.slice("whatsapp:".length)]) : undefined;
  const insideWindow = lastInbound !== undefined && now.getTime() - new Date(lastInbound).getTime() < WHATSAPP_WINDOW_MS;
  if (row.type === "BROADCAST") {
    return { request: { to, ...route, contentSid: row.content_sid!, ...(row.content_variables ? { contentVariables: JSON.stringify(row.content_variables) } : {}) } };
  }
  const contentSid = resolveWhatsAppContentSid({ type: row.type, language: row.language, platform: row.own_whatsapp_content_sids })?.sid ?? null;
  if (contentSid && !(insideWindow && row.body)) {
    // Numbered as that template numbers its variables (decision 039); a SID without a stored
    // mapping was created by the fixed order the message already carries.
    return { request: { to, ...route, contentSid, ...contentVariablesParam(row, row.own_whatsapp_content_variables?.[contentSid] ?? null) } };
  }
  if (insideWindow && row.body) return { request: { to, ...route, body: row.body } };
  return { failure: "Fuera de la ventana de 24 horas de WhatsApp y sin plantilla aprobada en su cuenta de Twilio para este tipo de mensaje (63016)" };
}

/**
 * The ContentVariables parameter for a per-type template: the message's values renumbered for the
 * template (`names`: its variables in number order, null for the fixed order), each empty value
 * replaced by its fallback — Twilio refuses an empty one (21656, https://www.twilio.com/docs/api/errors/21656).
 */
function contentVariablesParam(row: SendRow, names: readonly string[] | null): { contentVariables?: string } {
  const variables = contentVariablesForTemplate(row.type, row.content_variables, names, row.language);
  return variables ? { contentVariables: JSON.stringify(variables) } : {};
}

/** The client of the account the message goes through. */
export function providerClient(deps: SendDeps, row: SendRow): TwilioClient {
  if (!usesOwnAccount(deps, row)) return deps.twilio;
  return deps.ownAccountClient!({ accountSid: row.own_account_sid!, keyId: row.own_token_key_id!, ciphertext: row.own_token_ciphertext! });
}

/** Step 2: the provider call, then step 3 or the handling of its failure. */
async function callProvider(deps: SendDeps, outboxId: string, row: SendRow, request: ProviderRequest, dueAt: Date, attempt: number): Promise<void> {
  const started = performance.now();
  let created: Awaited<ReturnType<TwilioClient["messages"]["create"]>>;
  try {
    created = await providerClient(deps, row).messages.create(request);
    sendInstruments().providerDuration.record((performance.now() - started) / 1000, { outcome: "ok" });
  } catch (err) {
    sendInstruments().providerDuration.record((performance.now() - started) / 1000, { outcome: "error" });
    await handleProviderError(deps, outboxId, row, err, attempt);
    return;
  }
  // A database failure here is not a provider error: it propagates, the stream entry is delivered
  // again, and the next attempt finds the sid (recorded by a callback, or at the provider).
  await record(deps, outboxId, row, created.sid, created.status, Number(created.numSegments) || null, dueAt);
}

/** Step 3: sid, status and credits in one transaction with the outbox row's `done`. */
export async function record(deps: SendDeps, outboxId: string, sent: SendRow, sid: string, providerStatus: string, providerSegments: number | null, dueAt: Date): Promise<void> {
  await deps.orm.em.fork().transactional(async (em) => {
    const now = deps.clock.now();
    await lockOutboxRow(em, outboxId);
    const row = (await em.execute<ReloadedRow[]>(RELOAD_SQL, [sent.workspace_id, sent.id]))[0];
    if (!row) return;
    if (row.fallback_from_sid === sid) {
      // A status callback failed this WhatsApp attempt and its SMS fallback has started: nothing to record.
      await completeOutboxRow(em, outboxId, now);
      return;
    }
    if (row.provider_sid && row.provider_sid !== sid) {
      deps.logger.error({ messageId: row.id, recorded: row.provider_sid, received: sid }, "message already has another provider sid");
      await completeOutboxRow(em, outboxId, now);
      return;
    }
    // A status callback may have been applied already (it can beat this commit).
    const incoming = fromTwilioStatus(providerStatus) ?? "QUEUED";
    const { next } = applyStatus(row.status, incoming);
    // What the provider counted is what it bills; our own count is the fallback.
    const billed = row.channel === "WHATSAPP" ? 1 : (providerSegments ?? row.segments ?? 1);
    await em.execute("update messages set provider_sid = ?, status = ?, segments = coalesce(?, segments), updated_at = ? where id = ?", [sid, next, row.channel === "WHATSAPP" ? 1 : providerSegments, now, row.id], "run");

    await finishAccepted(deps, em, row, next, billed, now);
    await completeOutboxRow(em, outboxId, now);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "accepted" });
    sendInstruments().latency.record(Math.max(0, (now.getTime() - dueAt.getTime()) / 1000), { channel: row.channel });
  });
}

/** Credits, patient and reminder once the provider has the message (from record(), or from a redelivered entry). */
export async function finishAccepted(deps: SendDeps, em: EntityManager, row: ReloadedRow, next: string, billed: number, now: Date): Promise<void> {
  if (next === "FAILED" && row.channel === "WHATSAPP") {
    // Failed before we recorded it: never billed, give the hold back; when WhatsApp cannot reach the
    // number (a status callback beat this commit) the message goes once by SMS instead.
    if (!FREE_TYPES.has(row.type)) await releaseHeld(em, row);
    await startSmsFallback(em, { workspaceId: row.workspace_id, messageId: row.id, now });
  } else if (!FREE_TYPES.has(row.type)) {
    if (next === "FAILED") {
      // Failed before we recorded it: never billed, give the hold back.
      await releaseHeld(em, row);
    } else {
      // A WhatsApp broadcast costs what its template's category costs (held at creation), not one credit.
      await settle(deps, em, row, row.type === "BROADCAST" && row.channel === "WHATSAPP" ? Math.max(billed, row.credits_held) : billed);
    }
  }
  if (row.type !== "INITIAL" && row.type !== "STAFF_ALERT" && row.type !== "VERIFICATION" && next !== "FAILED") {
    // The contacts list's last contact (a rating request sets it with its cooldown below).
    await em.execute("update contacts set last_contact_at = greatest(coalesce(last_contact_at, ?), ?) where id = ?", [now, now, row.contact_id], "run");
  }
  // A broadcast's recipient is sent once its one message is (campaign completion waits for it).
  if (row.type === "BROADCAST" && row.patient_id) {
    await em.execute(MARK_PATIENTS_SENT_SQL, [now, pgArray([row.patient_id])], "run");
  }
  // A rating request always has its patient (only a verification code has none).
  if (row.type === "INITIAL" && row.patient_id) {
    await em.execute(MARK_PATIENTS_SENT_SQL, [now, pgArray([row.patient_id])], "run");
    await em.execute("update contacts set last_asked_at = ?, last_contact_at = greatest(coalesce(last_contact_at, ?), ?), updated_at = ? where id = ?", [now, now, now, now, row.contact_id], "run");
    // The one reminder, due reminderAfterHours after this send unless a rating comes first.
    if (next !== "FAILED") await scheduleReminder(em, { workspaceId: row.workspace_id, patientId: row.patient_id, sentAt: now, delayMs: deps.reminderDelayMs });
  }
}

/** Deducts the billed segments, settling the hold; never lets the balance go negative. */
export async function settle(deps: SendDeps, em: EntityManager, row: Pick<SendRow, "id" | "workspace_id" | "type" | "channel" | "credits_held" | "fallback_at">, billed: number): Promise<void> {
  // A rating request's hold also reserves its follow-up: only the request's own segments leave it.
  // The SMS fallback's hold covers that SMS alone; the request's follow-up share stays on its own hold.
  const smsFallback = row.fallback_at !== null;
  const charged = await chargeMessage(em, {
    workspaceId: row.workspace_id,
    messageId: row.id,
    billed,
    held: row.credits_held,
    keepFollowUpShare: row.type === "INITIAL",
    smsFallback,
    reason: `${row.type} ${row.channel}${smsFallback ? " (fallback)" : ""}`,
  });
  if (charged === "hold-only") {
    // The provider counted more segments than we held and the balance cannot cover the difference.
    deps.logger.warn({ messageId: row.id, billed, held: row.credits_held }, "provider billed more segments than held; deducting the hold only");
  }
  await em.execute("update messages set credits_held = 0 where id = ?", [row.id], "run");
}

export async function releaseHeld(em: EntityManager, row: Pick<SendRow, "id" | "workspace_id" | "credits_held" | "fallback_at">): Promise<void> {
  if (row.credits_held <= 0) return;
  const hold = creditReference(row.id, row.fallback_at !== null);
  await releaseCredits(em, { workspaceId: row.workspace_id, holdReference: hold, reference: `release:${hold}` });
  await em.execute("update messages set credits_held = 0 where id = ?", [row.id], "run");
}

async function fail(em: EntityManager, row: Pick<SendRow, "id" | "workspace_id" | "type" | "patient_id" | "credits_held" | "fallback_at">, now: Date, f: { code: number | null; explanationEs: string; releaseHold: boolean }): Promise<void> {
  await em.execute("update messages set status = 'FAILED', error_code = ?, error_text = ?, failed_at = ?, updated_at = ? where id = ?", [f.code, redactText(f.explanationEs), now, now, row.id], "run");
  if (f.releaseHold) await releaseHeld(em, row);
  if (row.type === "INITIAL" || row.type === "BROADCAST") await em.execute("update patients set status = 'FAILED', updated_at = ? where id = ? and status in ('PENDING', 'SCHEDULED')", [now, row.patient_id], "run");
}

export async function handleProviderError(deps: SendDeps, outboxId: string, row: SendRow, err: unknown, attempt: number): Promise<void> {
  const rest = isTwilioRestException(err) ? err : null;
  const networkCode = !rest && typeof err === "object" && err && "code" in err ? String((err as { code: unknown }).code) : null;
  // Only a failure that proves the request never reached the provider (no connection, DNS, TLS
  // handshake, an error before the new socket was ready, 429) or an answered 4xx rejection proves
  // nothing was sent. A timeout, a reset once connected or a 5xx might have been accepted: keep
  // SENDING and verify before sending again.
  const notSent = notSentReason({ networkCode, httpStatus: rest?.status ?? null, stage: rest ? null : requestNotSentStage(err) });
  const definitelyNotSent = notSent !== null || (rest !== null && rest.status < 500);
  const error: ProviderError = classifyProviderError({ code: rest?.code ?? null, httpStatus: rest?.status ?? null, network: !rest });
  sendInstruments().providerErrors.add(1, { code: String(error.code ?? (rest ? `http_${rest.status}` : (networkCode ?? "network"))) });

  await deps.orm.em.fork().transactional(async (em) => {
    const now = deps.clock.now();
    await lockOutboxRow(em, outboxId);
    const current = (await em.execute<ReloadedRow[]>(RELOAD_SQL, [row.workspace_id, row.id]))[0];
    if (!current || current.provider_sid || current.status !== "SENDING") {
      // A status callback recorded the message meanwhile: it was sent after all, so it is charged
      // as record() would have charged it.
      if (current?.provider_sid && current.credits_held > 0 && !FREE_TYPES.has(current.type)) {
        await finishAccepted(deps, em, current, current.status, current.channel === "WHATSAPP" ? 1 : (current.segments ?? 1), now);
      }
      await completeOutboxRow(em, outboxId, now);
      return;
    }
    if (!definitelyNotSent) {
      const verifyAt = new Date((toMs(current.send_attempted_at, now.getTime())) + deps.sdkTimeoutMs + (deps.inFlightMarginMs ?? 5_000));
      await retryOutboxRowAt(em, outboxId, verifyAt, `outcome unknown (${networkCode ?? rest?.status ?? "error"}); verify before resending`);
      deps.logger.warn({ messageId: row.id, attempt, err: String(err) }, "send outcome unknown; will ask the provider before any resend");
      sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "retry" });
      return;
    }
    if (error.retry === "transient") {
      await retryWhileUnavailable(deps, em, outboxId, current, notSent ?? "provider", `${error.code ?? networkCode ?? rest?.status}: ${error.explanationEn}`, now);
      return;
    }
    await em.execute("update messages set next_retry_at = null where id = ?", [row.id], "run");
    await fail(em, current, now, { code: error.code, explanationEs: error.explanationEs, releaseHold: true });
    if (error.code === 21610) {
      // The carrier says the patient unsubscribed from this sender: stop asking them.
      const stopped = await em.execute<{ id: string; workspace_id: string }[]>(
        "update contacts set opted_out_at = ?, opted_out_source = 'provider:21610', updated_at = ? where id = ? and opted_out_at is null returning id, workspace_id",
        [now, now, current.contact_id],
      );
      // The carrier relays the patient's own STOP: a withdrawal by reply, the carrier's code as evidence.
      await recordConsentEvents(
        em,
        stopped.map((c) => ({ workspaceId: c.workspace_id, contactId: c.id, channel: current.channel, action: "WITHDRAWN" as const, source: "REPLY" as const, at: now, actorId: null, evidence: "provider:21610" })),
      );
      for (const c of stopped) {
        await emitWebhookEvent(em, { workspaceId: c.workspace_id, type: "contact.opted_out", subjectId: `${c.id}:${now.toISOString()}`, data: { contact_id: c.id, source: "provider", channel: current.channel, opted_out_at: now.toISOString() }, now });
      }
    }
    await completeOutboxRow(em, outboxId, now);
    sendInstruments().sends.add(1, { channel: row.channel, type: row.type, outcome: "failed" });
    if (!error.expected) deps.logger.warn({ messageId: row.id, code: error.code, attempt }, "send failed permanently");
  });
}

/**
 * Nothing was sent and the provider may take it later: back to PENDING with its credits still held,
 * and the outbox row rescheduled in this transaction — a new publication later, not a redelivery of
 * this stream entry, so delivery limits and the sweeper never count the wait. The send-time checks
 * (campaign cancelled, opt-out, pause) run again when it comes back. Once the provider has been
 * unavailable for the whole window since the first such failure, the message fails and its hold is
 * released.
 */
async function retryWhileUnavailable(deps: SendDeps, em: EntityManager, outboxId: string, current: ReloadedRow, reason: RetryReason, lastError: string, now: Date): Promise<void> {
  const [streak] = await em.execute<{ retry_since: Date | string; retry_failures: number }[]>(
    `update messages set status = 'PENDING', retry_since = coalesce(retry_since, ?), retry_failures = retry_failures + 1, retry_reason = ?, updated_at = ?
      where id = ? returning retry_since, retry_failures`,
    [now, reason, now, current.id],
  );
  const since = toMs(streak!.retry_since, now.getTime());
  const failures = Number(streak!.retry_failures);
  const windowEnd = since + (deps.retryWindowMs ?? DEFAULT_SEND_RETRY_WINDOW_MS);
  const log = { messageId: current.id, workspaceId: current.workspace_id, reason, failures, unavailableSince: new Date(since).toISOString(), lastError };
  if (now.getTime() < windowEnd) {
    // The last try lands on the window's end rather than past it.
    const at = new Date(Math.min(now.getTime() + retryDelay(failures, { ...DEFAULT_SEND_RETRY_BACKOFF, ...deps.backoff }), windowEnd));
    await em.execute("update messages set next_retry_at = ? where id = ?", [at, current.id], "run");
    await retryOutboxRowAt(em, outboxId, at, `provider unavailable (${reason}), retry ${failures} at ${at.toISOString()}; ${lastError}`);
    sendInstruments().sends.add(1, { channel: current.channel, type: current.type, outcome: "retry_scheduled" });
    deps.logger.info({ ...log, retryAt: at.toISOString() }, "provider unavailable and nothing sent; retry scheduled");
    return;
  }
  await em.execute("update messages set next_retry_at = null where id = ?", [current.id], "run");
  // No code: the text says what happened, the last provider error is in the outbox row and the log.
  await fail(em, current, now, { code: null, explanationEs: retryGaveUpText(now.getTime() - since, failures)[0], releaseHold: true });
  await completeOutboxRow(em, outboxId, now, `gave up after ${failures} attempts: ${lastError}`);
  sendInstruments().sends.add(1, { channel: current.channel, type: current.type, outcome: "failed" });
  deps.logger.warn(log, "provider unavailable for the whole retry window; message failed and its credits released");
}

/**
 * The status-callback URL of one message: our id in `?m=` (the first callback names the sid even when
 * the create call's answer was lost) and the connection overrides as its fragment
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
 */
export function statusCallbackUrl(deps: Pick<SendDeps, "publicUrl" | "webhookOverrides">, messageId: string): string {
  return withConnectionOverrides(`${deps.publicUrl}/webhooks/twilio/status?m=${messageId}`, deps.webhookOverrides ?? "");
}

/** Messages to one number a verification reads at most (newest first; ours are a handful per patient). */
const VERIFY_LIST_LIMIT = 200;

/**
 * Asks whether an interrupted attempt went out (decision 014). Twilio's create call has no
 * idempotency key, and a message still accepted/queued has date_sent null, so a `DateSent>` filter
 * never finds it, and one sent through a messaging service has no From until a sender is picked
 * (https://www.twilio.com/docs/messaging/api/message-resource). So:
 * 1. a status callback that named our id (`?m=` on the callback URL) already gave us its sid;
 * 2. otherwise the provider's messages To the patient, without a date or From filter, are matched by
 *    creation time (since the attempt), sender or messaging service, and body for free text.
 * Exported for tests.
 */
export async function findEarlierSend(deps: SendDeps, row: SendRow, request: ProviderRequest): Promise<{ sid: string; status: string; segments: number | null } | null> {
  const em = deps.orm.em.fork();
  const taken = async (sids: string[]) => {
    if (sids.length === 0) return new Set<string>();
    const known = await em.execute<{ provider_sid: string }[]>(`select provider_sid from messages where provider_sid in (${sids.map(() => "?").join(", ")}) and id <> ?`, [...sids, row.id]);
    return new Set(known.map((k) => k.provider_sid));
  };

  const called = await em.execute<{ provider_sid: string; status: string }[]>(
    `select provider_sid, status from provider_status_events where message_id = ? order by coalesce(rank, -1) desc, received_at desc limit 1`,
    [row.id],
  );
  if (called[0] && !(await taken([called[0].provider_sid])).has(called[0].provider_sid)) {
    return { sid: called[0].provider_sid, status: called[0].status, segments: null };
  }

  const since = toMs(row.send_attempted_at, 0) - 60_000;
  const listed = await providerClient(deps, row).messages.list({ to: request.to, pageSize: 50, limit: VERIFY_LIST_LIMIT });
  const candidates = listed
    .filter((m) => m.direction !== "inbound")
    .filter((m) => (m.dateCreated ? m.dateCreated.getTime() >= since : true))
    .filter((m) => (request.messagingServiceSid ? m.messagingServiceSid === request.messagingServiceSid : m.from === request.from))
    .filter((m) => (request.body ? m.body === request.body : true));
  if (candidates.length === 0) return null;
  // A sid already recorded on another of our messages is not this one. One recorded on this very
  // message (a status callback got there first) is exactly what we are looking for.
  const others = await taken(candidates.map((m) => m.sid));
  const match = candidates.filter((m) => !others.has(m.sid)).sort((a, b) => (a.dateCreated?.getTime() ?? 0) - (b.dateCreated?.getTime() ?? 0))[0];
  return match ? { sid: match.sid, status: match.status, segments: Number(match.numSegments) || null } : null;
}

/** Raw queries may hand timestamps back as strings. */
export function toMs(value: Date | string | null, fallback: number): number {
  if (value === null) return fallback;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? fallback : ms;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
