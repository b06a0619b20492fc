// The unanswered alert (SPEC §13, optional per installation): a conversation whose patient has waited
// `waitMs` for an answer, outside the practice's quiet hours, sends one STAFF_ALERT to the practice's
// staff number through the outbox and the send protocol — once per wait (a staff reply or closing the
// thread ends the wait; the next unanswered message starts a new one). Run by the periodic job
// `conversation.unanswered` across workspaces: a deliberate cross-tenant read, each thread's alert
// written in its own workspace.
import type { EntityManager } from "@mikro-orm/postgresql";
import { isInQuietHours } from "@rm/domain";
import { insertMessage } from "../feedback/outbound.ts";
import { firstName, loadPatientContext } from "../feedback/patient-context.ts";

const BATCH = 200;

export async function alertUnanswered(em: EntityManager, now: Date, waitMs: number): Promise<number> {
  if (waitMs <= 0) return 0;
  const due = await em.execute<{ id: string; workspace_id: string; patient_id: string; quiet_hours_start: string | null; quiet_hours_end: string | null; timezone: string }[]>(
    `select cv.id, cv.workspace_id, cv.patient_id, w.quiet_hours_start, w.quiet_hours_end, w.timezone
       from conversations cv join workspaces w on w.id = cv.workspace_id
      where cv.status = 'OPEN' and cv.waiting_since <= ? and cv.patient_id is not null
        and (cv.unanswered_alert_at is null or cv.unanswered_alert_at < cv.waiting_since)
      order by cv.waiting_since limit ${BATCH}
        for update of cv skip locked`,
    [new Date(now.getTime() - waitMs)],
  );
  let alerted = 0;
  for (const t of due) {
    const quiet = t.quiet_hours_start && t.quiet_hours_end ? { start: t.quiet_hours_start, end: t.quiet_hours_end } : null;
    // Outside opening hours the alert waits: the thread stays due and is alerted once they open.
    if (isInQuietHours(now, t.timezone, quiet)) continue;
    const ctx = await loadPatientContext(em, t.workspace_id, t.patient_id);
    await em.execute("update conversations set unanswered_alert_at = ?, updated_at = ? where workspace_id = ? and id = ?", [now, now, t.workspace_id, t.id], "run");
    if (!ctx?.staffAlertPhone) continue;
    await insertMessage(em, {
      ctx,
      type: "STAFF_ALERT",
      addressing: { channel: "SMS", to: ctx.staffAlertPhone, from: null },
      body: `${ctx.practiceName}: ${firstName(ctx.name)} espera respuesta desde hace ${Math.round(waitMs / 60_000)} min. Responda en Conversaciones.`,
      contentVariables: null,
      campaignId: null,
      now,
    });
    alerted++;
  }
  return alerted;
}
