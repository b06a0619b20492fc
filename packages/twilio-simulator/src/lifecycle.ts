// After a message is accepted: walk it through Twilio's statuses with a pause before each step,
// posting a signed status callback per step (queued → sent → delivered → read, or → undelivered,
// or queued → failed). Each message's callbacks are sequential, so they arrive in order.
import { setTimeout as sleep } from "node:timers/promises";
import type { SimContext } from "./context.ts";
import { simulateInbound } from "./inbound.ts";
import { errorMessageFor, type Fate } from "./send.ts";
import type { MessageRecord, MessageStatus, SimStore } from "./store.ts";
import { statusCallbackParams } from "./twilio-shapes.ts";

function stepsFor(fate: Fate): MessageStatus[] {
  switch (fate.status) {
    case "failed":
      return ["queued", "failed"];
    case "undelivered":
      return ["queued", "sent", "undelivered"];
    case "delivered":
      return ["queued", "sent", "delivered"];
    case "read":
      return ["queued", "sent", "delivered", "read"];
  }
}

function apply(ctx: SimContext, store: SimStore, rec: MessageRecord, status: MessageStatus, fate: Fate): void {
  const now = ctx.now();
  // A messaging service picks its sender when the message leaves the queue.
  if (rec.from === null) {
    // A service of an added account sends from a number of its own sender pool (accounts.ts).
    const service = rec.messagingServiceSid ? ctx.accounts.bySid.get(rec.accountSid)?.services.get(rec.messagingServiceSid) : undefined;
    rec.from = (rec.channel === "whatsapp" ? "whatsapp:" : "") + (service?.numbers[0] ?? ctx.config.serviceSender);
  }
  if (status === "sent") rec.dateSent = now;
  if (status === "failed" || status === "undelivered") {
    rec.errorCode = fate.errorCode;
    rec.errorMessage = fate.errorCode === null ? null : errorMessageFor(fate.errorCode);
  }
  store.setStatus(rec, status, now);
}

async function postStatus(ctx: SimContext, store: SimStore, rec: MessageRecord, status: MessageStatus, signal: AbortSignal): Promise<void> {
  if (!rec.statusCallback) return;
  const result = await ctx.poster.post(rec.statusCallback, statusCallbackParams(rec, status, rec.accountSid), store.callbacks, signal, ctx.accounts.bySid.get(rec.accountSid)?.authTokens[0]);
  if (result.ok) rec.callbacksDelivered = [...rec.callbacksDelivered, status];
  else if (!signal.aborted) ctx.log.debug({ sid: rec.sid, status, httpStatus: result.status, error: result.error }, "status callback not delivered");
}

async function run(ctx: SimContext, store: SimStore, signal: AbortSignal, rec: MessageRecord, fate: Fate): Promise<void> {
  for (const status of stepsFor(fate)) {
    const { callbackDelayMs, callbackJitterMs } = ctx.config;
    const pause = callbackDelayMs + (callbackJitterMs > 0 ? Math.floor(ctx.random() * callbackJitterMs) : 0);
    if (!(await sleep(pause, true, { signal }).catch(() => false))) return;
    apply(ctx, store, rec, status, fate);
    await postStatus(ctx, store, rec, status, signal);
    if (signal.aborted) return;
  }
  await maybeAutoReply(ctx, rec, fate, signal);
}

/** Conversations (patient|sender) already auto-answered, per store (a reset forgets them). */
const answered = new WeakMap<object, Set<string>>();

async function maybeAutoReply(ctx: SimContext, rec: MessageRecord, fate: Fate, signal: AbortSignal): Promise<void> {
  const { autoReplyShare, autoReplyDelayMs, autoReplies } = ctx.config;
  if (autoReplyShare <= 0 || (fate.status !== "delivered" && fate.status !== "read") || !rec.from) return;
  if (ctx.random() >= autoReplyShare) return;
  // A patient answers the rating request, not the follow-up or the HELP that their answer caused.
  if (!ctx.config.autoReplyEveryMessage) {
    const conversations = answered.get(ctx.store) ?? new Set<string>();
    answered.set(ctx.store, conversations);
    const key = `${rec.to}|${rec.from}`;
    if (conversations.has(key)) return;
    conversations.add(key);
  }
  const total = autoReplies.reduce((s, r) => s + r.weight, 0);
  if (total <= 0) return;
  let pick = ctx.random() * total;
  const reply = autoReplies.find((r) => (pick -= r.weight) < 0) ?? autoReplies[autoReplies.length - 1]!;
  if (!(await sleep(autoReplyDelayMs, true, { signal }).catch(() => false))) return;
  await simulateInbound(ctx, {
    from: rec.to,
    to: rec.from,
    ...(reply.body !== undefined ? { body: reply.body } : {}),
    ...(reply.buttonPayload !== undefined ? { buttonPayload: reply.buttonPayload } : {}),
    ...(reply.buttonText !== undefined ? { buttonText: reply.buttonText } : {}),
  });
}

/** Starts the message's status progression in the background. */
export function startLifecycle(ctx: SimContext, rec: MessageRecord, fate: Fate): void {
  const store = ctx.store;
  const signal = ctx.abort.signal;
  if (ctx.config.throughputMode) {
    // Benchmarks: no timers; the message is final at once and at most one callback is posted.
    const final: MessageStatus = fate.status === "read" ? "delivered" : fate.status;
    if (final !== "failed") rec.dateSent = rec.dateCreated;
    apply(ctx, store, rec, final, fate);
    if (ctx.config.throughputFinalCallback && rec.statusCallback) ctx.track(postStatus(ctx, store, rec, final, signal));
    // Patients still answer (fault runs need replies at volume); off unless autoReplyShare is set.
    if (ctx.config.autoReplyShare > 0) ctx.track(maybeAutoReply(ctx, rec, fate, signal));
    return;
  }
  ctx.track(run(ctx, store, signal, rec, fate));
}
