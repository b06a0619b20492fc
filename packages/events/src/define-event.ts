// An event is a contract between the code that writes its outbox row and the handler that reads it:
// the stream it travels on, its outbox `type`, the schema of its payload, and how its idempotency key
// is built — in TypeScript and, where SQL builds or joins on keys, as an SQL expression. Each kind of
// event has one file in this folder, and no other file spells its key (lint: boundaries/event-keys).
// This package depends on nothing but zod, so every writer and reader can import it.
import type { z } from "zod";

/** One Redis stream per kind of work (partitioned by workspace; see @rm/streams). */
export const STREAM_KINDS = ["dispatch", "provider-status", "inbound", "billing", "periodic", "webhooks"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export interface EventContract<Payload, KeyArgs extends unknown[]> {
  stream: StreamKind;
  /** The outbox row's `type`. */
  type: string;
  /** What the handler accepts; it parses the row's payload with this before trusting a field. */
  payload: z.ZodType<Payload>;
  /** The outbox idempotency key: the same work always gets the same key. */
  key(...args: KeyArgs): string;
}

export function defineEvent<Payload, KeyArgs extends unknown[], Extra extends object = object>(
  contract: EventContract<Payload, KeyArgs> & Extra,
): EventContract<Payload, KeyArgs> & Extra {
  return contract;
}
