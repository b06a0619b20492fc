// The one reminder (SPEC §5.7): scheduled through the outbox when the INITIAL is recorded as sent,
// due reminderAfterHours later; when it comes due it sends only if the patient has still not rated.
import type { EntityManager } from "@mikro-orm/postgresql";
import { reminderSettings, type ReminderSettings } from "@rm/accounts";
import { enqueueOutbox, OutboxStream, scopedQuery } from "@rm/db";
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

/** When a reminder is due: reminderAfterHours (or `delayMs`) after the send, moved out of the workspace's quiet hours. */
function reminderDueAt(ws: ReminderSettings | undefined, sentAt: Date, delayMs: number | undefined): Date {
  const delay = delayMs ?? (ws?.reminderAfterHours ?? 24) * 3_600_000;
  // A late INITIAL (retries, a pause) must not make its reminder land at night.
  return shiftOutOfQuietHours(new Date(sentAt.getTime() + delay), ws?.timezone ?? "America/Guayaquil", ws?.quietHours ?? null);
}

/** Called in the transaction that records the INITIAL's send; idempotent per patient. */
export async function scheduleReminder(em: EntityManager, input: { workspaceId: string; patientId: string; sentAt: Date; delayMs?: number | undefined }): Promise<void> {
  const ws = (await reminderSettings(em, [input.workspaceId])).get(input.workspaceId);
  await enqueueOutbox(em, {
    workspaceId: input.workspaceId,
    stream: OutboxStream.DISPATCH,
    type: REMINDER_TYPE,
    payload: { patientId: input.patientId },
    idempotencyKey: reminderKey(input.patientId),
    availableAt: reminderDueAt(ws, input.sentAt, input.delayMs),
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
  const byId = await reminderSettings(em, items.map((i) => i.workspaceId));
  await enqueueOutbox(
    em,
    items.map((input) => ({
      workspaceId: input.workspaceId,
      stream: OutboxStream.DISPATCH,
      type: REMINDER_TYPE,
      payload: { patientId: input.patientId },
      idempotencyKey: reminderKey(input.patientId),
      availableAt: reminderDueAt(byId.get(input.workspaceId), input.sentAt, input.delayMs),
      ...(input.traceContext !== undefined ? { traceContext: input.traceContext } : {}),
    })),
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
