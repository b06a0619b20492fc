// What the messaging flow reads of a workspace's settings and templates (the workspaces and templates
// tables are this package's): a reminder's timing, the template text of an outgoing message, and
// which workspaces send from a sender. One statement each; set-based where the caller is a batch.
import type { EntityManager } from "@mikro-orm/postgresql";
import { defaultTemplateText, pgArray, scopedQuery, type TemplateType } from "@rm/db";

export interface ReminderSettings {
  reminderAfterHours: number;
  timezone: string;
  /** Null when the workspace has no quiet hours. */
  quietHours: { start: string; end: string } | null;
}

/** Each workspace's reminder timing by id, for a batch of sends recorded together; unknown ids are left out. */
export async function reminderSettings(em: EntityManager, workspaceIds: readonly string[]): Promise<Map<string, ReminderSettings>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await em.execute<{ id: string; reminder_after_hours: number; timezone: string; quiet_hours_start: string | null; quiet_hours_end: string | null }[]>(
    "select id::text as id, reminder_after_hours, timezone, quiet_hours_start, quiet_hours_end from workspaces where id = any(?::uuid[])",
    [pgArray([...new Set(workspaceIds)])],
  );
  return new Map(
    rows.map((w) => [
      w.id,
      {
        reminderAfterHours: Number(w.reminder_after_hours),
        timezone: w.timezone,
        quietHours: w.quiet_hours_start && w.quiet_hours_end ? { start: w.quiet_hours_start, end: w.quiet_hours_end } : null,
      },
    ]),
  );
}

/**
 * The workspace's default template of that type in the patient's language (SMS variant for SMS);
 * without one, the built-in text in that language (English), else the workspace's Spanish one.
 */
export async function templateText(em: EntityManager, workspaceId: string, type: TemplateType, language: string, channel: "SMS" | "WHATSAPP"): Promise<string> {
  const rows = await scopedQuery<{ language: string; body: string; sms_body: string | null }>(
    em,
    workspaceId,
    "select language, body, sms_body from templates where workspace_id = ? and type = ? and is_default and language in (?, 'es')",
    [type, language],
  );
  return defaultTemplateText(rows.map((r) => ({ type, language: r.language, body: r.body, smsBody: r.sms_body })), type, language, channel);
}

/**
 * Deliberately cross-tenant (an opt-out by reply belongs to the sender, not to one tenant): the
 * workspaces that have any of `senders` configured as their SMS or WhatsApp sender.
 */
export async function workspacesWithSender(em: EntityManager, senders: readonly string[]): Promise<string[]> {
  if (senders.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    "select id::text as id from workspaces where sms_sender = any(?::text[]) or whatsapp_sender = any(?::text[])",
    [pgArray(senders), pgArray(senders)],
  );
  return rows.map((r) => r.id);
}
