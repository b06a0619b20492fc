// The worker's stream consumers: one StreamConsumer per kind of work, all dispatching to the
// handlers of @rm/messaging, @rm/campaigns (campaign completion), @rm/importer (large uploads confirmed
// in the background) and @rm/stripe-billing. The trace
// context written with the outbox row continues here.
import { credentialsCipherFromEnv, followWhatsAppApprovals, ownAccountClients } from "@rm/accounts";
import { createWebhookHandlers } from "@rm/api";
import { campaignPeriodicHandlers } from "@rm/campaigns";
import { createConfirmDraftHandler } from "@rm/importer";
import { createBillingHandlers, priceIdsFromEnv } from "@rm/stripe-billing";
import { AiClient } from "@rm/ai";
import { ASSISTANT_REPLY_TYPE, createDeadLetterHandler, createHandlers, createReplyProcessor, dispatchEntry, handleAssistantReply, sendMessage, sendMessageBatch, SenderRateLimiter, startPeriodicEnsurer, StatusApplier, type FeedbackOptions, type HandlerDeps, type SendDeps } from "@rm/messaging";
import { StreamConsumer, type BatchHandler, type BatchOutcome, type StreamKind } from "@rm/streams";
import { withExtractedContext, withSpan } from "@rm/telemetry";
import { createTwilioClient } from "@rm/twilio";
import type { Service, WorkerContext } from "./context.ts";

const KINDS: readonly StreamKind[] = ["dispatch", "provider-status", "inbound", "billing", "periodic", "webhooks"];

