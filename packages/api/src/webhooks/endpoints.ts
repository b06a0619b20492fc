// A workspace's webhook endpoints and their delivery log (SPEC §15): owner-only and audited, like
// API keys. A URL is checked when it is saved (https in production, no private address now) and
// again at every delivery (address-guard.ts).
import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit } from "@rm/accounts";
import { enqueueOutbox, pgArray, scopedQuery } from "@rm/db";
import { webhookDeliverEvent } from "@rm/events";
import { WEBHOOK_EVENTS, type WebhookEventName } from "../constants.ts";
import { firstBlockedAddress } from "./address-guard.ts";
import { newWebhookSecret } from "./signature.ts";

export type WebhookEndpointError = "url_invalid" | "url_not_https" | "url_private" | "events_required";

export class WebhookEndpointInputError extends Error {
  readonly code: WebhookEndpointError;
  readonly address: string | null;
  constructor(code: WebhookEndpointError, address: string | null = null) {
    super(code);
    this.code = code;
    this.address = address;
  }
}

export interface WebhookEndpointRow {
  id: string;
  url: string;
  events: WebhookEventName[];
  secret: string;
  enabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: Date;
}

export interface WebhookDeliveryRow {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  lastAttemptAt: Date | null;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const arr = (v: string[] | string): string[] => (Array.isArray(v) ? v : String(v).replace(/^\{|\}$/g, "").split(",").filter(Boolean));

/** The URL as it may be stored, or the reason it may not. */
export async function checkEndpointUrl(raw: string, allowInsecure: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WebhookEndpointInputError("url_invalid");
  }
  if (url.username || url.password || raw.length > 2000) throw new WebhookEndpointInputError("url_invalid");
  if (url.protocol !== "https:" && !(allowInsecure && url.protocol === "http:")) throw new WebhookEndpointInputError(url.protocol === "http:" ? "url_not_https" : "url_invalid");
  if (!allowInsecure) {
    const blocked = await firstBlockedAddress(url.hostname);
    if (blocked) throw new WebhookEndpointInputError("url_private", blocked);
  }
  url.hash = "";
  return url.toString();
}

export async function createWebhookEndpoint(
  em: EntityManager,
  input: { workspaceId: string; actorId: string; url: string; events: readonly string[]; allowInsecure: boolean; ip: string | null; now: Date },
): Promise<{ id: string; secret: string }> {
  const url = await checkEndpointUrl(input.url, input.allowInsecure);
  const events = [...new Set(input.events)].filter((e): e is WebhookEventName => (WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (events.length === 0) throw new WebhookEndpointInputError("events_required");
  const secret = newWebhookSecret();
  return em.transactional(async (tem) => {
    const [row] = await tem.execute<{ id: string }[]>(
      "insert into webhook_endpoints (workspace_id, url, events, secret, created_at, updated_at) values (?, ?, ?::text[], ?, ?, ?) returning id",
      [input.workspaceId, url, pgArray(events), secret, input.now, input.now],
    );
    await insertAudit(tem as EntityManager, { workspaceId: input.workspaceId, actorId: input.actorId, action: "webhook_endpoint.created", entityType: "WebhookEndpoint", entityId: row!.id, ip: input.ip, details: { events }, now: input.now });
    return { id: row!.id, secret };
  });
}

export async function listWebhookEndpoints(em: EntityManager, workspaceId: string): Promise<WebhookEndpointRow[]> {
  const rows = await scopedQuery<{ id: string; url: string; events: string[] | string; secret: string; enabled: boolean; disabled_at: Date | null; disabled_reason: string | null; consecutive_failures: number; created_at: Date }>(
    em,
    workspaceId,
    "select id, url, events, secret, enabled, disabled_at, disabled_reason, consecutive_failures, created_at from webhook_endpoints where workspace_id = ? order by created_at, id",
    [],
  );
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    events: arr(r.events) as WebhookEventName[],
    secret: r.secret,
    enabled: r.enabled,
    disabledAt: r.disabled_at ? new Date(r.disabled_at) : null,
    disabledReason: r.disabled_reason,
    consecutiveFailures: Number(r.consecutive_failures),
    createdAt: new Date(r.created_at),
  }));
}

