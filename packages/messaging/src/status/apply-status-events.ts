// Applies stored status callbacks (provider_status_events) to messages in set-based batches
// (decision 011). One transaction per batch:
//   1. claim the oldest unapplied events FOR UPDATE SKIP LOCKED (several workers share them) and
//      resolve each one's message: our id from the callback URL first, then the provider sid;
//   2. lock those messages in id order (a fixed order: two appliers never deadlock on each other);
//   3. per message, fold its events in arrival order through the monotonic rule (applyStatus): the
//      highest rank wins, a tie keeps what is there (the first final answer wins), DELIVERED after
//      READ is ignored;
//   4. the plain case — no failure reached and none left — is one UPDATE … FROM unnest for every
//      message of the batch; a message whose events reach or leave a final failure (refund, error
//      code, re-charge) goes through applyDeliveryStatus, event by event, in the same transaction;
//   5. mark the events applied with what became of each.
// A WhatsApp message that fails with "no WhatsApp" or "template not usable" goes once by SMS
// (sms-fallback.ts, started by applyDeliveryStatus in this transaction: the message row becomes an
// SMS waiting to be sent and one keyed outbox row is written); callbacks of the replaced WhatsApp
// attempt are ignored afterwards (outcome other_sid).
// A message not found yet (the callback beat the sender's commit and named no id of ours) waits:
// the event is claimed again later with growing waits, and after `unknownRetryMs` it is parked with
// outcome unknown_message. A crash anywhere before the commit leaves every event unapplied for the
// next claim; an event whose batch keeps failing is retried alone and parked (outcome error) after
// MAX_ERROR_ATTEMPTS.
import type { EntityManager } from "@mikro-orm/postgresql";
import { emitWebhookEvent } from "../webhook-events.ts";
import { LockMode } from "@mikro-orm/core";
import { Message, pgArray, workspaceEm } from "@rm/db";
import { applyStatus, DELIVERY_STATUS_RANK, deliveryStatusRankSql, type DeliveryStatus, fromTwilioStatus, isFinal } from "@rm/domain";
import { defineInstruments } from "@rm/telemetry";
import { applyDeliveryStatus, type DeliveryStatusResult, recordDeliveryStatus } from "../handlers/apply-delivery-status.ts";
import type { HandlerDeps } from "../handlers/deps.ts";

export type StatusEventOutcome = "applied" | "no_change" | "unknown_status" | "other_sid" | "unknown_message" | "error";

export interface ApplyStatusEventsOptions {
  /** Most events per batch. */
  limit: number;
  /** How long an event whose message is not found keeps being retried before it is parked. */
  unknownRetryMs: number;
  /** Test seam: runs inside the transaction right after the claim (e.g. to simulate a crash). */
  afterClaim?: (ids: readonly string[]) => Promise<void>;
}

export interface ApplyStatusEventsResult {
  /** Events claimed by this batch (0: nothing was due). */
  claimed: number;
  /** Events done with (applied, no change, ignored or parked). */
  done: number;
  /** Events whose message was not found yet, to be claimed again later. */
  waiting: number;
  /** Delivery status changes made (one per step, as the metrics count them). */
  changes: number;
}

/** A batch that fails this many times with a single event is parked with outcome `error`. */
export const MAX_ERROR_ATTEMPTS = 10;
/** Longest wait between two tries of an event whose message is not found. */
const MAX_RETRY_WAIT_SECONDS = 60;

interface ClaimedEvent {
  id: string;
  sid: string;
  status: string;
  rank: number | null;
  error_code: string | null;
  received_at: Date;
  target: string | null;
}

interface LockedMessage {
  id: string;
  workspace_id: string;
  status: DeliveryStatus;
  provider_sid: string | null;
  channel: string;
  type: string;
  /** The failed WhatsApp attempt of a message that fell back to SMS: its callbacks change nothing. */
  fallback_from_sid: string | null;
}