export async function startConsumers(ctx: WorkerContext, consumerName: string): Promise<Service[]> {
  const { config, logger, clock } = ctx;
  const twilio = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN[0]!,
    apiUrl: config.TWILIO_API_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const naming = { prefix: config.STREAM_PREFIX, partitions: config.STREAM_PARTITIONS };
  const rateLimiter = new SenderRateLimiter({ redis: ctx.redis.producer, prefix: config.STREAM_PREFIX, disabled: config.RATE_LIMITS_DISABLED, rates: config.SENDER_RATES });

  const feedback: FeedbackOptions = {
    publicUrl: config.PUBLIC_URL,
    reminderDelayMs: config.REMINDER_DELAY_MS,
    platformSmsSender: Boolean(config.TWILIO_FROM_SMS || config.TWILIO_MESSAGING_SERVICE_SID),
    platformContentSids: config.WHATSAPP_DEFAULT_CONTENT_SIDS,
  };
  // The LLM assistant's model (SPEC §16): only with AI_BASE_URL; its own timeout, no retries (a patient waits, staff take over).
  const assistantModel = config.AI_BASE_URL ? new AiClient({ baseUrl: config.AI_BASE_URL, apiKey: config.AI_API_KEY, model: config.AI_MODEL, timeoutMs: config.ASSISTANT_AI_TIMEOUT_MS }) : null;
  const liveConversationMs = config.LIVE_CONVERSATION_HOURS * 3_600_000;
  const handlerDeps: HandlerDeps = {
    orm: ctx.db.orm,
    clock,
    logger,
    twilio,
    periodic: {
      sweepTimeoutMs: config.OUTBOX_SWEEP_AFTER_MS,
      sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      ...(config.CAMPAIGN_COMPLETION_INTERVAL_MS ? { completionIntervalMs: config.CAMPAIGN_COMPLETION_INTERVAL_MS } : {}),
      inboundReconcileOverlapMs: config.INBOUND_RECONCILE_OVERLAP_MINUTES * 60_000,
      inboundReconcileMaxAgeMs: config.INBOUND_RECONCILE_MAX_HOURS * 3_600_000,
      retentionMs: config.RETENTION_DAYS * 24 * 3_600_000,
      whatsappApprovalIntervalMs: config.WHATSAPP_APPROVAL_INTERVAL_MS,
      inboundReconcileIntervalMs: config.INBOUND_RECONCILE_INTERVAL_SECONDS * 1000,
      reconcileIntervalMs: config.DELIVERY_RECONCILE_INTERVAL_SECONDS * 1000,
      reconcileMinAgeMs: config.DELIVERY_RECONCILE_MIN_AGE_SECONDS * 1000,
      unansweredAlertMs: config.UNANSWERED_ALERT_MINUTES * 60_000,
    },
    // Own accounts' WhatsApp templates under review (SPEC §12): only when credentials can be opened.
    ...(config.CREDENTIALS_ENCRYPTION_KEYS && config.CREDENTIALS_ENCRYPTION_KEY_ID
      ? {
          followWhatsAppApprovals: (() => {
            const deps = {
              cipher: credentialsCipherFromEnv(config.CREDENTIALS_ENCRYPTION_KEYS, config.CREDENTIALS_ENCRYPTION_KEY_ID),
              apiUrl: config.TWILIO_API_URL,
              platform: { accountSid: config.TWILIO_ACCOUNT_SID ?? "", authToken: config.TWILIO_AUTH_TOKEN[0] ?? "" },
              publicUrl: config.PUBLIC_URL,
              timeoutMs: config.TWILIO_TIMEOUT_MS,
            };
            return (now: Date) => followWhatsAppApprovals(ctx.db.orm.em, deps, now);
          })(),
        }
      : {}),
    platformSenders: [config.TWILIO_FROM_SMS, config.TWILIO_FROM_WHATSAPP && (config.TWILIO_FROM_WHATSAPP.startsWith("whatsapp:") ? config.TWILIO_FROM_WHATSAPP : `whatsapp:${config.TWILIO_FROM_WHATSAPP}`)].filter((s): s is string => Boolean(s)),
    feedback,
    // Ratings, opt-outs, the assistant's steps and HELP, in the transaction that stores the reply.
    onInboundRouted: createReplyProcessor({ logger, feedback, liveConversationMs, aiAssistantAvailable: assistantModel !== null }),
  };
  const sendDeps: SendDeps = {
    orm: ctx.db.orm,
    clock,
    logger,
    twilio,
    // Workspaces' own Twilio accounts (SPEC §12): only when credentials can be opened.
    ...(config.CREDENTIALS_ENCRYPTION_KEYS && config.CREDENTIALS_ENCRYPTION_KEY_ID
      ? {
          ownAccountClient: ownAccountClients(credentialsCipherFromEnv(config.CREDENTIALS_ENCRYPTION_KEYS, config.CREDENTIALS_ENCRYPTION_KEY_ID), {
            apiUrl: config.TWILIO_API_URL,
            timeoutMs: config.TWILIO_TIMEOUT_MS,
          }),
        }
      : {}),
    rateLimiter,
    publicUrl: config.PUBLIC_URL,
    webhookOverrides: config.TWILIO_WEBHOOK_OVERRIDES,
    defaults: { smsFrom: config.TWILIO_FROM_SMS, whatsappFrom: config.TWILIO_FROM_WHATSAPP, messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID, whatsappContentSids: config.WHATSAPP_DEFAULT_CONTENT_SIDS },
    globalPaused: () => config.SENDING_PAUSED,
    sdkTimeoutMs: config.TWILIO_TIMEOUT_MS,
    reminderDelayMs: config.REMINDER_DELAY_MS,
    retryWindowMs: Math.round(config.SEND_RETRY_MAX_HOURS * 3_600_000),
    backoff: { baseMs: config.SEND_RETRY_FIRST_DELAY_SECONDS * 1000, maxMs: config.SEND_RETRY_MAX_DELAY_SECONDS * 1000 },
  };
  // Stripe events and FREE periods (stream 'billing').
  const billingHandlers = createBillingHandlers({ orm: ctx.db.orm, clock, logger, prices: priceIdsFromEnv(config) });
  // Outgoing webhooks (stream 'webhooks', SPEC §15): fan-out and signed deliveries.
  const webhookHandlers = createWebhookHandlers({
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    backoffBaseMs: config.WEBHOOK_RETRY_FIRST_DELAY_SECONDS * 1000,
    backoffMaxMs: config.WEBHOOK_RETRY_MAX_SECONDS * 1000,
    disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    allowInsecure: config.WEBHOOKS_ALLOW_INSECURE,
  });
  // A large upload's confirm: the same senders and templates the web's confirm checks.
  const confirmDraft = createConfirmDraftHandler({
    publicUrl: config.PUBLIC_URL,
    platform: { smsFrom: config.TWILIO_FROM_SMS, whatsappFrom: config.TWILIO_FROM_WHATSAPP, messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID, whatsappContentSids: config.WHATSAPP_DEFAULT_CONTENT_SIDS },
  });
  const dispatch = dispatchEntry({
    ...createHandlers(handlerDeps, {
      "message.send": (_deps, entry) => sendMessage(sendDeps, entry),
      "campaign.confirm": confirmDraft,
      [ASSISTANT_REPLY_TYPE]: (_deps, entry) => handleAssistantReply({ orm: ctx.db.orm, clock, logger, model: assistantModel, liveConversationMs }, entry),
      ...campaignPeriodicHandlers,
      ...webhookHandlers,
    }),
    ...billingHandlers,
  });
  const onDeadLetter = createDeadLetterHandler(handlerDeps);

  const services: Service[] = [];
  for (const kind of KINDS) {
    // A span per entry, child of the one that wrote the outbox row: logs carry its trace id, and
    // rows this handler enqueues continue the trace.
    const handle = (entry: Parameters<typeof dispatch>[0]) => withExtractedContext(entry.traceparent, () => withSpan(entry.type, { "messaging.destination.name": kind }, () => dispatch(entry)));
    // Sends run the protocol per batch (one transaction to prepare, one to record, per read batch);
    // every other entry of the batch is handled on its own, alongside. sendMessageBatch makes the
    // per-entry spans of the sends itself.
    // The reader starts its next batch as soon as the sends of this one are recording.
    const handleBatch: BatchHandler = async (items, hooks) => {
      const outcomes: BatchOutcome[] = items.map(() => ({ ok: true }));
      const sends = items.flatMap((item, i) => (item.entry.type === "message.send" ? [i] : []));
      await Promise.all([
        (async () => {
          if (sends.length === 0) return;
          const results = await sendMessageBatch(sendDeps, sends.map((i) => items[i]!.entry), hooks);
          results.forEach((r, k) => (outcomes[sends[k]!] = r));
        })(),
        ...items.map(async ({ entry }, i) => {
          if (entry.type === "message.send") return;
          try {
            await handle(entry);
          } catch (error) {
            outcomes[i] = { ok: false, error };
          }
        }),
      ]);
      return outcomes;
    };
    const consumer = new StreamConsumer({
      redis: ctx.redis.consumer,
      naming,
      kind,
      consumer: consumerName,
      handle,
      ...(kind === "dispatch" && !config.SEND_ONE_BY_ONE ? { handleBatch } : {}),
      readers: config.STREAM_READERS,
      batchSize: config.STREAM_BATCH_SIZE,
      claimIdleMs: config.STREAM_CLAIM_IDLE_MS,
      claimIntervalMs: Math.min(5_000, Math.max(500, Math.floor(config.STREAM_CLAIM_IDLE_MS / 4))),
      maxDeliveries: config.STREAM_MAX_DELIVERIES,
      onDeadLetter,
      logger,
    });
    await consumer.start();
    services.push({ name: `consumer:${kind}`, stop: () => consumer.stop() });
  }
  // Status callbacks (three per message) are no stream entries: the webhook stores them in
  // provider_status_events and this loop applies them in set-based batches (decision 011). The
  // 'provider-status' stream only drains rows an earlier web version wrote to the outbox.
  const applier = new StatusApplier(handlerDeps, {
    listenUrl: config.DATABASE_DIRECT_URL ?? config.DATABASE_URL,
    batchSize: config.STATUS_APPLY_BATCH_SIZE,
    pollMs: config.STATUS_APPLY_POLL_MS,
    unknownRetryMs: Math.round(config.STATUS_UNKNOWN_RETRY_MINUTES * 60_000),
  });
  await applier.start();
  services.push({ name: "status-applier", stop: () => applier.stop() });
  const ensurer = await startPeriodicEnsurer({ orm: ctx.db.orm, clock, logger, periodic: handlerDeps.periodic });
  services.push({ name: "periodic-ensurer", stop: async () => ensurer.stop() });
  return services;
}
