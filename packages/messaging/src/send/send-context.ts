// Read model (docs/ARCHITECTURE.md, "Table ownership"): the send context of decisions 004 and 007.
// Step 1 of the send protocol needs the message, its patient and contact (locked: this package's
// rows), the workspace's senders, kill switch and destination countries (@rm/accounts' workspaces and its own Twilio
// account, twilio_accounts) and whether the
// campaign was cancelled (@rm/campaigns' campaigns) under one set of locks, in one statement per
// batch — a lookup per owner would add round trips to every send. It only reads those tables:
// neither is locked nor written here.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray } from "@rm/db";
import type { DeliveryStatus, PlatformContentSids } from "@rm/domain";

export interface SendRow {
  id: string;
  workspace_id: string;
  /** Null for a sign-up verification code (type VERIFICATION), which has no patient or contact, and for a staff reply to a contact who wrote first to an own sender. */
  patient_id: string | null;
  campaign_id: string | null;
  type: string;
  channel: "SMS" | "WHATSAPP";
  status: DeliveryStatus;
  to_address: string;
  from_address: string | null;
  body: string | null;
  content_sid: string | null;
  content_variables: Record<string, string> | null;
  provider_sid: string | null;
  segments: number | null;
  send_attempted_at: Date | string | null;
  send_attempts: number;
  credits_held: number;
  /** Set on a message that goes by SMS after its WhatsApp attempt failed (its credits have their own references). */
  fallback_at: Date | string | null;
  /** The WhatsApp attempt that SMS fallback replaced: a late answer about it records nothing. */
  fallback_from_sid: string | null;
  patient_consent: boolean;
  /** Null for a sign-up verification code, like patient_id. */
  contact_id: string | null;
  sms_consent_at: Date | null;
  whatsapp_consent_at: Date | null;
  opted_out_at: Date | null;
  erased_at: Date | null;
  last_inbound_at: Record<string, string> | null;
  campaign_status: string | null;
  /** A broadcast paused by staff waits (SPEC §14); null otherwise. */
  campaign_paused_at: Date | string | null;
  /** Consent to marketing, which a BROADCAST needs besides everything else (SPEC §14). */
  marketing_consent_at: Date | null;
  /** The workspace's frequency cap of broadcasts per contact in 30 days. */
  broadcast_cap: number;
  sending_paused: boolean;
  sms_sender: string | null;
  whatsapp_sender: string | null;
  whatsapp_content_sids: Record<string, string> | null;
  language: string | null;
  /** The workspace's destination-country allowlist (its own country plus the owner's additions). */
  default_country: string;
  extra_destination_countries: string[] | null;
  /** The workspace's own Twilio account and chosen sender (SPEC §12), null when it sends on the platform's. */
  own_account_sid: string | null;
  own_token_ciphertext: string | null;
  own_token_key_id: string | null;
  own_phone_number: string | null;
  own_messaging_service_sid: string | null;
  /** Set once the owner switched WhatsApp to the own account (its templates approved there). */
  own_whatsapp_switched_at: Date | string | null;
  /** The own account's approved Content SIDs: language → message type → HX…. */
  own_whatsapp_content_sids: PlatformContentSids | null;
  /** The own account's approved templates' variable names in number order, by Content SID (decision 039). */
  own_whatsapp_content_variables?: Record<string, string[]> | null;
}

