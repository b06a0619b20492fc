// The shape of one stream entry: a pointer to its outbox row plus what the handler needs.
// The outbox row stays the source of truth; a lost entry is republished from it.

export interface StreamEntry {
  /** outbox.id, as a decimal string (bigint). */
  outboxId: string;
  type: string;
  workspaceId: string | null;
  /** JSON text of outbox.payload. */
  payload: string;
  /** W3C traceparent of the transaction that wrote the outbox row, or "". */
  traceparent: string;
}

/**
 * Flat field list for XADD (field, value, field, value, …). An absent workspace or trace context is
 * left out rather than written empty: smaller entries in Redis's memory and less for the relay to
 * write per row (decodeEntry reads a missing field as empty, so entries written either way decode).
 * The relay's batches go through addEntries (add-entries.ts), whose script writes the same fields.
 */
export function encodeEntry(e: StreamEntry): string[] {
  const fields = ["o", e.outboxId, "t", e.type, "p", e.payload];
  if (e.workspaceId) fields.push("w", e.workspaceId);
  if (e.traceparent) fields.push("tp", e.traceparent);
  return fields;
}

/** Parses XREADGROUP/XAUTOCLAIM field arrays; returns null for entries we cannot read (sent to dead letters). */
export function decodeEntry(fields: readonly string[] | null | undefined): StreamEntry | null {
  if (!fields) return null;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const outboxId = map.get("o");
  const type = map.get("t");
  const payload = map.get("p");
  if (!outboxId || !/^\d+$/.test(outboxId) || !type || payload === undefined) return null;
  return { outboxId, type, workspaceId: map.get("w") || null, payload, traceparent: map.get("tp") ?? "" };
}
