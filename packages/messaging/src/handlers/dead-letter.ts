// What happens to an entry the consumer gave up on (delivered too often, or unreadable): its outbox row
// is parked (status cancelled, last_error = why), so the sweeper never republishes it and ops see it.
import type { DeadLetter } from "@rm/streams";
import { parkOutboxRow } from "@rm/db";
import { redactError } from "@rm/domain";
import type { HandlerDeps } from "./deps.ts";

export async function onDeadLetter(deps: HandlerDeps, given: DeadLetter): Promise<void> {
  // The reason quotes the last error: no phone, e-mail or token is parked or logged (SPEC §17).
  const dead = { ...given, reason: redactError(given.reason) };
  const where = { stream: dead.stream, entryId: dead.id, deliveries: dead.deliveries };
  if (!dead.entry) {
    // No outbox id to park; if the row exists the sweeper will republish it as a fresh entry.
    deps.logger.error({ ...where, reason: dead.reason }, "unreadable dead-lettered entry; nothing to park");
    return;
  }
  const reason = `dead letter after ${dead.deliveries} deliveries: ${dead.reason}`;
  await deps.orm.em.fork().transactional((tem) => parkOutboxRow(tem, dead.entry!.outboxId, reason));
  deps.logger.error({ ...where, outboxId: dead.entry.outboxId, type: dead.entry.type, reason: dead.reason }, "outbox row parked after dead letter");
}
