// The worker's map of entry type → handler. Open: other handlers (e.g. 'message.send', the periodic
// job 'campaign.complete' of @rm/campaigns) are passed in as `extra` or added to the returned object
// before the consumers start.
import type { StreamEntry } from "@rm/streams";
import { applyProviderStatus, TWILIO_STATUS_TYPE } from "./apply-provider-status.ts";
import type { DeadLetter } from "@rm/streams";
import { onDeadLetter } from "./dead-letter.ts";
import type { EntryHandler, HandlerDeps } from "./deps.ts";
import { MESSAGING_PERIODIC_JOBS, runPeriodic } from "./run-periodic.ts";
import { storeInbound, TWILIO_INBOUND_TYPE } from "./store-inbound.ts";
import { REMINDER_TYPE, sendReminder } from "../feedback/reminder.ts";

export type BoundHandler = (entry: StreamEntry) => Promise<void>;
export type HandlerMap = Record<string, BoundHandler>;

export function createHandlers(deps: HandlerDeps, extra: Record<string, EntryHandler> = {}): HandlerMap {
  const table: Record<string, EntryHandler> = {
    [TWILIO_STATUS_TYPE]: applyProviderStatus,
    [TWILIO_INBOUND_TYPE]: storeInbound,
    [REMINDER_TYPE]: sendReminder,
    ...Object.fromEntries(MESSAGING_PERIODIC_JOBS.map((job) => [job, runPeriodic])),
    ...extra,
  };
  return Object.fromEntries(Object.entries(table).map(([type, handler]) => [type, (entry: StreamEntry) => handler(deps, entry)]));
}

/**
 * One function for StreamConsumer's `handle`. An unknown type throws (the entry stays pending and is
 * retried, then dead-lettered): during a rolling deploy a newer worker may know it.
 */
export function dispatchEntry(handlers: HandlerMap): BoundHandler {
  return (entry) => {
    const handler = handlers[entry.type];
    if (!handler) return Promise.reject(new Error(`no handler for entry type "${entry.type}"`));
    return handler(entry);
  };
}

/** For StreamConsumer's `onDeadLetter`. */
export function createDeadLetterHandler(deps: HandlerDeps): (dead: DeadLetter) => Promise<void> {
  return (dead) => onDeadLetter(deps, dead);
}
