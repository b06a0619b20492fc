// The one reminder (SPEC §5.7): scheduled through the outbox when the INITIAL is recorded as sent,
// due reminderAfterHours later; when it comes due it sends only if the patient has still not rated.
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox, OutboxStream, pgArray, scopedQuery } from "@rm/db";
import { shiftOutOfQuietHours } from "@rm/domain";
import type { StreamEntry } from "@rm/streams";
import type { HandlerDeps } from "../handlers/deps.ts";
import { parkUnreadable } from "../handlers/park-unreadable.ts";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { createTemplatedMessage } from "./outbound.ts";
import { loadPatientContext } from "./patient-context.ts";
import { reminderKey } from "./pending-sends.ts";
import { feedbackReminderEvent } from "@rm/events";

export const REMINDER_TYPE = feedbackReminderEvent.type;

const payloadSchema = feedbackReminderEvent.payload;

/** Called in the transaction that records the INITIAL's send; idempotent per patient. */
export async function scheduleReminder(em: EntityManager, input: { workspaceId: string; patientId: string; sentAt: Date; delayMs?: number | undefined }): Promise<void> {
  const [ws] = await em.execute<{ reminder_after_hours: number; timezone: string; quiet_hours_start: string | null; quiet_hours_end: string | null }[]>(
    "select reminder_after_hours, timezone, quiet_hours_start, quiet_hours_end from workspaces where id = ?",
    [input.workspaceId],
  );
  const delayMs = input.delayMs ?? Number(ws?.reminder_after_hours ?? 24) * 3_600_000;
  // A late INITIAL (retries, a pause) must not make its reminder land at night.
  const quiet = ws?.quiet_hours_start && ws.quiet_hours_end ? { start: ws.quiet_hours_start, end: ws.quiet_hours_end } : null;
  const dueAt = shiftOutOfQuietHours(new Date(input.sentAt.getTime() + delayMs), ws?.timezone ?? "America/Guayaquil", quiet);
  await enqueueOutbox(em, {
    workspaceId: input.workspaceId,
    stream: OutboxStream.DISPATCH,
    type: REMINDER_TYPE,
    payload: { patientId: input.patientId },
    idempotencyKey: reminderKey(input.patientId),
    availableAt: dueAt,
  });
}

/**
 * scheduleReminder for a batch of INITIALs recorded in one transaction: each workspace's settings read
 * once, every reminder row in one insert, each with the trace context of its own send.
 */
export async function scheduleReminders(
  em: EntityManager,
  items: readonly { workspaceId: string; patientId: string; sentAt: Date; delayMs?: number | undefined; traceContext?: string | null | undefined }[],
): Promise<void> {
  if (items.length === 0) return;
  const settings = await em.execute<{ id: string; reminder_after_hours: number; timezone: string; quiet_hours_start: string | null; quiet_hours_end: string | null }[]>(
    "select id::text as id, reminder_after_hours, timezone, quiet_hours_start, quiet_hours_end from workspaces where id = any(?::uuid[])",
    [pgArray([...new Set(items.map((i) => i.workspaceId))])],
  );
  const byId = new Map(settings.map((w) => [w.id, w]));
  await enqueueOutbox(
    em,
    items.map((input) => {
      const ws = byId.get(input.workspaceId);
      const delayMs = input.delayMs ?? Number(ws?.reminder_after_hours ?? 24) * 3_600_000;
      const quiet = ws?.quiet_hours_start && ws.quiet_hours_end ? { start: ws.quiet_hours_start, end: ws.quiet_hours_end } : null;
      return {
        workspaceId: input.workspaceId,
        stream: OutboxStream.DISPATCH,
        type: REMINDER_TYPE,
        payload: { patientId: input.patientId },
        idempotencyKey: reminderKey(input.patientId),
        availableAt: shiftOutOfQuietHours(new Date(input.sentAt.getTime() + delayMs), ws?.timezone ?? "America/Guayaquil", quiet),
        ...(input.traceContext !== undefined ? { traceContext: input.traceContext } : {}),
      };
    }),
  );
}

/** Handler of 'feedback.reminder': sends the REMINDER unless a rating, an opt-out or a failure came first. */
export async function sendReminder(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  let payload: unknown = null;
  try {
    payload = JSON.parse(entry.payload);
  } catch {
    /* handled below */
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success || !entry.workspaceId) return parkUnreadable(deps, entry, "unreadable feedback.reminder payload");
  const workspaceId = entry.workspaceId;
  const patientId = parsed.data.patientId;
  const now = deps.clock.now();
  const publicUrl = deps.feedback?.publicUrl;
  if (!publicUrl) throw new Error("feedback options (publicUrl) are required to send reminders");

  await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    const ctx = await loadPatientContext(tem, workspaceId, patientId, { lock: true });
    const skip = (reason: string) => deps.logger.info({ patientId, workspaceId, reason }, "reminder not sent");
    if (!ctx) return skip("patient not found");
    if (ctx.rating !== null || ctx.followUpSentAt) return skip("rated");
    if (ctx.contactOptedOutAt || ctx.contactErasedAt) return skip("opted out");
    if (ctx.campaignStatus === "CANCELLED") return skip("campaign cancelled");
    const [initial] = await scopedQuery<{ channel: "SMS" | "WHATSAPP"; to_address: string; from_address: string | null; status: string }>(
      tem,
      workspaceId,
      "select channel, to_address, from_address, status from messages where workspace_id = ? and patient_id = ? and type = 'INITIAL'",
      [patientId],
    );
    if (!initial || ["FAILED", "UNDELIVERED", "CANCELED", "PENDING"].includes(initial.status)) return skip("initial not sent");
    const existing = await scopedQuery(tem, workspaceId, "select 1 from messages where workspace_id = ? and patient_id = ? and type = 'REMINDER'", [patientId]);
    if (existing.length > 0) return skip("already sent");
    const { id } = await createTemplatedMessage(tem, {
      ctx,
      type: "REMINDER",
      addressing: { channel: initial.channel, to: initial.to_address, from: initial.from_address },
      publicUrl,
      platformContentSids: deps.feedback?.platformContentSids,
      now,
    });
    deps.logger.info({ patientId, workspaceId, messageId: id }, "reminder scheduled for sending");
  });
}
