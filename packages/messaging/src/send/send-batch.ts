// The send protocol of send-message.ts, run per stream batch (decision 007). Same three steps, same
// guarantees, but each step's database work is done for the whole batch at once:
//   1. one transaction locks every outbox row, message and contact of the batch, re-checks them, books
//      the rate-limit slots and marks the sendable ones SENDING (one UPDATE … FROM unnest);
//   2. the provider calls, concurrently, each in its entry's trace;
//   3. one transaction records every sid and status, settles every hold (settleHoldsBulk), marks the
//      patients and contacts, schedules the reminders and completes the outbox rows.
// Only the common case runs batched: a PENDING message, eligible, not paused, with its credits held (or
// free), on time for its rate-limit slot. Anything else — an unreadable entry, a duplicate, a message in
// SENDING that must be verified, an opt-out, a pause, a missing hold, a failure to route — goes through
// sendMessage() one by one, which locks and checks it again itself. Provider errors are handled one by
// one too (handleProviderError). If a batch transaction fails, its entries fall back to the one-by-one
// path: a failure of one message never fails or retries the others.
import type { EntityManager } from "@mikro-orm/postgresql";
import { BROADCAST_CAP_WINDOW_DAYS, broadcastsSentToContacts } from "../campaign/broadcast.ts";
import { completeOutboxRows, deferToRateSlots, lockOutboxRows, pgArray } from "@rm/db";
import { settleHoldsBulk, type SettleItem } from "@rm/credits";
import { applyStatus, countSegments, fromTwilioStatus } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import { injectTraceContext, withExtractedContext, withSpan } from "@rm/telemetry";
import type { TwilioClient } from "@rm/twilio";
import { scheduleReminders } from "../feedback/reminder.ts";
import {
  MARK_PATIENTS_SENT_SQL,
  destinationFailure,
  FREE_TYPES,
  handleProviderError,
  ineligibility,
  payloadSchema,
  record,
  RELOAD_SELECT,
  releaseHeld,
  routeFor,
  providerClient,
  safeJson,
  sendInstruments,
  sendMessage,
  settle,
  SLOT_EARLY_MS,
  SLOT_LATE_MS,
  statusCallbackUrl,
  type ProviderRequest,
  type ReloadedRow,
  type SendDeps,
} from "./send-message.ts";
import { loadSendRows, type SendRow } from "./send-context.ts";
import { startSmsFallback } from "../status/sms-fallback.ts";

/** What became of one entry: ok means it may be acknowledged (its effect, or nothing to do, is committed). */
export type EntryOutcome = { ok: true } | { ok: false; error: unknown };

interface Candidate {
  index: number;
  entry: StreamEntry;
  outboxId: string;
  workspaceId: string;
  messageId: string;
  rateSlotAt: number | undefined;
}

interface Sending {
  c: Candidate;
  row: SendRow;
  request: ProviderRequest;
  dueAt: Date;
  attempt: number;
}

interface Accepted {
  s: Sending;
  sid: string;
  status: string;
  segments: number | null;
  /** The traceparent of the send's span: its reminder continues the trace. */
  traceContext: string | undefined;
}

const RELOAD_BATCH_SQL = `${RELOAD_SELECT}
   where (m.workspace_id, m.id) in (select * from unnest(?::uuid[], ?::uuid[]))
   order by m.id
     for update of m`;

/**
 * Sends the `message.send` entries of one stream batch. Returns one outcome per entry, in order;
 * never throws for a single entry's failure.
 */