export async function listWebhookDeliveries(em: EntityManager, workspaceId: string, endpointId: string, limit = 50): Promise<WebhookDeliveryRow[] | null> {
  if (!UUID.test(endpointId)) return null;
  const [endpoint] = await scopedQuery<{ id: string }>(em, workspaceId, "select id from webhook_endpoints where workspace_id = ? and id = ?", [endpointId]);
  if (!endpoint) return null;
  const rows = await scopedQuery<{ id: string; event_id: string; event_type: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null; last_duration_ms: number | null; last_attempt_at: Date | null; created_at: Date }>(
    em,
    workspaceId,
    `select id, event_id, event_type, status, attempts, last_status_code, last_error, last_duration_ms, last_attempt_at, created_at
       from webhook_deliveries where workspace_id = ? and endpoint_id = ? order by created_at desc, id desc limit ?`,
    [endpointId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    lastStatusCode: r.last_status_code == null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    lastDurationMs: r.last_duration_ms == null ? null : Number(r.last_duration_ms),
    lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at) : null,
    createdAt: new Date(r.created_at),
  }));
}

/** Deletes an endpoint (and its log); false when it is not the workspace's. */
export async function deleteWebhookEndpoint(em: EntityManager, input: { workspaceId: string; endpointId: string; actorId: string; ip: string | null; now: Date }): Promise<boolean> {
  if (!UUID.test(input.endpointId)) return false;
  return em.transactional(async (tem) => {
    const res = await tem.execute<{ affectedRows: number }>("delete from webhook_endpoints where workspace_id = ? and id = ?", [input.workspaceId, input.endpointId], "run");
    if (res.affectedRows === 0) return false;
    await insertAudit(tem as EntityManager, { workspaceId: input.workspaceId, actorId: input.actorId, action: "webhook_endpoint.deleted", entityType: "WebhookEndpoint", entityId: input.endpointId, ip: input.ip, details: {}, now: input.now });
    return true;
  });
}

/** Turns a disabled endpoint back on (its failure count starts again); false when it is not the workspace's. */
export async function enableWebhookEndpoint(em: EntityManager, input: { workspaceId: string; endpointId: string; actorId: string; ip: string | null; now: Date }): Promise<boolean> {
  if (!UUID.test(input.endpointId)) return false;
  return em.transactional(async (tem) => {
    const res = await tem.execute<{ affectedRows: number }>(
      "update webhook_endpoints set enabled = true, disabled_at = null, disabled_reason = null, consecutive_failures = 0, updated_at = ? where workspace_id = ? and id = ?",
      [input.now, input.workspaceId, input.endpointId],
      "run",
    );
    if (res.affectedRows === 0) return false;
    await insertAudit(tem as EntityManager, { workspaceId: input.workspaceId, actorId: input.actorId, action: "webhook_endpoint.enabled", entityType: "WebhookEndpoint", entityId: input.endpointId, ip: input.ip, details: {}, now: input.now });
    return true;
  });
}

/**
 * Sends a delivery again (manual replay): a new outbox row of the next round, the same event id and
 * body. False when the delivery is not the workspace's.
 */
export async function replayWebhookDelivery(em: EntityManager, input: { workspaceId: string; deliveryId: string; actorId: string; ip: string | null; now: Date }): Promise<boolean> {
  if (!UUID.test(input.deliveryId)) return false;
  return em.transactional(async (tem) => {
    const [row] = await tem.execute<{ id: string; replays: number }[]>(
      "update webhook_deliveries set status = 'PENDING', replays = replays + 1 where workspace_id = ? and id = ? returning id, replays",
      [input.workspaceId, input.deliveryId],
    );
    if (!row) return false;
    await enqueueOutbox(tem as EntityManager, {
      workspaceId: input.workspaceId,
      stream: webhookDeliverEvent.stream,
      type: webhookDeliverEvent.type,
      payload: { deliveryId: row.id, manual: true },
      idempotencyKey: webhookDeliverEvent.key(row.id, Number(row.replays)),
      availableAt: input.now,
    });
    await insertAudit(tem as EntityManager, { workspaceId: input.workspaceId, actorId: input.actorId, action: "webhook_delivery.replayed", entityType: "WebhookDelivery", entityId: row.id, ip: input.ip, details: {}, now: input.now });
    return true;
  });
}

/** How many of the workspace's endpoints the worker disabled after persistent failure (the owner's home page says so). */
export async function countDisabledWebhookEndpoints(em: EntityManager, workspaceId: string): Promise<number> {
  const [row] = await scopedQuery<{ n: string }>(em, workspaceId, "select count(*)::text as n from webhook_endpoints where workspace_id = ? and not enabled", []);
  return Number(row?.n ?? 0);
}