// The lock is taken in the sub-select, on the events only. Cross-tenant on purpose: a callback names
// no workspace, and our id and the sid both identify one message.
const CLAIM_SQL = `
  select e.id::text as id, e.provider_sid as sid, e.status, e.rank, e.error_code, e.received_at,
         coalesce(by_id.id, by_sid.id) as target
    from (select id, provider_sid, status, rank, error_code, message_id, received_at
            from provider_status_events
           where applied_at is null and available_at <= ?
           order by id
           limit ?
             for update skip locked) e
    left join messages by_id on by_id.id = e.message_id
    left join messages by_sid on by_id.id is null and by_sid.provider_sid = e.provider_sid
   order by e.id`;

const LOCK_MESSAGES_SQL = "select id, workspace_id, status, provider_sid, channel, type, fallback_from_sid from messages where id = any(?::uuid[]) order by id for update";

// The rank guard repeats the fold's rule in SQL: nothing ever moves a status back.
const UPDATE_MESSAGES_SQL = `update messages m
    set status = u.status,
        provider_sid = coalesce(m.provider_sid, u.sid),
        sent_at = case when u.status <> m.status and u.status in ('SENT', 'DELIVERED', 'READ') then coalesce(m.sent_at, ?) else m.sent_at end,
        delivered_at = case when u.status <> m.status and u.status in ('DELIVERED', 'READ') then coalesce(m.delivered_at, ?) else m.delivered_at end,
        read_at = case when u.status <> m.status and u.status = 'READ' then coalesce(m.read_at, ?) else m.read_at end,
        updated_at = ?
   from unnest(?::uuid[], ?::text[], ?::text[], ?::int[]) as u(id, status, sid, rank)
  where m.id = u.id and ${deliveryStatusRankSql("m.status")} <= u.rank`;

const MARK_DONE_SQL = `update provider_status_events e
    set applied_at = ?, outcome = u.outcome, attempts = e.attempts + 1
   from unnest(?::bigint[], ?::text[]) as u(id, outcome)
  where e.id = u.id`;

// Waits 1, 2, 4 … up to MAX_RETRY_WAIT_SECONDS between tries.
const WAIT_SQL = `update provider_status_events
    set attempts = attempts + 1,
        available_at = ?::timestamptz + make_interval(secs => least(${MAX_RETRY_WAIT_SECONDS}, power(2, least(attempts, 16))))
  where id = any(?::bigint[])`;

const FAILED_ALONE_SQL = `update provider_status_events
    set attempts = attempts + 1,
        available_at = ?::timestamptz + make_interval(secs => least(${MAX_RETRY_WAIT_SECONDS}, power(2, least(attempts, 16)))),
        outcome = 'error',
        applied_at = case when attempts + 1 >= ${MAX_ERROR_ATTEMPTS} then ?::timestamptz end
  where id = ? and applied_at is null
  returning attempts`;

const instruments = defineInstruments((meter) => ({
  batch: meter.createHistogram("rm.status.apply.batch.size", {
    description: "Status callbacks done with per applier batch (applied, unchanged, ignored or parked)",
    advice: { explicitBucketBoundaries: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] },
  }),
  events: meter.createCounter("rm.status.events", {
    description: "Status callbacks done with by the applier, by outcome (applied, no_change, unknown_status, other_sid, unknown_message, error)",
  }),
}));

/** Applies one batch of due status events; see the header. Throws when the batch's transaction failed (nothing of it was applied). */
export async function applyStatusEvents(deps: HandlerDeps, options: ApplyStatusEventsOptions): Promise<ApplyStatusEventsResult> {
  const claimedIds: string[] = [];
  try {
    const { result, steps, outcomes } = await deps.orm.em.fork().transactional((em) => applyBatch(deps, em, options, claimedIds));
    for (const step of steps) recordDeliveryStatus(step);
    for (const [outcome, n] of outcomes) instruments().events.add(n, { outcome });
    if (result.claimed > 0) instruments().batch.record(result.done);
    return result;
  } catch (err) {
    // One event that fails alone is poison for every batch it is in: wait it out, then park it.
    if (claimedIds.length === 1) await failAlone(deps, claimedIds[0]!, err);
    throw err;
  }
}

