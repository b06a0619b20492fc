// What every stream handler receives. Built once by the worker process.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import type { InboundMessage } from "@rm/db";
import type { Clock } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import type { LogSink } from "@rm/telemetry";
import type { TwilioClient } from "@rm/twilio";
import type { FeedbackOptions } from "../feedback/options.ts";
import type { PeriodicOptions } from "../periodic/periodic-options.ts";

export interface HandlerDeps {
  orm: MikroORM;
  clock: Clock;
  logger: LogSink;
  /** Needed by delivery reconciliation (and the send handler); absent in processes that never call Twilio. */
  twilio?: TwilioClient;
  /** Intervals and thresholds of the periodic jobs; defaults in periodic-options.ts. */
  periodic?: Partial<PeriodicOptions>;
  /** The platform's own senders (TWILIO_FROM_SMS, "whatsapp:" + TWILIO_FROM_WHATSAPP): inbound reconciliation lists them. */
  platformSenders?: readonly string[];
  /**
   * Reply processing (ratings, opt-outs, HELP: `createReplyProcessor` in feedback/reply.ts): called
   * for a NEWLY stored inbound message that was routed to a workspace, inside the same transaction as
   * the insert, with `em` scoped to that workspace. Whatever it writes (and any outbox rows it enqueues) commits or
   * rolls back with the inbound row; throwing leaves the entry to be retried.
   */
  onInboundRouted?: (em: EntityManager, inbound: InboundMessage) => Promise<void>;
  /**
   * The periodic job 'whatsapp.approvals': @rm/accounts' followWhatsAppApprovals with the own
   * accounts' credentials; absent without CREDENTIALS_ENCRYPTION_KEYS.
   */
  followWhatsAppApprovals?: (now: Date) => Promise<object>;
  /** Public links and overrides of the feedback flow (reminders need them). */
  feedback?: FeedbackOptions;
}

/** Resolves once its effect is committed; throws to leave the stream entry pending (retried, then dead-lettered). */
export type EntryHandler = (deps: HandlerDeps, entry: StreamEntry) => Promise<void>;
