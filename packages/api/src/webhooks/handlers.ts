// The worker's handlers of the 'webhooks' stream (SPEC §15):
//   webhook.event   → one delivery row and one `webhook.deliver` outbox row per enabled endpoint of
//                     the workspace subscribed to the event, in one transaction (none: just done).
//   webhook.deliver → one signed POST (outside any transaction: a slow receiver holds no lock or
//                     connection), then its outcome in the delivery log; a failure retries with
//                     exponential backoff up to the attempt cap, then GAVE_UP, and an endpoint whose
//                     deliveries give up `disableAfterFailures` times in a row is disabled, which the
//                     owner sees on the webhooks page and in the audit log.
// A receiver may get an event twice (a worker that dies between the POST and the commit): the
// event's id is the same, receivers deduplicate by it (documented).
import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit } from "@rm/accounts";
import { enqueueOutbox, lockOutboxRow } from "@rm/db";
import { webhookDeliverEvent, webhookEventEvent } from "@rm/events";
import { runOutboxWork, type EntryHandler } from "@rm/messaging";
import { WEBHOOK_SIGNATURE_HEADER } from "../constants.ts";
import { postWebhook } from "./post.ts";
import { signWebhook } from "./signature.ts";

export interface WebhookDeliveryOptions {
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Deliveries that give up in a row before the endpoint is disabled. */
  disableAfterFailures: number;
  /** Development and tests only: http and private addresses allowed. */
  allowInsecure: boolean;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookDeliveryOptions = { timeoutMs: 10_000, maxAttempts: 8, backoffBaseMs: 30_000, backoffMaxMs: 6 * 3_600_000, disableAfterFailures: 5, allowInsecure: false };

/** Wait before attempt n + 1 after n failures: base · 2^(n−1), capped, with ±20 % jitter. */
export function webhookBackoffMs(failures: number, o: Pick<WebhookDeliveryOptions, "backoffBaseMs" | "backoffMaxMs">, random = Math.random): number {
  const raw = Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

interface EnrichRow {
  external_id: string | null;
  practice_id: string | null;
  doctor_id: string | null;
}

/** What a receiver needs to match the event to its own records: the appointment's external id, practice and doctor. */
async function enrich(em: EntityManager, workspaceId: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const patientId = typeof data.patient_id === "string" ? data.patient_id : null;
  if (!patientId) return data;
  const [row] = await em.execute<EnrichRow[]>(
    `select a.external_id, c.practice_id, p.doctor_id
       from patients p join campaigns c on c.id = p.campaign_id
       left join api_appointments a on a.workspace_id = p.workspace_id and a.patient_id = p.id
      where p.workspace_id = ? and p.id = ?`,
    [workspaceId, patientId],
  );
  return row ? { ...data, external_id: row.external_id, practice_id: row.practice_id, doctor_id: row.doctor_id } : data;
}

export function createWebhookHandlers(options: Partial<WebhookDeliveryOptions> = {}): Record<string, EntryHandler> {
  const o = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };

  const fanOut: EntryHandler = async (deps, entry) => {
    const event = webhookEventEvent.payload.parse(JSON.parse(entry.payload));
    const workspaceId = entry.workspaceId;
    const now = deps.clock.now();
    await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
      if (!workspaceId) return;
      const endpoints = await tem.execute<{ id: string }[]>(
        "select id from webhook_endpoints where workspace_id = ? and enabled and ? = any(events) order by id",
        [workspaceId, event.type],
      );
      if (endpoints.length === 0) return;
      const envelope = { id: event.eventId, type: event.type, created_at: event.occurredAt, data: await enrich(tem, workspaceId, event.data) };
      for (const endpoint of endpoints) {
        const [delivery] = await tem.execute<{ id: string }[]>(
          `insert into webhook_deliveries (workspace_id, endpoint_id, event_id, event_type, payload, status, created_at)
           values (?, ?, ?, ?, ?::jsonb, 'PENDING', ?) on conflict (workspace_id, endpoint_id, event_id) do nothing returning id`,
          [workspaceId, endpoint.id, event.eventId, event.type, JSON.stringify(envelope), now],
        );
        if (!delivery) continue;
        await enqueueOutbox(tem, {
          workspaceId,
          stream: webhookDeliverEvent.stream,
          type: webhookDeliverEvent.type,
          payload: { deliveryId: delivery.id },
          idempotencyKey: webhookDeliverEvent.key(delivery.id),
          availableAt: now,
        });
      }
    });
  };

  const deliver: EntryHandler = async (deps, entry) => {
    const { deliveryId, manual } = webhookDeliverEvent.payload.parse(JSON.parse(entry.payload));
    // Read what to send; nothing is locked while the receiver answers.
    const em = deps.orm.em.fork();
    const outbox = await lockOutboxRow(em, entry.outboxId);
    const [row] = await em.execute<{ url: string; secret: string; enabled: boolean; payload: unknown; status: string; attempts: number }[]>(
      `select e.url, e.secret, e.enabled, d.payload, d.status, d.attempts
         from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.id = ?`,
      [deliveryId],
    );
    if (!row || outbox?.status !== "published") {
      // Endpoint deleted meanwhile, or a duplicate/stale entry: just finish the row if it is ours.
      await runOutboxWork(deps.orm.em, entry.outboxId, deps.clock.now(), async () => {});
      return;
    }
    if (!row.enabled && !manual) {
      await runOutboxWork(deps.orm.em, entry.outboxId, deps.clock.now(), async (tem) => {
        await tem.execute("update webhook_deliveries set status = 'GAVE_UP', last_error = 'endpoint disabled' where id = ?", [deliveryId], "run");
      });
      return;
    }
    const body = typeof row.payload === "string" ? row.payload : JSON.stringify(row.payload);
    const sentAt = deps.clock.now();
    const result = await postWebhook(row.url, body, { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(row.secret, Math.floor(sentAt.getTime() / 1000), body), "RM-Event-Id": String((row.payload as { id?: string }).id ?? "") }, o);
    const now = deps.clock.now();
    await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
      const attempts = Number(row.attempts) + 1;
      if (result.ok) {
        await tem.execute(
          "update webhook_deliveries set status = 'SUCCEEDED', attempts = ?, last_status_code = ?, last_error = null, last_duration_ms = ?, last_attempt_at = ?, delivered_at = ? where id = ?",
          [attempts, result.status, result.durationMs, now, now, deliveryId],
          "run",
        );
        await tem.execute("update webhook_endpoints set consecutive_failures = 0 where id = (select endpoint_id from webhook_deliveries where id = ?)", [deliveryId], "run");
        return;
      }
      const error = result.error ?? `HTTP ${result.status}`;
      const giveUp = manual || attempts >= o.maxAttempts;
      await tem.execute(
        "update webhook_deliveries set status = ?, attempts = ?, last_status_code = ?, last_error = ?, last_duration_ms = ?, last_attempt_at = ? where id = ?",
        [giveUp ? "GAVE_UP" : "FAILED", attempts, result.status, error.slice(0, 500), result.durationMs, now, deliveryId],
        "run",
      );
      if (!giveUp) return { retryAt: new Date(now.getTime() + webhookBackoffMs(attempts, o)), error };
      if (manual) return;
      const [endpoint] = await tem.execute<{ id: string; workspace_id: string; consecutive_failures: number; enabled: boolean }[]>(
        "update webhook_endpoints set consecutive_failures = consecutive_failures + 1, updated_at = ? where id = (select endpoint_id from webhook_deliveries where id = ?) returning id, workspace_id, consecutive_failures, enabled",
        [now, deliveryId],
      );
      if (endpoint && endpoint.enabled && Number(endpoint.consecutive_failures) >= o.disableAfterFailures) {
        await tem.execute("update webhook_endpoints set enabled = false, disabled_at = ?, disabled_reason = ? where id = ?", [now, `${endpoint.consecutive_failures} deliveries failed in a row; last: ${error}`.slice(0, 500), endpoint.id], "run");
        // The owner's notice: the webhooks page shows the endpoint disabled with this reason, and the audit log says when.
        await insertAudit(tem, { workspaceId: endpoint.workspace_id, actorId: null, action: "webhook_endpoint.disabled", entityType: "WebhookEndpoint", entityId: endpoint.id, ip: null, details: { consecutiveFailures: Number(endpoint.consecutive_failures) }, now });
        deps.logger.warn({ endpointId: endpoint.id, workspaceId: endpoint.workspace_id }, "webhook endpoint disabled after persistent failure");
      }
      return;
    });
  };

  return { [webhookEventEvent.type]: fanOut, [webhookDeliverEvent.type]: deliver };
}
