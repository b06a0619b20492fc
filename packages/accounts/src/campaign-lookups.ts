// What campaign creation reads of the workspace (SPEC §5.1–5.3, §6): its sending settings, the
// practice and the people a campaign names, and the default templates it renders. Raw SQL with the
// workspace id as a parameter, in the caller's transaction (an import reads them inside its own).
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray, scopedQuery } from "@rm/db";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Channel = "SMS" | "WHATSAPP";

export interface WorkspaceSendingSettings {
  plan: string;
  timezone: string;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  contactCooldownDays: number;
  maxAppointmentAgeDays: number;
  defaultChannel: Channel;
  /** Patients' language when the import and the phone's history give none. */
  defaultLanguage: "es" | "en";
  /** The workspace's own WhatsApp content SIDs by type ({} when none). */
  whatsappContentSids: Record<string, string>;
  smsSender: string | null;
  whatsappSender: string | null;
  /** Countries messages may go to: the workspace's own plus the ones its owner added (SMS-pumping guard). */
  destination: { ownCountry: string; extraCountries: string[] };
}

/**
 * Every sender a workspace has set for itself, across workspaces (SMS numbers, and WhatsApp senders
 * spelled "whatsapp:+…" as Twilio addresses them): the numbers patients reply to, besides the
 * platform's own. Inbound reconciliation lists what Twilio received on each.
 */
export async function workspaceSenders(em: EntityManager): Promise<string[]> {
  const rows = await em.execute<{ sender: string }[]>(
    `select distinct sms_sender as sender from workspaces where sms_sender is not null and sms_sender <> ''
     union
     select distinct case when whatsapp_sender like 'whatsapp:%' then whatsapp_sender else 'whatsapp:' || whatsapp_sender end
       from workspaces where whatsapp_sender is not null and whatsapp_sender <> ''`,
  );
  return rows.map((r) => r.sender);
}

/** The workspace's settings that decide what a campaign sends and when, or null for an unknown workspace. */
export async function workspaceSendingSettings(em: EntityManager, workspaceId: string): Promise<WorkspaceSendingSettings | null> {
  const [ws] = await em.execute<
    {
      plan: string;
      timezone: string;
      quiet_hours_start: string | null;
      quiet_hours_end: string | null;
      contact_cooldown_days: number;
      max_appointment_age_days: number;
      default_channel: Channel;
      default_language: "es" | "en";
      whatsapp_content_sids: Record<string, string> | null;
      sms_sender: string | null;
      whatsapp_sender: string | null;
      default_country: string;
      extra_destination_countries: string[] | null;
    }[]
  >(
    `select plan, timezone, quiet_hours_start, quiet_hours_end, contact_cooldown_days, max_appointment_age_days, default_channel, default_language, whatsapp_content_sids,
            -- The own account's chosen number or service is the SMS sender the send path uses (SPEC §12).
            coalesce((select coalesce(ta.phone_number, ta.messaging_service_sid) from twilio_accounts ta where ta.workspace_id = workspaces.id), sms_sender) as sms_sender,
            whatsapp_sender, default_country, extra_destination_countries
       from workspaces where id = ?`,
    [workspaceId],
  );
  if (!ws) return null;
  return {
    plan: ws.plan,
    timezone: ws.timezone,
    quietHoursStart: ws.quiet_hours_start,
    quietHoursEnd: ws.quiet_hours_end,
    contactCooldownDays: ws.contact_cooldown_days,
    maxAppointmentAgeDays: ws.max_appointment_age_days,
    defaultChannel: ws.default_channel,
    defaultLanguage: ws.default_language,
    whatsappContentSids: ws.whatsapp_content_sids ?? {},
    smsSender: ws.sms_sender,
    whatsappSender: ws.whatsapp_sender,
    destination: { ownCountry: ws.default_country, extraCountries: ws.extra_destination_countries ?? [] },
  };
}

/** A practice of the workspace (its own time zone, or null for the workspace's), or null — also for an id that is not a UUID. */
export async function findWorkspacePractice(em: EntityManager, workspaceId: string, practiceId: string): Promise<{ id: string; name: string; timezone: string | null } | null> {
  if (!UUID.test(practiceId)) return null;
  const [practice] = await scopedQuery<{ id: string; name: string; timezone: string | null }>(em, workspaceId, "select id, name, timezone from practices where workspace_id = ? and id = ?", [practiceId]);
  return practice ?? null;
}

/** A user of the workspace, or null — also for an id that is not a UUID. */
export async function findWorkspaceUser(em: EntityManager, workspaceId: string, userId: string): Promise<{ id: string; name: string; role: string } | null> {
  if (!UUID.test(userId)) return null;
  const [user] = await scopedQuery<{ id: string; name: string; role: string }>(em, workspaceId, "select id, name, role from users where workspace_id = ? and id = ?", [userId]);
  return user ?? null;
}

export interface AssignableDoctor {
  id: string;
  name: string;
  role: "DOCTOR" | "OWNER";
}

/** Who a campaign can be assigned to (SPEC §3: the doctor whose appointments they were): doctors, then owners, by name. */
export async function listAssignableDoctors(em: EntityManager, workspaceId: string): Promise<AssignableDoctor[]> {
  return scopedQuery<AssignableDoctor>(em, workspaceId, "select id, name, role from users where workspace_id = ? and role in ('DOCTOR', 'OWNER') order by role = 'OWNER', name, id");
}

export interface DefaultTemplateRow {
  type: string;
  body: string;
  /** The SMS wording when it differs from the WhatsApp one. */
  smsBody: string | null;
  language: string;
}

/** The workspace's default templates of these types, in every language it has them. */
export async function listDefaultTemplates(em: EntityManager, workspaceId: string, types: readonly string[]): Promise<DefaultTemplateRow[]> {
  const rows = await scopedQuery<{ type: string; body: string; sms_body: string | null; language: string }>(
    em,
    workspaceId,
    "select type, body, sms_body, language from templates where workspace_id = ? and is_default and type = any(?::text[])",
    [pgArray(types)],
  );
  return rows.map((r) => ({ type: r.type, body: r.body, smsBody: r.sms_body, language: r.language }));
}
