// The 'twilio.status' handler of apply-provider-status.ts, run per stream read batch: with three
// callbacks per message (queued, sent, delivered) one transaction per callback made the status
// stream the pipeline's bottleneck. One transaction locks every outbox row of the batch (id order)
// and every message they name (id order), folds each message's callbacks through the same
// monotonic rule (applyStatus) in stream order, writes the new statuses and the timestamps they
// imply with one UPDATE … FROM unnest, and completes the outbox rows with one UPDATE.
//
// Only the plain case runs batched: a readable entry carrying our message id (`?m=`), whose message
// exists and already has that provider sid, and whose transitions neither end in a failure (refunds)
// nor leave one (re-charge). Everything else — and every entry of a batch whose transaction fails —
// goes through the one-by-one handler, which locks and checks again itself, after the batch commits.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray } from "@rm/db";
import { applyStatus, type DeliveryStatus, fromTwilioStatus, isFinal } from "@rm/domain";
import { parsePayload, type StreamEntry, twilioStatusPayloadSchema } from "@rm/streams";
import { recordDeliveryStatus, type DeliveryStatusResult } from "./apply-delivery-status.ts";
import { applyProviderStatus, TWILIO_STATUS_TYPE } from "./apply-provider-status.ts";
import type { HandlerDeps } from "./deps.ts";

/** What became of one entry: ok means it may be acknowledged (its effect, or nothing to do, is committed). */
export type StatusEntryOutcome = { ok: true } | { ok: false; error: unknown };

interface Candidate {
  index: number;
  outboxId: string;
  messageId: string;
  sid: string;
  incoming: DeliveryStatus;
}

interface LockedMessage {
  id: string;
  status: DeliveryStatus;
  provider_sid: string | null;
  channel: string;
  type: string;
}

const LOCK_OUTBOX_SQL = "select id::text as id, status from outbox where id = any(?::bigint[]) order by id for update";
// Deliberately cross-tenant, as the one-by-one handler's lookup: a callback carries no workspace, only
// our message id and the provider sid, and both must match the row.
const LOCK_MESSAGES_SQL = "select id, status, provider_sid, channel, type from messages where id = any(?::uuid[]) order by id for update";
const UPDATE_MESSAGES_SQL = `update messages m
    set status = u.status,
        sent_at = case when u.status in ('SENT', 'DELIVERED', 'READ') then coalesce(m.sent_at, ?) else m.sent_at end,
        delivered_at = case when u.status in ('DELIVERED', 'READ') then coalesce(m.delivered_at, ?) else m.delivered_at end,
        read_at = case when u.status = 'READ' then coalesce(m.read_at, ?) else m.read_at end,
        updated_at = ?
   from unnest(?::uuid[], ?::text[]) as u(id, status)
  where m.id = u.id`;

/**
 * Applies the status callbacks of one stream batch. `runOne` handles an entry on its own (default:
 * applyProviderStatus; the worker passes its span-wrapped dispatcher). Returns one outcome per entry,
 * in order; never throws for a single entry's failure.
 */
