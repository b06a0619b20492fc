/**
 * The one spelling of a message's delivery status (SPEC §4) and the rules for moving between them.
 *
 * Callbacks from Twilio arrive late, twice or out of order, so a status only ever moves to a higher
 * rank. Ranks are plain integers so the worker can apply a callback atomically in SQL:
 *   UPDATE message SET status = $new, status_rank = $newRank WHERE id = $id AND status_rank < $newRank
 * (or compare against `deliveryStatusRankSql('status')` when no rank column is stored).
 *
 * Decisions:
 * - UNDELIVERED, FAILED and CANCELED are final: in-flight statuses (queued, sent…) never overwrite them,
 *   and they never overwrite each other (the first final answer wins).
 * - The one way out of a final failure is proof of delivery: DELIVERED or READ. WhatsApp (Meta) says a
 *   `delivered` may arrive after a `failed` when the patient has several devices, and an SMS delivery
 *   receipt is the carrier's word that the handset has it. The patient saw the message; showing
 *   "failed" would make staff re-contact someone who already got it. A worker that refunded on the
 *   failure sees `leftFinal: true` and can charge again.
 * - A failure never overwrites DELIVERED/READ: once the handset has it, a later `undelivered` (another
 *   device, a confused carrier) does not undo that.
 * - READ after DELIVERED moves forward (WhatsApp read receipts); DELIVERED after READ is ignored.
 */
export const DELIVERY_STATUSES = [
  "PENDING",
  "SENDING",
  "ACCEPTED",
  "SCHEDULED",
  "QUEUED",
  "SENT",
  "DELIVERED",
  "READ",
  "UNDELIVERED",
  "FAILED",
  "CANCELED",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Integer rank per status; gaps leave room for statuses Twilio may add later. */
export const DELIVERY_STATUS_RANK = {
  PENDING: 0,
  SENDING: 10,
  ACCEPTED: 20,
  SCHEDULED: 20,
  QUEUED: 30,
  SENT: 40,
  UNDELIVERED: 50,
  FAILED: 50,
  CANCELED: 50,
  DELIVERED: 60,
  READ: 70,
} as const satisfies Record<DeliveryStatus, number>;

const FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set(["UNDELIVERED", "FAILED", "CANCELED"]);

/** SPEC §4's final statuses: the message did not reach the patient and no send is in flight. */
export function isFinal(status: DeliveryStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** The patient's handset has the message (a READ receipt implies delivery). */
export function isDelivered(status: DeliveryStatus): boolean {
  return status === "DELIVERED" || status === "READ";
}

/**
 * Handed to the provider but with no outcome yet: what delivery reconciliation polls. PENDING is not
 * in flight (nothing was sent); DELIVERED is not either, even though a READ may still follow.
 */
export function isInFlight(status: DeliveryStatus): boolean {
  const rank = DELIVERY_STATUS_RANK[status];
  return rank >= DELIVERY_STATUS_RANK.SENDING && rank <= DELIVERY_STATUS_RANK.SENT;
}

export function isDeliveryStatus(value: unknown): value is DeliveryStatus {
  return typeof value === "string" && (DELIVERY_STATUSES as readonly string[]).includes(value);
}

const TWILIO_TO_STATUS: Readonly<Record<string, DeliveryStatus>> = {
  accepted: "ACCEPTED",
  scheduled: "SCHEDULED",
  queued: "QUEUED",
  sending: "SENDING",
  sent: "SENT",
  // Twilio uses this for a message whose parts reached some but not all recipients/segments: it left
  // Twilio, but we have no proof the patient got the whole text.
  partially_delivered: "SENT",
  delivered: "DELIVERED",
  read: "READ",
  undelivered: "UNDELIVERED",
  failed: "FAILED",
  canceled: "CANCELED",
};

/**
 * Maps Twilio's `MessageStatus` / `status` to ours. Returns null for inbound statuses
 * (`receiving`, `received`) and for anything unknown: the caller ignores those and logs them.
 */
export function fromTwilioStatus(twilioStatus: string | null | undefined): DeliveryStatus | null {
  if (!twilioStatus) return null;
  return TWILIO_TO_STATUS[twilioStatus.trim().toLowerCase()] ?? null;
}

export interface StatusTransition {
  next: DeliveryStatus;
  changed: boolean;
  /** True when a final failure was overturned by proof of delivery (see the module comment). */
  leftFinal: boolean;
}

/** Applies an incoming status to the current one, monotonically. Idempotent: same in, same out. */
export function applyStatus(current: DeliveryStatus, incoming: DeliveryStatus): StatusTransition {
  if (DELIVERY_STATUS_RANK[incoming] <= DELIVERY_STATUS_RANK[current]) {
    return { next: current, changed: false, leftFinal: false };
  }
  return { next: incoming, changed: true, leftFinal: FINAL_STATUSES.has(current) };
}

/**
 * A SQL CASE expression that yields the rank of the status held in `column`, for queries that compare
 * ranks without a stored rank column. `column` must be a plain (optionally qualified) identifier.
 */
export function deliveryStatusRankSql(column: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(column)) {
    throw new Error(`Not a plain SQL identifier: ${column}`);
  }
  const branches = DELIVERY_STATUSES.map((s) => `WHEN '${s}' THEN ${DELIVERY_STATUS_RANK[s]}`).join(" ");
  return `(CASE ${column} ${branches} END)`;
}
