import type { EntityManager } from "@mikro-orm/postgresql";
import { injectTraceContext } from "@rm/telemetry/api";
import type { OutboxStream } from "../common/enums.ts";

export interface OutboxEventInput {
  workspaceId: string | null;
  stream: OutboxStream | (string & {});
  type: string;
  payload: Record<string, unknown>;
  /** Unique forever: a second enqueue with the same key is a no-op (e.g. "send:INITIAL:<messageId>"). */
  idempotencyKey: string;
  /** When the work becomes due (the scheduler). Pass the injectable clock's now for "at once". */
  availableAt: Date;
  /** W3C traceparent, so the trace continues in the worker; default: the active span's. */
  traceContext?: string | null;
}

/**
 * Writes outbox rows in the caller's transaction (one statement: the NOTIFY trigger fires once).
 * Returns how many rows were new; rows whose idempotency key exists are skipped.
 */
export async function enqueueOutbox(em: EntityManager, events: OutboxEventInput | readonly OutboxEventInput[]): Promise<number> {
  const list = Array.isArray(events) ? (events as readonly OutboxEventInput[]) : [events as OutboxEventInput];
  if (list.length === 0) return 0;
  const values: unknown[] = [];
  const active = injectTraceContext() ?? null;
  const tuples = list.map((e) => {
    values.push(e.workspaceId, e.stream, e.type, JSON.stringify(e.payload), e.idempotencyKey, e.availableAt, e.traceContext === undefined ? active : e.traceContext);
    return "(?, ?, ?, ?::jsonb, ?, ?, ?)";
  });
  const res = await em.execute<{ affectedRows: number }>(
    `insert into outbox (workspace_id, stream, type, payload, idempotency_key, available_at, trace_context)
     values ${tuples.join(", ")} on conflict (idempotency_key) do nothing`,
    values,
    "run",
  );
  return res.affectedRows;
}
