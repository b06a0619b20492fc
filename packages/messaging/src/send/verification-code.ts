// A sign-up verification code (SPEC §17, decision 024) is an outbound message like any other: a
// `messages` row of type VERIFICATION (no patient) and its `message.send` outbox row, written in the
// caller's transaction, so it goes through the send protocol — the platform's SMS sender and its rate
// limit, the destination allowlist, no duplicate after a crash, status callbacks — and costs no credits.
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox, OutboxStream } from "@rm/db";
import { messageSendEvent } from "@rm/events";

export async function enqueueVerificationCode(em: EntityManager, m: { workspaceId: string; to: string; body: string; now: Date }): Promise<string> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, campaign_id, type, channel, status, to_address, body, created_at, updated_at)
     values (gen_random_uuid(), ?, null, null, 'VERIFICATION', 'SMS', 'PENDING', ?, ?, ?, ?) returning id`,
    [m.workspaceId, m.to, m.body, m.now, m.now],
  );
  const id = rows[0]!.id;
  await enqueueOutbox(em, {
    workspaceId: m.workspaceId,
    stream: OutboxStream.DISPATCH,
    type: messageSendEvent.type,
    payload: { messageId: id },
    idempotencyKey: messageSendEvent.key(id),
    availableAt: m.now,
  });
  return id;
}

/** The code's delivery as the verification page tells it: waiting, sent, delivered or failed. */
export async function verificationCodeStatus(em: EntityManager, workspaceId: string, messageId: string): Promise<"waiting" | "sent" | "delivered" | "failed" | null> {
  const [row] = await em.fork().execute<{ status: string }[]>(
    "select status from messages where workspace_id = ? and id = ? and type = 'VERIFICATION'",
    [workspaceId, messageId],
  );
  if (!row) return null;
  if (row.status === "DELIVERED" || row.status === "READ") return "delivered";
  if (row.status === "FAILED" || row.status === "UNDELIVERED" || row.status === "CANCELED") return "failed";
  if (row.status === "PENDING" || row.status === "SENDING") return "waiting";
  return "sent";
}
