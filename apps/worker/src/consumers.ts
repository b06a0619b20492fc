// The worker's stream consumers: one StreamConsumer per kind of work, all dispatching to the
// handlers of @rm/messaging. The trace context written with the outbox row continues here.
import { createDeadLetterHandler, createHandlers, dispatchEntry, sendMessage, SenderRateLimiter, startPeriodicEnsurer, type HandlerDeps, type SendDeps } from "@rm/messaging";
import { StreamConsumer, type StreamKind } from "@rm/streams";
import { withExtractedContext } from "@rm/telemetry";
import { createTwilioClient } from "@rm/twilio";
import type { Service, WorkerContext } from "./context.ts";

/** Billing events get their consumer with the billing work; nothing writes that stream yet. */
const KINDS: readonly StreamKind[] = ["dispatch", "provider-status", "inbound", "periodic"];

export async function startConsumers(ctx: WorkerContext, consumerName: string): Promise<Service[]> {
  const { config, logger, clock } = ctx;
  const twilio = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN[0]!,
    apiUrl: config.TWILIO_API_URL,
    timeoutMs: config.TWILIO_TIMEOUT_MS,
  });
  const naming = { prefix: config.STREAM_PREFIX, partitions: config.STREAM_PARTITIONS };
  const rateLimiter = new SenderRateLimiter({ redis: ctx.redis.producer, prefix: config.STREAM_PREFIX, disabled: config.RATE_LIMITS_DISABLED });

  const handlerDeps: HandlerDeps = {
    orm: ctx.db.orm,
    clock,
    logger,
    twilio,
    periodic: { sweepTimeoutMs: config.OUTBOX_SWEEP_AFTER_MS, sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS },
  };
  const sendDeps: SendDeps = {
    orm: ctx.db.orm,
    clock,
    logger,
    twilio,
    rateLimiter,
    publicUrl: config.PUBLIC_URL,
    defaults: { smsFrom: config.TWILIO_FROM_SMS, whatsappFrom: config.TWILIO_FROM_WHATSAPP, messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID },
    globalPaused: () => config.SENDING_PAUSED,
    sdkTimeoutMs: config.TWILIO_TIMEOUT_MS,
  };
  const dispatch = dispatchEntry(createHandlers(handlerDeps, { "message.send": (_deps, entry) => sendMessage(sendDeps, entry) }));
  const onDeadLetter = createDeadLetterHandler(handlerDeps);

  const services: Service[] = [];
  for (const kind of KINDS) {
    const consumer = new StreamConsumer({
      redis: ctx.redis.consumer,
      naming,
      kind,
      consumer: consumerName,
      handle: (entry) => withExtractedContext(entry.traceparent, () => dispatch(entry)),
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
  const ensurer = await startPeriodicEnsurer({ orm: ctx.db.orm, clock, logger, periodic: handlerDeps.periodic });
  services.push({ name: "periodic-ensurer", stop: async () => ensurer.stop() });
  return services;
}