async function applyBatch(
  deps: HandlerDeps,
  em: EntityManager,
  options: ApplyStatusEventsOptions,
  claimedIds: string[],
): Promise<{ result: ApplyStatusEventsResult; steps: DeliveryStatusResult[]; outcomes: Map<StatusEventOutcome, number> }> {
  const now = deps.clock.now();
  // The batch's commit need not wait for its WAL flush: the events are durable already, and a
  // commit lost in a database crash loses the effects and the marks together (ledger entries
  // included), so the events are simply claimed and applied again. Nothing leaves the database.
  await em.execute("set local synchronous_commit = off", [], "run");
  const events = await em.execute<ClaimedEvent[]>(CLAIM_SQL, [now, options.limit]);
  claimedIds.push(...events.map((e) => e.id));
  const result: ApplyStatusEventsResult = { claimed: events.length, done: 0, waiting: 0, changes: 0 };
  const outcomes = new Map<StatusEventOutcome, number>();
  if (events.length === 0) return { result, steps: [], outcomes };
  await options.afterClaim?.(claimedIds);

  const targets = [...new Set(events.flatMap((e) => (e.target ? [e.target] : [])))];
  const locked = targets.length > 0 ? await em.execute<LockedMessage[]>(LOCK_MESSAGES_SQL, [pgArray(targets)]) : [];
  const byId = new Map(locked.map((m) => [m.id, m]));

  const done: { id: string; outcome: StatusEventOutcome }[] = [];
  const finish = (e: ClaimedEvent, outcome: StatusEventOutcome) => {
    done.push({ id: e.id, outcome });
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  };
  const waiting: string[] = [];
  const groups = new Map<string, ClaimedEvent[]>();
  for (const e of events) {
    const message = e.target ? byId.get(e.target) : undefined;
    if (!message) {
      const log = { eventId: e.id, providerSid: e.sid, twilioStatus: e.status };
      if (now.getTime() - new Date(e.received_at).getTime() >= options.unknownRetryMs) {
        deps.logger.info(log, "status callback for an unknown message; parked");
        finish(e, "unknown_message");
      } else {
        waiting.push(e.id);
      }
      continue;
    }
    const group = groups.get(message.id);
    if (group) group.push(e);
    else groups.set(message.id, [e]);
  }

  const steps: DeliveryStatusResult[] = [];
  const updates: { id: string; status: DeliveryStatus; sid: string | null; rank: number }[] = [];
  const withSideEffects: { message: LockedMessage; events: ClaimedEvent[] }[] = [];
  for (const [messageId, group] of groups) {
    const message = byId.get(messageId)!;
    let sid = message.provider_sid;
    let recordSid: string | null = null;
    const valid: { e: ClaimedEvent; incoming: DeliveryStatus }[] = [];
    for (const e of group) {
      const log = { eventId: e.id, messageId, providerSid: e.sid, twilioStatus: e.status };
      if (e.sid === message.fallback_from_sid) {
        // A late or repeated callback of the WhatsApp attempt this message replaced by an SMS.
        finish(e, "other_sid");
        continue;
      }
      if (!sid) {
        // The callback beat the sender's commit: record the sid now; the sender finds it set.
        sid = recordSid = e.sid;
      } else if (sid !== e.sid) {
        deps.logger.warn({ ...log, recordedSid: sid }, "status callback names another provider sid; ignored");
        finish(e, "other_sid");
        continue;
      }
      const incoming = e.rank === null ? null : fromTwilioStatus(e.status);
      if (!incoming) {
        deps.logger.warn(log, "unknown provider status; ignored");
        finish(e, "unknown_status");
        continue;
      }
      valid.push({ e, incoming });
    }

    // Reaching or leaving a final failure moves credits: the event-by-event path does that.
    let status = message.status;
    const groupSteps: DeliveryStatusResult[] = [];
    let plain = true;
    const changedBy = new Set<string>();
    for (const { e, incoming } of valid) {
      const t = applyStatus(status, incoming);
      if (!t.changed) continue;
      if (t.leftFinal || isFinal(t.next)) {
        plain = false;
        break;
      }
      groupSteps.push({ incoming, previous: status, status: t.next, changed: true, leftFinal: false, refunded: 0, recharged: 0, labels: { channel: message.channel, type: message.type, status: t.next } });
      changedBy.add(e.id);
      status = t.next;
    }
    if (!plain) {
      withSideEffects.push({ message, events: valid.map((v) => v.e) });
      continue;
    }
    if (status !== message.status || recordSid) updates.push({ id: message.id, status, sid: recordSid, rank: DELIVERY_STATUS_RANK[status] });
    steps.push(...groupSteps);
    for (const { e } of valid) finish(e, changedBy.has(e.id) ? "applied" : "no_change");
  }

  if (updates.length > 0) {
    await em.execute(
      UPDATE_MESSAGES_SQL,
      [now, now, now, now, pgArray(updates.map((u) => u.id)), pgArray(updates.map((u) => u.status)), pgArray(updates.map((u) => u.sid)), pgArray(updates.map((u) => u.rank))],
      "run",
    );
  }

  for (const { message: locked, events: group } of withSideEffects) {
    const wem = workspaceEm(em, locked.workspace_id);
    const message = await wem.findOneOrFail(Message, { id: locked.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const e of group) {
      if (message.fallbackFromSid !== null && e.sid === message.fallbackFromSid) {
        // This batch's own failed callback started the SMS fallback; the rest of the WhatsApp
        // attempt's callbacks change nothing.
        finish(e, "other_sid");
        continue;
      }
      if (!message.providerSid) message.providerSid = e.sid;
      const applied = await applyDeliveryStatus(wem, message, e.status, { errorCode: e.error_code, now, logger: deps.logger });
      steps.push(applied);
      if (applied.changed && !applied.smsFallback && (applied.status === "FAILED" || applied.status === "UNDELIVERED")) {
        await emitWebhookEvent(em, {
          workspaceId: locked.workspace_id,
          type: "message.failed",
          subjectId: `${message.id}:${e.sid}`,
          data: { message_id: message.id, patient_id: message.patient?.id ?? null, type: message.type, channel: message.channel, status: applied.status, error_code: e.error_code == null ? null : Number(e.error_code), failed_at: now.toISOString() },
          now,
        });
      }
      finish(e, applied.changed ? "applied" : "no_change");
    }
  }

  if (done.length > 0) await em.execute(MARK_DONE_SQL, [now, pgArray(done.map((d) => d.id)), pgArray(done.map((d) => d.outcome))], "run");
  if (waiting.length > 0) await em.execute(WAIT_SQL, [now, pgArray(waiting)], "run");
  result.done = done.length;
  result.waiting = waiting.length;
  result.changes = steps.filter((s) => s.changed).length;
  return { result, steps, outcomes };
}

async function failAlone(deps: HandlerDeps, id: string, err: unknown): Promise<void> {
  const now = deps.clock.now();
  try {
    const rows = await deps.orm.em.fork().getConnection().execute<{ attempts: number }[]>(FAILED_ALONE_SQL, [now, now, id]);
    const attempts = rows[0]?.attempts ?? 0;
    if (attempts >= MAX_ERROR_ATTEMPTS) {
      deps.logger.error({ eventId: id, attempts, err: String(err) }, "status callback failed every time it was applied; parked");
      instruments().events.add(1, { outcome: "error" });
    }
  } catch {
    // The database is the problem; the event stays unapplied and is claimed again.
  }
}