export async function sendMessageBatch(deps: SendDeps, entries: readonly StreamEntry[], hooks?: { recording?: () => void }): Promise<EntryOutcome[]> {
  const outcomes: EntryOutcome[] = entries.map(() => ({ ok: true }));
  const oneByOne: number[] = [];
  // A second entry for an outbox row (or message) already in this batch runs after the batch is done.
  const afterwards: number[] = [];
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const parsed = payloadSchema.safeParse(safeJson(entry.payload));
    if (!parsed.success || !entry.workspaceId || !/^\d+$/.test(entry.outboxId)) {
      oneByOne.push(index);
      return;
    }
    if (seen.has(entry.outboxId) || seen.has(parsed.data.messageId)) {
      afterwards.push(index);
      return;
    }
    seen.add(entry.outboxId);
    seen.add(parsed.data.messageId);
    candidates.push({ index, entry, outboxId: entry.outboxId, workspaceId: entry.workspaceId, messageId: parsed.data.messageId, rateSlotAt: parsed.data.rateSlotAt });
  });

  const runOne = async (index: number): Promise<void> => {
    const entry = entries[index]!;
    try {
      await inEntrySpan(entry, () => sendMessage(deps, entry));
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  };

  // Step 1.
  let sending: Sending[] = [];
  if (candidates.length > 0) {
    try {
      const prepared = await deps.orm.em.fork().transactional((em) => prepareBatch(deps, em, candidates));
      sending = prepared.sending;
      oneByOne.push(...prepared.oneByOne);
    } catch (err) {
      deps.logger.warn({ err: String(err), entries: candidates.length }, "batch preparation failed; sending its entries one by one");
      oneByOne.push(...candidates.map((c) => c.index));
    }
  }

  // Step 2, with the entries that need the one-by-one path running alongside.
  const accepted: Accepted[] = [];
  await Promise.all([
    ...oneByOne.map(runOne),
    ...sending.map(async (s) => {
      try {
        const a = await callProvider(deps, s);
        if (a) accepted.push(a);
      } catch (error) {
        outcomes[s.c.index] = { ok: false, error };
      }
    }),
  ]);

  // Step 3. The stream reader may start its next batch now: this one only records (its locks are
  // on rows the next batch's step 1 skips or waits for, like a second reader's).
  hooks?.recording?.();
  if (accepted.length > 0) {
    let recorded: Accepted[] | null = null;
    try {
      recorded = await deps.orm.em.fork().transactional((em) => recordBatch(deps, em, accepted));
    } catch (err) {
      // Each on its own: a sid not recorded here is found on the next delivery (callback or provider).
      deps.logger.warn({ err: String(err), entries: accepted.length }, "recording a batch failed; recording its sends one by one");
      await Promise.all(
        accepted.map(async (a) => {
          try {
            await inEntrySpan(a.s.c.entry, () => record(deps, a.s.c.outboxId, a.s.row, a.sid, a.status, a.segments, a.s.dueAt));
          } catch (error) {
            outcomes[a.s.c.index] = { ok: false, error };
          }
        }),
      );
    }
    if (recorded) {
      const now = deps.clock.now();
      for (const a of recorded) {
        sendInstruments().sends.add(1, { channel: a.s.row.channel, type: a.s.row.type, outcome: "accepted" });
        sendInstruments().latency.record(Math.max(0, (now.getTime() - a.s.dueAt.getTime()) / 1000), { channel: a.s.row.channel });
      }
    }
  }

  for (const index of afterwards) await runOne(index);
  return outcomes;
}

function inEntrySpan<T>(entry: StreamEntry, fn: () => Promise<T>): Promise<T> {
  return withExtractedContext(entry.traceparent, () => withSpan(entry.type, { "messaging.destination.name": "dispatch" }, fn));
}