// The contact row is locked too: opt-out, consent and erasure are re-checked under its lock.
const SEND_ROW_SELECT = `
  select m.id, m.workspace_id, m.patient_id, m.campaign_id, m.type, m.channel, m.status, m.to_address, m.from_address,
         m.body, m.content_sid, m.content_variables, m.provider_sid, m.segments, m.send_attempted_at, m.send_attempts, m.credits_held,
         m.fallback_at, m.fallback_from_sid, p.consent as patient_consent, c.id as contact_id, c.sms_consent_at, c.whatsapp_consent_at, c.opted_out_at,
         c.erased_at, c.last_inbound_at, cp.status as campaign_status, cp.paused_at as campaign_paused_at, c.marketing_consent_at, w.broadcast_cap,
         w.sending_paused, w.sms_sender, w.whatsapp_sender, w.whatsapp_content_sids, p.language,
         w.default_country, w.extra_destination_countries,
         ta.account_sid as own_account_sid, ta.token_ciphertext as own_token_ciphertext, ta.token_key_id as own_token_key_id,
         ta.phone_number as own_phone_number, ta.messaging_service_sid as own_messaging_service_sid,
         ta.whatsapp_switched_at as own_whatsapp_switched_at, ta.whatsapp_content_sids as own_whatsapp_content_sids,
         ta.whatsapp_content_variables as own_whatsapp_content_variables
    from messages m
    join patients p on p.id = m.patient_id
    join contacts c on c.id = p.contact_id
    join workspaces w on w.id = m.workspace_id
    left join campaigns cp on cp.id = m.campaign_id
    left join twilio_accounts ta on ta.workspace_id = m.workspace_id`;

const LOAD_SQL = `${SEND_ROW_SELECT}
   where m.workspace_id = ? and m.id = ?
     for update of m, c`;

const LOAD_BATCH_SQL = `${SEND_ROW_SELECT}
   where (m.workspace_id, m.id) in (select * from unnest(?::uuid[], ?::uuid[]))
   order by m.id
     for update of m, c`;

// A sign-up verification code (decision 024) has no patient or contact: the same columns, the
// patient's and contact's as "nothing to check", only the message locked. A second statement only
// when the first found fewer rows than asked, so a campaign's batches pay nothing for it. The urgent
// alert of a thread without a patient (SPEC §16: a web chat visitor, a new phone on an own sender)
// goes to the staff number like that too, but from the workspace's senders, like a patient's alert.
const VERIFICATION_SELECT = `
  select m.id, m.workspace_id, m.patient_id, m.campaign_id, m.type, m.channel, m.status, m.to_address, m.from_address,
         m.body, m.content_sid, m.content_variables, m.provider_sid, m.segments, m.send_attempted_at, m.send_attempts, m.credits_held,
         m.fallback_at, m.fallback_from_sid, true as patient_consent, null::uuid as contact_id, null::timestamptz as sms_consent_at,
         null::timestamptz as whatsapp_consent_at, null::timestamptz as opted_out_at, null::timestamptz as erased_at, null::jsonb as last_inbound_at,
         null::text as campaign_status, null::timestamptz as campaign_paused_at, null::timestamptz as marketing_consent_at, w.broadcast_cap, w.sending_paused,
         case when m.type = 'STAFF_ALERT' then w.sms_sender end as sms_sender, null::text as whatsapp_sender, null::jsonb as whatsapp_content_sids,
         null::text as language, w.default_country, w.extra_destination_countries,
         ta.account_sid as own_account_sid, ta.token_ciphertext as own_token_ciphertext, ta.token_key_id as own_token_key_id,
         ta.phone_number as own_phone_number, ta.messaging_service_sid as own_messaging_service_sid
    from messages m
    join workspaces w on w.id = m.workspace_id
    left join twilio_accounts ta on m.type = 'STAFF_ALERT' and ta.workspace_id = m.workspace_id
   where m.patient_id is null and m.type in ('VERIFICATION', 'STAFF_ALERT')`;

const LOAD_VERIFICATION_SQL = `${VERIFICATION_SELECT}
     and (m.workspace_id, m.id) in (select * from unnest(?::uuid[], ?::uuid[]))
   order by m.id
     for update of m`;