export async function applyProviderStatusBatch(
  deps: HandlerDeps,
  entries: readonly StreamEntry[],
  runOne: (entry: StreamEntry) => Promise<void> = (entry) => applyProviderStatus(deps, entry),
): Promise<StatusEntryOutcome[]> {
  const outcomes: StatusEntryOutcome[] = entries.map(() => ({ ok: true }));
  const oneByOne: number[] = [];
  const candidates: Candidate[] = [];
  const seenOutbox = new Set<string>();
  entries.forEach((entry, index) => {
    const parsed = entry.type === TWILIO_STATUS_TYPE && /^\d+$/.test(entry.outboxId) ? parsePayload(twilioStatusPayloadSchema, entry.payload) : null;
    const incoming = parsed?.ok ? fromTwilioStatus(parsed.value.params.MessageStatus ?? parsed.value.params.SmsStatus) : null;
    if (!parsed?.ok || !parsed.value.messageId || !incoming || seenOutbox.has(entry.outboxId)) {
      oneByOne.push(index);
      return;
    }
    seenOutbox.add(entry.outboxId);
    candidates.push({ index, outboxId: entry.outboxId, messageId: parsed.value.messageId, sid: (parsed.value.params.MessageSid ?? parsed.value.params.SmsSid)!, incoming });
  });

  let applied: DeliveryStatusResult[] = [];
  if (candidates.length > 0) {
    try {
      const result = await deps.orm.em.fork().transactional((em) => applyBatch(deps, em, candidates));
      applied = result.applied;
      oneByOne.push(...result.oneByOne);
    } catch (err) {
      deps.logger.warn({ err: String(err), entries: candidates.length }, "status batch failed; applying its entries one by one");
      oneByOne.push(...candidates.map((c) => c.index));
    }
  }
  for (const result of applied) recordDeliveryStatus(result);

  // One by one, in stream order within a message (each locks its message; order keeps the timestamps
  // of a failure's refund and a later delivery's re-charge in sequence), messages concurrently.
  const messageOf = new Map(candidates.map((c) => [c.index, c.messageId]));
  const byMessage = new Map<string, number[]>();
  for (const index of oneByOne.sort((a, b) => a - b)) {
    const key = messageOf.get(index) ?? `entry:${index}`;
    const list = byMessage.get(key);
    if (list) list.push(index);
    else byMessage.set(key, [index]);
  }
  await Promise.all(
    [...byMessage.values()].map(async (indexes) => {
      for (const index of indexes) {
        try {
          await runOne(entries[index]!);
        } catch (error) {
          outcomes[index] = { ok: false, error };
        }
      }
    }),
  );
  return outcomes;
}

async function applyBatch(deps: HandlerDeps, em: EntityManager, candidates: Candidate[]): Promise<{ applied: DeliveryStatusResult[]; oneByOne: number[] }> {
  const now = deps.clock.now();
  const outbox = await em.execute<{ id: string; status: string }[]>(LOCK_OUTBOX_SQL, [pgArray(candidates.map((c) => c.outboxId))]);
  const published = new Set(outbox.filter((r) => r.status === "published").map((r) => r.id));
  // A row already done, cancelled, back to pending or gone: a duplicate or stale entry, nothing to do.
  const live = candidates.filter((c) => published.has(c.outboxId));
  if (live.length === 0) return { applied: [], oneByOne: [] };

  const messages = await em.execute<LockedMessage[]>(LOCK_MESSAGES_SQL, [pgArray([...new Set(live.map((c) => c.messageId))])]);
  const byId = new Map(messages.map((m) => [m.id, m]));
  const groups = new Map<string, Candidate[]>();
  for (const c of live) {
    const group = groups.get(c.messageId);
    if (group) group.push(c);
    else groups.set(c.messageId, [c]);
  }

  const oneByOne: number[] = [];
  const applied: DeliveryStatusResult[] = [];
  const updates: { id: string; status: DeliveryStatus }[] = [];
  const done: string[] = [];
  for (const [messageId, group] of groups) {
    const message = byId.get(messageId);
    // Unknown message, a sid not recorded yet or another sid: the one-by-one handler logs or records it.
    if (!message || !message.provider_sid || group.some((c) => c.sid !== message.provider_sid)) {
      oneByOne.push(...group.map((c) => c.index));
      continue;
    }
    let status = message.status;
    const steps: DeliveryStatusResult[] = [];
    let plain = true;
    for (const c of group) {
      const t = applyStatus(status, c.incoming);
      if (!t.changed) continue;
      // Credits move on a failure (refund) or on leaving one (re-charge): the one-by-one path does that.
      if (t.leftFinal || isFinal(t.next)) {
        plain = false;
        break;
      }
      const labels = { channel: message.channel, type: message.type, status: t.next };
      steps.push({ incoming: c.incoming, previous: status, status: t.next, changed: true, leftFinal: false, refunded: 0, recharged: 0, labels });
      status = t.next;
    }
    if (!plain) {
      oneByOne.push(...group.map((c) => c.index));
      continue;
    }
    if (status !== message.status) updates.push({ id: message.id, status });
    applied.push(...steps);
    done.push(...group.map((c) => c.outboxId));
  }

  if (updates.length > 0) {
    await em.execute(UPDATE_MESSAGES_SQL, [now, now, now, now, pgArray(updates.map((u) => u.id)), pgArray(updates.map((u) => u.status))], "run");
  }
  if (done.length > 0) {
    await em.execute("update outbox set status = 'done', done_at = ?, last_error = null where id = any(?::bigint[])", [now, pgArray(done)], "run");
  }
  return { applied, oneByOne };
}
