// A rating request holds its follow-up's credits too (SPEC §6); the ledger keeps that share
// (@rm/credits, follow-up-shares.ts). This side knows which messages are the patient's rating
// requests and records what the follow-up message holds.
import type { EntityManager } from "@mikro-orm/postgresql";
import { holdFollowUpCredits, releaseFollowUpShare as releaseShare } from "@rm/credits";
import { scopedQuery } from "@rm/db";
import { creditsFor } from "@rm/domain";

/** The patient's rating requests (INITIAL messages). */
async function ratingRequests(em: EntityManager, workspaceId: string, patientId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "select m.id from messages m where m.workspace_id = ? and m.patient_id = ? and m.type = 'INITIAL'", [patientId]);
  return rows.map((r) => r.id);
}

/** Gives the follow-up share back to the balance; returns the credits released. */
export async function releaseFollowUpShare(em: EntityManager, workspaceId: string, patientId: string, reason: string): Promise<number> {
  return releaseShare(em, workspaceId, await ratingRequests(em, workspaceId, patientId), reason);
}

/**
 * Moves the share to the follow-up message as its own hold (`message:<follow-up id>`, what the send
 * step settles). When the follow-up costs more than the share and the balance cannot cover it, the
 * message stays unheld and the send step fails it with the shortfall.
 */
export async function holdFollowUp(em: EntityManager, input: { workspaceId: string; patientId: string; messageId: string; channel: "SMS" | "WHATSAPP"; body: string }): Promise<number> {
  const held = await holdFollowUpCredits(em, {
    workspaceId: input.workspaceId,
    requestMessageIds: await ratingRequests(em, input.workspaceId, input.patientId),
    followUpMessageId: input.messageId,
    amount: creditsFor(input.channel, input.body),
    reason: `FOLLOWUP ${input.channel}`,
  });
  if (held > 0) await em.execute("update messages set credits_held = ? where id = ? and workspace_id = ?", [held, input.messageId, input.workspaceId], "run");
  return held;
}
