// What the relay process needs from the outbox's owner, without loading the ORM and its entities:
// the relay runs plain pg statements, and stays a small process.
export { NotifyWaker, WakeableLoop, type NotifyWakerOptions } from "./notify-waker.ts";
export { OUTBOX_RELAY_BEGIN, OUTBOX_RELAY_STATEMENTS, type ClaimedOutboxRow } from "./modules/outbox/relay-statements.ts";