/** Step 1 for the batch: what is sendable now is marked SENDING; the rest is left untouched for sendMessage(). */
async function prepareBatch(deps: SendDeps, em: EntityManager, candidates: Candidate[]): Promise<{ sending: Sending[]; oneByOne: number[] }> {
  const now = deps.clock.now();
  const oneByOne: number[] = [];
  const outboxById = await lockOutboxRows(em, candidates.map((c) => c.outboxId));
  // Not published (done, cancelled, or pending again): a duplicate or stale entry, nothing to do.
  const live = candidates.filter((c) => outboxById.get(c.outboxId)?.status === "published");
  if (live.length === 0) return { sending: [], oneByOne };

  const rows = await loadSendRows(em, live);
  const rowById = new Map(rows.map((r) => [r.id, r]));

  const globalPaused = deps.globalPaused();
  // The frequency cap of broadcasts (SPEC §14): counted once for the batch's contacts under their
  // locks, then per message as the batch takes them, so two broadcasts to one contact in one batch
  // count each other; one over the cap goes to the one-by-one path, which cancels it.
  const broadcasts = rows.filter((r) => r.type === "BROADCAST" && r.contact_id);
  const capCounts = await broadcastsSentToContacts(
    em,
    broadcasts.map((r) => ({ workspaceId: r.workspace_id, contactId: r.contact_id! })),
    new Date(now.getTime() - BROADCAST_CAP_WINDOW_DAYS * 86_400_000),
    broadcasts.map((r) => r.id),
  );
  const ready: { c: Candidate; row: SendRow; request: ProviderRequest; segments: { segments: number; encoding: string | null }; rateKey: string; slotAt: number | undefined }[] = [];
  for (const c of live) {
    const row = rowById.get(c.messageId);
    // Everything but the plain case is decided by the one-by-one path, under its own locks.
    // An SMS fallback (its own ledger references) is rare: it always takes the one-message path.
    if (!row || row.provider_sid || row.status !== "PENDING" || row.fallback_at !== null || globalPaused || row.sending_paused || row.campaign_paused_at || ineligibility(row) !== null || destinationFailure(row) !== null || (!FREE_TYPES.has(row.type) && row.credits_held <= 0)) {
      oneByOne.push(c.index);
      continue;
    }
    if (row.type === "BROADCAST") {
      const sent = capCounts.get(row.contact_id!) ?? 0;
      if (sent >= row.broadcast_cap) {
        oneByOne.push(c.index);
        continue;
      }
      capCounts.set(row.contact_id!, sent + 1);
    }
    const route = routeFor(deps, row, now);
    if ("failure" in route) {
      oneByOne.push(c.index);
      continue;
    }
    const request: ProviderRequest = { ...route.request, statusCallback: statusCallbackUrl(deps, row.id) };
    const segments = row.channel === "WHATSAPP" ? { segments: 1, encoding: null } : countSegments(row.body ?? "");
    const rateKey = request.from ?? request.messagingServiceSid ?? "default";
    // One booking per message: a message back for its booked slot is not booked again.
    const slotAt = c.rateSlotAt !== undefined && now.getTime() - c.rateSlotAt <= SLOT_LATE_MS ? c.rateSlotAt : undefined;
    ready.push({ c, row, request, segments, rateKey, slotAt });
  }

  // Rate-limit slots for the batch: booked in the batch's order (one round trip's worth of Redis calls).
  const slots = await Promise.all(
    ready.map(async (r) => (r.slotAt !== undefined ? r.slotAt : now.getTime() + (await deps.rateLimiter.reserve(r.rateKey, r.segments.segments)).delayMs)),
  );
  const later: { outboxId: string; slotAt: number }[] = [];
  const sendNow: typeof ready = [];
  ready.forEach((r, i) => {
    const slotAt = slots[i]!;
    if (slotAt - now.getTime() > SLOT_EARLY_MS) later.push({ outboxId: r.c.outboxId, slotAt });
    else sendNow.push(r);
  });
  await deferToRateSlots(em, later);
  if (sendNow.length === 0) return { sending: [], oneByOne };

  await em.execute(
    `update messages m set status = 'SENDING', send_attempted_at = ?, send_attempts = m.send_attempts + 1, from_address = u.from_address,
            segments = u.segments, encoding = u.encoding, updated_at = ?
       from unnest(?::uuid[], ?::text[], ?::int[], ?::text[]) as u(id, from_address, segments, encoding)
      where m.id = u.id`,
    [
      now,
      now,
      pgArray(sendNow.map((r) => r.row.id)),
      pgArray(sendNow.map((r) => r.request.from ?? r.request.messagingServiceSid ?? null)),
      pgArray(sendNow.map((r) => r.segments.segments)),
      pgArray(sendNow.map((r) => r.segments.encoding)),
    ],
    "run",
  );
  return {
    oneByOne,
    sending: sendNow.map((r) => ({
      c: r.c,
      row: { ...r.row, send_attempted_at: now },
      request: r.request,
      dueAt: outboxById.get(r.c.outboxId)!.availableAt,
      attempt: r.row.send_attempts + 1,
    })),
  };
}

