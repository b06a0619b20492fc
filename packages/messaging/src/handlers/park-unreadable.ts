// An entry whose payload cannot be read will never succeed: retrying it only delays the dead letter.
// Park its outbox row with the reason (out of circulation, visible for ops) and let the entry be acked.
import type { StreamEntry } from "@rm/streams";
import { parkOutboxRow } from "@rm/db";
import type { HandlerDeps } from "./deps.ts";

export async function parkUnreadable(deps: HandlerDeps, entry: StreamEntry, reason: string): Promise<void> {
  await deps.orm.em.fork().transactional((tem) => parkOutboxRow(tem, entry.outboxId, `${entry.type}: ${reason}`));
  // The reason names fields, never values: payloads hold phone numbers and message bodies.
  deps.logger.warn({ outboxId: entry.outboxId, type: entry.type, reason }, "unreadable payload; outbox row parked");
}