// A staff (or bot) reply in the thread of a contact with no patient has its contact through its thread, locked
// like a patient's, and the workspace's senders and own account as any message; opt-out and erasure
// still refuse it. Its consent: for a phone that first wrote to the workspace's own sender (SPEC §13),
// the contact's own message to that sender (they wrote first, the reply answers them); for a web chat
// answer sent on to the visitor's confirmed phone (SPEC §16), the confirmed code, the visitor's
// request to be answered there.
const THREAD_CONTACT_SELECT = `
  select m.id, m.workspace_id, m.patient_id, m.campaign_id, m.type, m.channel, m.status, m.to_address, m.from_address,
         m.body, m.content_sid, m.content_variables, m.provider_sid, m.segments, m.send_attempted_at, m.send_attempts, m.credits_held,
         m.fallback_at, m.fallback_from_sid, (cv.channel = 'WEB' or (c.last_inbound_at ->> m.from_address) is not null) as patient_consent, c.id as contact_id,
         c.sms_consent_at, c.whatsapp_consent_at, c.opted_out_at, c.erased_at, c.last_inbound_at, null::text as campaign_status,
         w.sending_paused, w.sms_sender, w.whatsapp_sender, w.whatsapp_content_sids, c.language,
         w.default_country, w.extra_destination_countries,
         ta.account_sid as own_account_sid, ta.token_ciphertext as own_token_ciphertext, ta.token_key_id as own_token_key_id,
         ta.phone_number as own_phone_number, ta.messaging_service_sid as own_messaging_service_sid,
         ta.whatsapp_switched_at as own_whatsapp_switched_at, ta.whatsapp_content_sids as own_whatsapp_content_sids,
         ta.whatsapp_content_variables as own_whatsapp_content_variables
    from messages m
    join conversations cv on cv.id = m.conversation_id and cv.workspace_id = m.workspace_id
    join contacts c on c.id = cv.contact_id
    join workspaces w on w.id = m.workspace_id
    left join twilio_accounts ta on ta.workspace_id = m.workspace_id
   where m.patient_id is null and m.type in ('STAFF_REPLY', 'STAFF_REPLY_NOTICE', 'BOT_ANSWER', 'BOT_AI_ANSWER', 'BOT_AWAY', 'BOT_HANDOFF')
     and (m.workspace_id, m.id) in (select * from unnest(?::uuid[], ?::uuid[]))
   order by m.id
     for update of m, c`;

/** The rows without a patient: sign-up codes, urgent alerts of patient-less threads, staff and bot replies to a contact who wrote first, web chat answers sent on by SMS. */
async function loadPatientlessRows(em: EntityManager, items: readonly { workspaceId: string; messageId: string }[]): Promise<SendRow[]> {
  const rows = await em.execute<SendRow[]>(LOAD_VERIFICATION_SQL, [pgArray(items.map((i) => i.workspaceId)), pgArray(items.map((i) => i.messageId))]);
  if (rows.length >= items.length) return rows;
  const found = new Set(rows.map((r) => r.id));
  const missing = items.filter((i) => !found.has(i.messageId));
  return [...rows, ...(await em.execute<SendRow[]>(THREAD_CONTACT_SELECT, [pgArray(missing.map((i) => i.workspaceId)), pgArray(missing.map((i) => i.messageId))]))];
}

/** One message's send context, its message and contact locked; undefined when it is not in that workspace. */
export async function loadSendRow(em: EntityManager, workspaceId: string, messageId: string): Promise<SendRow | undefined> {
  const row = (await em.execute<SendRow[]>(LOAD_SQL, [workspaceId, messageId]))[0];
  return row ?? (await loadPatientlessRows(em, [{ workspaceId, messageId }]))[0];
}

/** A batch's send contexts, each message paired with its workspace, locked in message id order. */
export async function loadSendRows(em: EntityManager, items: readonly { workspaceId: string; messageId: string }[]): Promise<SendRow[]> {
  const rows = await em.execute<SendRow[]>(LOAD_BATCH_SQL, [pgArray(items.map((i) => i.workspaceId)), pgArray(items.map((i) => i.messageId))]);
  if (rows.length >= items.length) return rows;
  const found = new Set(rows.map((r) => r.id));
  const missing = items.filter((i) => !found.has(i.messageId));
  return [...rows, ...(await loadPatientlessRows(em, missing))];
}