/** Step 2 for one message: the provider call in the entry's trace; a failure is handled on its own. */
async function callProvider(deps: SendDeps, s: Sending): Promise<Accepted | null> {
  return inEntrySpan(s.c.entry, async () => {
    const started = performance.now();
    let created: Awaited<ReturnType<TwilioClient["messages"]["create"]>>;
    try {
      created = await providerClient(deps, s.row).messages.create(s.request);
      sendInstruments().providerDuration.record((performance.now() - started) / 1000, { outcome: "ok" });
    } catch (err) {
      sendInstruments().providerDuration.record((performance.now() - started) / 1000, { outcome: "error" });
      await handleProviderError(deps, s.c.outboxId, s.row, err, s.attempt);
      return null;
    }
    return { s, sid: created.sid, status: created.status, segments: Number(created.numSegments) || null, traceContext: injectTraceContext() };
  });
}

/**
 * Step 3 for the batch: what record() and finishAccepted() do per message, as set-based statements.
 * Returns the sends recorded as accepted (for metrics after the commit).
 */
async function recordBatch(deps: SendDeps, em: EntityManager, accepted: Accepted[]): Promise<Accepted[]> {
  const now = deps.clock.now();
  await lockOutboxRows(em, accepted.map((a) => a.s.c.outboxId));
  const rows = await em.execute<ReloadedRow[]>(RELOAD_BATCH_SQL, [pgArray(accepted.map((a) => a.s.row.workspace_id)), pgArray(accepted.map((a) => a.s.row.id))]);
  const rowById = new Map(rows.map((r) => [r.id, r]));

  const done: string[] = [];
  const recorded: Accepted[] = [];
  const updates: { id: string; sid: string; status: string; segments: number | null }[] = [];
  const toSettle: { row: ReloadedRow; item: SettleItem; billed: number }[] = [];
  const slowSettle: { row: ReloadedRow; billed: number }[] = [];
  const toRelease: ReloadedRow[] = [];
  const failedWhatsapp: ReloadedRow[] = [];
  const initials: { a: Accepted; row: ReloadedRow; next: string }[] = [];
  const broadcastPatients: string[] = [];
  // Contacts reached by a message other than a rating request (whose statement below sets it too).
  const reachedOthers = new Set<string>();
  for (const a of accepted) {
    const row = rowById.get(a.s.row.id);
    if (!row) continue;
    if (row.fallback_from_sid === a.sid) {
      // A status callback failed this WhatsApp attempt and its SMS fallback has started: nothing to record.
      done.push(a.s.c.outboxId);
      continue;
    }
    if (row.provider_sid && row.provider_sid !== a.sid) {
      deps.logger.error({ messageId: row.id, recorded: row.provider_sid, received: a.sid }, "message already has another provider sid");
      done.push(a.s.c.outboxId);
      continue;
    }
    // A status callback may have been applied already (it can beat this commit).
    const incoming = fromTwilioStatus(a.status) ?? "QUEUED";
    const { next } = applyStatus(row.status, incoming);
    // What the provider counted is what it bills; our own count is the fallback.
    // A WhatsApp broadcast costs what its template's category costs (held at creation).
    const billed = row.channel === "WHATSAPP" ? (row.type === "BROADCAST" ? Math.max(1, row.credits_held) : 1) : (a.segments ?? row.segments ?? 1);
    updates.push({ id: row.id, sid: a.sid, status: next, segments: row.channel === "WHATSAPP" ? 1 : a.segments });
    if (next === "FAILED" && row.channel === "WHATSAPP") failedWhatsapp.push(row);
    if (!FREE_TYPES.has(row.type)) {
      if (next === "FAILED") toRelease.push(row);
      else if (row.credits_held > 0) {
        toSettle.push({
          row,
          billed,
          item: {
            workspaceId: row.workspace_id,
            amount: billed,
            reference: `message:${row.id}`,
            holdReference: `message:${row.id}`,
            // A rating request's hold also reserves its follow-up: only the request's own segments leave it.
            keepRemainder: row.type === "INITIAL",
            reason: `${row.type} ${row.channel}`,
          },
        });
      } else slowSettle.push({ row, billed });
    }
    if (row.type === "INITIAL") initials.push({ a, row, next });
    // The contacts list's last contact; a sign-up code has no contact.
    else if (next !== "FAILED" && row.type !== "STAFF_ALERT" && row.contact_id) reachedOthers.add(row.contact_id);
    // A broadcast's recipient is sent once its one message is (campaign completion waits for it).
    if (row.type === "BROADCAST" && row.patient_id) broadcastPatients.push(row.patient_id);
    done.push(a.s.c.outboxId);
    recorded.push(a);
  }

  // Credits: every hold that covers its spend settled with three statements; the rest as deductCredits would.
  // Settled first (the ledger only; the messages are locked already), so the one update below both
  // records the send and clears what was held: one new version of each message row, not two.
  const { rest } = await settleHoldsBulk(em, toSettle.map((t) => t.item));
  const restRefs = new Set(rest.map((r) => r.reference));
  const settledIds = new Set(toSettle.filter((t) => !restRefs.has(t.item.reference)).map((t) => t.row.id));
  if (updates.length > 0) {
    await em.execute(
      `update messages m set provider_sid = u.sid, status = u.status, segments = coalesce(u.segments, m.segments), updated_at = ?,
              credits_held = case when u.settled then 0 else m.credits_held end
         from unnest(?::uuid[], ?::text[], ?::text[], ?::int[], ?::bool[]) as u(id, sid, status, segments, settled)
        where m.id = u.id`,
      [
        now,
        pgArray(updates.map((u) => u.id)),
        pgArray(updates.map((u) => u.sid)),
        pgArray(updates.map((u) => u.status)),
        pgArray(updates.map((u) => u.segments)),
        pgArray(updates.map((u) => settledIds.has(u.id))),
      ],
      "run",
    );
  }
  for (const t of toSettle) if (restRefs.has(t.item.reference)) await settle(deps, em, t.row, t.billed);
  for (const s of slowSettle) await settle(deps, em, s.row, s.billed);
  for (const row of toRelease) await releaseHeld(em, row);
  // A WhatsApp failure that beat this commit (no WhatsApp on the number): the message goes once by SMS.
  for (const row of failedWhatsapp) await startSmsFallback(em, { workspaceId: row.workspace_id, messageId: row.id, now });

  if (initials.length > 0) {
    await em.execute(MARK_PATIENTS_SENT_SQL, [now, pgArray(initials.map((i) => i.row.patient_id))], "run");
    await em.execute(
      "update contacts set last_asked_at = ?, last_contact_at = greatest(coalesce(last_contact_at, ?), ?), updated_at = ? where id = any(?::uuid[])",
      [now, now, now, now, pgArray([...new Set(initials.map((i) => i.row.contact_id))])],
      "run",
    );
    // The one reminder each, due reminderAfterHours after this send unless a rating comes first.
    await scheduleReminders(
      em,
      initials
        .filter((i) => i.next !== "FAILED")
        .map((i) => ({ workspaceId: i.row.workspace_id, patientId: i.row.patient_id!, sentAt: now, delayMs: deps.reminderDelayMs, traceContext: i.a.traceContext ?? null })),
    );
  }
  if (broadcastPatients.length > 0) {
    await em.execute(MARK_PATIENTS_SENT_SQL, [now, pgArray(broadcastPatients)], "run");
  }
  if (reachedOthers.size > 0) {
    await em.execute("update contacts set last_contact_at = greatest(coalesce(last_contact_at, ?), ?) where id = any(?::uuid[])", [now, now, pgArray([...reachedOthers])], "run");
  }
  await completeOutboxRows(em, done, now);
  return recorded;
}
