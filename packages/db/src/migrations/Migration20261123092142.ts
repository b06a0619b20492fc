import { Migration } from '@mikro-orm/migrations';

export class Migration20261123092142 extends Migration {

  override name = 'Migration20261123092142';

  override up(): void | Promise<void> {
    this.addSql(`create table "billing_events" ("id" uuid not null default gen_random_uuid(), "stripe_event_id" text not null, "type" text not null, "workspace_id" uuid null, "payload" jsonb not null, "processed_at" timestamptz null, "error" text null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "billing_events" add constraint "billing_events_stripe_event_id_unique" unique ("stripe_event_id");`);
    this.addSql(`create index "billing_events_workspace_id_index" on "billing_events" ("workspace_id");`);

    this.addSql(`create table "outbox" ("id" bigint generated always as identity not null primary key, "workspace_id" uuid null, "stream" text not null, "type" text not null, "payload" jsonb not null, "idempotency_key" text not null, "status" text not null default 'pending', "available_at" timestamptz not null, "published_at" timestamptz null, "done_at" timestamptz null, "publish_count" int not null default 0, "last_error" text null, "trace_context" text null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "outbox" add constraint "outbox_idempotency_key_uq" unique ("idempotency_key");`);
    this.addSql(`create index "outbox_claim_idx" on "outbox" ("available_at", "id") where status = 'pending';`);
    this.addSql(`create index "outbox_status_available_idx" on "outbox" ("status", "available_at");`);
    this.addSql(`create index "outbox_sweep_idx" on "outbox" ("published_at") where status = 'published';`);
    this.addSql(`alter table "outbox" add constraint "outbox_status_check" check ("status" in ('pending', 'published', 'done', 'cancelled'));`);
    this.addSql(`create or replace function "outbox_outbox_notify_fn"() returns trigger as \$\$ begin perform pg_notify('outbox', ''); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "outbox_notify" AFTER INSERT on "outbox" for each STATEMENT execute function "outbox_outbox_notify_fn"();`);

    this.addSql(`create table "workspaces" ("id" uuid not null default gen_random_uuid(), "name" text not null, "plan" text not null default 'FREE', "stripe_customer_id" text null, "stripe_subscription_id" text null, "past_due_at" timestamptz null, "sending_paused" boolean not null default false, "timezone" text not null default 'America/Guayaquil', "quiet_hours_start" text null default '20:00', "quiet_hours_end" text null default '08:00', "review_policy" text not null default 'open', "gated_confirmed_at" timestamptz null, "gated_confirmed_by" uuid null, "contact_cooldown_days" int not null default 60, "max_appointment_age_days" int not null default 7, "reminder_after_hours" int not null default 24, "default_country" text not null default 'EC', "default_channel" text not null default 'WHATSAPP', "whatsapp_sender" text null, "sms_sender" text null, "provider_handles_opt_out" boolean not null default true, "whatsapp_content_sids" jsonb not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_stripe_customer_id_unique" unique ("stripe_customer_id");`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_stripe_subscription_id_unique" unique ("stripe_subscription_id");`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_quiet_hours_start_check" check (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]\$');`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_quiet_hours_end_check" check (quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]\$');`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_contact_cooldown_days_check" check (contact_cooldown_days >= 0);`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_max_appointment_age_days_check" check (max_appointment_age_days >= 0);`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_reminder_after_hours_check" check (reminder_after_hours > 0);`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_plan_check" check ("plan" in ('FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'));`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_review_policy_check" check ("review_policy" in ('open', 'gated'));`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_default_channel_check" check ("default_channel" in ('SMS', 'WHATSAPP'));`);

    this.addSql(`create table "users" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "email" text not null, "password_hash" text not null, "name" text not null, "role" text not null, "session_version" int not null default 0, "password_reset_token_hash" text null, "password_reset_expires_at" timestamptz null, "last_login_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "users_workspace_id_index" on "users" ("workspace_id");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`alter table "users" add constraint "users_email_check" check (email = lower(email));`);
    this.addSql(`alter table "users" add constraint "users_role_check" check ("role" in ('OWNER', 'DOCTOR', 'RECEPTIONIST'));`);

    this.addSql(`create table "templates" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "type" text not null, "name" text null, "body" text not null, "sms_body" text null, "whatsapp_content_sid" text null, "is_default" boolean not null default false, "language" text not null default 'es', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "templates_workspace_type_idx" on "templates" ("workspace_id", "type");`);
    this.addSql(`create unique index "templates_one_default_uq" on "templates" ("workspace_id", "type", "language") where "is_default" = true;`);
    this.addSql(`alter table "templates" add constraint "templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION'));`);

    this.addSql(`create table "practices" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "name" text not null, "address" text null, "city" text null, "country" text not null default 'EC', "timezone" text not null default 'America/Guayaquil', "google_place_id" text null, "staff_alert_phone" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "practices_workspace_id_index" on "practices" ("workspace_id");`);
    this.addSql(`alter table "practices" add constraint "practices_staff_alert_phone_check" check (staff_alert_phone is null or staff_alert_phone ~ '^\\+[1-9][0-9]{6,14}\$');`);

    this.addSql(`create table "credit_ledger_entries" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "kind" text not null, "amount" int not null, "reference" text not null, "related_entry_id" uuid null, "reason" text null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "credit_ledger_balance_idx" on "credit_ledger_entries" ("workspace_id") include ("amount");`);
    this.addSql(`create index "credit_ledger_related_idx" on "credit_ledger_entries" ("related_entry_id") where related_entry_id is not null;`);
    this.addSql(`alter table "credit_ledger_entries" add constraint "credit_ledger_once_uq" unique ("workspace_id", "kind", "reference");`);
    this.addSql(`alter table "credit_ledger_entries" add constraint "credit_ledger_entries_amount_check" check ((kind in ('grant', 'release', 'refund') and amount >= 0) or (kind in ('hold', 'deduct') and amount <= 0));`);
    this.addSql(`alter table "credit_ledger_entries" add constraint "credit_ledger_entries_kind_check" check ("kind" in ('grant', 'hold', 'release', 'deduct', 'refund'));`);

    this.addSql(`create table "contacts" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "phone" text not null, "sms_consent_at" timestamptz null, "sms_consent_source" text null, "whatsapp_consent_at" timestamptz null, "whatsapp_consent_source" text null, "opted_out_at" timestamptz null, "opted_out_source" text null, "erased_at" timestamptz null, "last_asked_at" timestamptz null, "last_inbound_at" jsonb not null default '{}', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "contacts" add constraint "contacts_workspace_phone_uq" unique ("workspace_id", "phone");`);
    this.addSql(`alter table "contacts" add constraint "contacts_phone_check" check (phone ~ '^\\+[1-9][0-9]{6,14}\$');`);
    this.addSql(`alter table "contacts" add constraint "contacts_sms_consent_source_check" check ("sms_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF'));`);
    this.addSql(`alter table "contacts" add constraint "contacts_whatsapp_consent_source_check" check ("whatsapp_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF'));`);

    this.addSql(`create table "campaigns" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "practice_id" uuid not null, "assigned_doctor_id" uuid null, "created_by_id" uuid not null, "name" text not null, "status" text not null default 'DRAFT', "scheduled_hours_after" int not null default 2, "total_patients" int not null default 0, "skipped_patients" int not null default 0, "activated_at" timestamptz null, "completed_at" timestamptz null, "cancelled_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "campaigns_workspace_created_idx" on "campaigns" ("workspace_id", "created_at" DESC);`);
    this.addSql(`create index "campaigns_workspace_doctor_idx" on "campaigns" ("workspace_id", "assigned_doctor_id");`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_scheduled_hours_after_check" check (scheduled_hours_after >= 0);`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_status_check" check ("status" in ('DRAFT', 'ACTIVE', 'COMPLETED', 'CANCELLED'));`);

    this.addSql(`create table "patients" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "campaign_id" uuid not null, "contact_id" uuid not null, "name" text not null, "phone" text not null, "email" text null, "appointment_at" timestamptz not null, "appointment_type" text null, "preferred_channel" text not null, "language" text not null default 'es', "consent" boolean not null default false, "status" text not null default 'PENDING', "skip_reason" text null, "public_token" text not null default replace(((gen_random_uuid())::text || (gen_random_uuid())::text), '-'::text, ''::text), "token_expires_at" timestamptz not null default (now() + '30 days'::interval), "rating" smallint null, "rated_at" timestamptz null, "follow_up_sent_at" timestamptz null, "help_sent_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "patients_contact_id_index" on "patients" ("contact_id");`);
    this.addSql(`alter table "patients" add constraint "patients_public_token_unique" unique ("public_token");`);
    this.addSql(`create index "patients_workspace_phone_idx" on "patients" ("workspace_id", "phone");`);
    this.addSql(`create index "patients_campaign_status_idx" on "patients" ("campaign_id", "status");`);
    this.addSql(`alter table "patients" add constraint "patients_phone_check" check (phone ~ '^\\+[1-9][0-9]{6,14}\$');`);
    this.addSql(`alter table "patients" add constraint "patients_rating_check" check (rating >= 1 and rating <= 5);`);
    this.addSql(`alter table "patients" add constraint "patients_preferred_channel_check" check ("preferred_channel" in ('SMS', 'WHATSAPP'));`);
    this.addSql(`alter table "patients" add constraint "patients_status_check" check ("status" in ('PENDING', 'SCHEDULED', 'SKIPPED', 'SENT', 'RATED', 'FAILED', 'CANCELLED'));`);
    this.addSql(`alter table "patients" add constraint "patients_skip_reason_check" check ("skip_reason" in ('NO_CONSENT', 'OPTED_OUT', 'ERASED', 'COOLDOWN', 'APPOINTMENT_TOO_OLD', 'DUPLICATE', 'NOT_MOBILE', 'INSUFFICIENT_CREDITS'));`);

    this.addSql(`create table "review_clicks" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "patient_id" uuid not null, "clicked_at" timestamptz not null default now(), "user_agent" text null, primary key ("id"));`);
    this.addSql(`create index "review_clicks_workspace_id_index" on "review_clicks" ("workspace_id");`);
    this.addSql(`alter table "review_clicks" add constraint "review_clicks_patient_uq" unique ("patient_id");`);

    this.addSql(`create table "messages" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "patient_id" uuid not null, "campaign_id" uuid null, "type" text not null, "channel" text not null, "status" text not null default 'PENDING', "from_address" text null, "to_address" text not null, "body" text null, "content_sid" text null, "segments" int null, "encoding" text null, "provider_sid" text null, "error_code" int null, "error_text" text null, "send_attempted_at" timestamptz null, "sent_at" timestamptz null, "delivered_at" timestamptz null, "read_at" timestamptz null, "failed_at" timestamptz null, "replied_at" timestamptz null, "rating" smallint null, "credits_held" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "messages_campaign_status_idx" on "messages" ("campaign_id", "status");`);
    this.addSql(`create index "messages_workspace_created_idx" on "messages" ("workspace_id", "created_at" DESC);`);
    this.addSql(`create index "messages_patient_type_idx" on "messages" ("patient_id", "type");`);
    this.addSql(`create index "messages_route_idx" on "messages" ("to_address", "from_address", "created_at" DESC);`);
    this.addSql(`create index "messages_open_status_idx" on "messages" ("status", "sent_at") where status in ('SENDING', 'ACCEPTED', 'SCHEDULED', 'QUEUED', 'SENT');`);
    this.addSql(`create unique index "messages_provider_sid_uq" on "messages" ("provider_sid") where provider_sid is not null;`);
    this.addSql(`create unique index "messages_once_per_patient_uq" on "messages" ("patient_id", "type") where type in ('INITIAL', 'REMINDER', 'HELP');`);
    this.addSql(`create unique index "messages_one_followup_uq" on "messages" ("patient_id") where type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY');`);
    this.addSql(`alter table "messages" add constraint "messages_segments_check" check (segments is null or segments >= 0);`);
    this.addSql(`alter table "messages" add constraint "messages_rating_check" check (rating >= 1 and rating <= 5);`);
    this.addSql(`alter table "messages" add constraint "messages_credits_held_check" check (credits_held >= 0);`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT'));`);
    this.addSql(`alter table "messages" add constraint "messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
    this.addSql(`alter table "messages" add constraint "messages_status_check" check ("status" in ('PENDING', 'SENDING', 'ACCEPTED', 'SCHEDULED', 'QUEUED', 'SENT', 'DELIVERED', 'READ', 'UNDELIVERED', 'FAILED', 'CANCELED'));`);
    this.addSql(`alter table "messages" add constraint "messages_encoding_check" check ("encoding" in ('GSM7', 'UCS2'));`);

    this.addSql(`create table "inbound_messages" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid null, "patient_id" uuid null, "in_reply_to_id" uuid null, "provider_sid" text not null, "channel" text not null, "from_address" text not null, "to_address" text not null, "body" text not null default '', "button_payload" text null, "raw_params" jsonb null, "intent" text null, "rating" smallint null, "received_at" timestamptz not null, "processed_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_provider_sid_unique" unique ("provider_sid");`);
    this.addSql(`create index "inbound_messages_from_idx" on "inbound_messages" ("from_address", "received_at" DESC);`);
    this.addSql(`create index "inbound_messages_patient_idx" on "inbound_messages" ("patient_id");`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_rating_check" check (rating >= 1 and rating <= 5);`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_intent_check" check ("intent" in ('RATING', 'OPT_OUT', 'OPT_IN', 'OTHER'));`);

    this.addSql(`create table "feedback" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "patient_id" uuid not null, "source" text not null default 'FORM', "inbound_message_id" uuid null, "text" text not null default '', "rating" smallint null, "status" text not null default 'NEW', "staff_notes" text null, "resolved_at" timestamptz null, "resolved_by_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "feedback_patient_id_index" on "feedback" ("patient_id");`);
    this.addSql(`create index "feedback_inbox_idx" on "feedback" ("workspace_id", "status", "created_at" DESC);`);
    this.addSql(`alter table "feedback" add constraint "feedback_rating_check" check (rating >= 1 and rating <= 5);`);
    this.addSql(`alter table "feedback" add constraint "feedback_source_check" check ("source" in ('FORM', 'REPLY', 'RATING'));`);
    this.addSql(`alter table "feedback" add constraint "feedback_status_check" check ("status" in ('NEW', 'IN_PROGRESS', 'RESOLVED'));`);

    this.addSql(`create table "audit_logs" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "actor_id" uuid null, "action" text not null, "entity_type" text not null, "entity_id" text null, "ip" text null, "details" jsonb null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "audit_logs_workspace_created_idx" on "audit_logs" ("workspace_id", "created_at" DESC);`);

    this.addSql(`alter table "users" add constraint "users_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "templates" add constraint "templates_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "practices" add constraint "practices_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "credit_ledger_entries" add constraint "credit_ledger_entries_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "contacts" add constraint "contacts_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "campaigns" add constraint "campaigns_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_practice_id_foreign" foreign key ("practice_id") references "practices" ("id");`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_assigned_doctor_id_foreign" foreign key ("assigned_doctor_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id");`);

    this.addSql(`alter table "patients" add constraint "patients_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "patients" add constraint "patients_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on delete cascade;`);
    this.addSql(`alter table "patients" add constraint "patients_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id");`);

    this.addSql(`alter table "review_clicks" add constraint "review_clicks_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "review_clicks" add constraint "review_clicks_patient_id_foreign" foreign key ("patient_id") references "patients" ("id") on delete cascade;`);

    this.addSql(`alter table "messages" add constraint "messages_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_patient_id_foreign" foreign key ("patient_id") references "patients" ("id") on delete cascade;`);
    this.addSql(`alter table "messages" add constraint "messages_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on delete cascade;`);

    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_patient_id_foreign" foreign key ("patient_id") references "patients" ("id") on delete set null;`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_in_reply_to_id_foreign" foreign key ("in_reply_to_id") references "messages" ("id") on delete set null;`);

    this.addSql(`alter table "feedback" add constraint "feedback_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "feedback" add constraint "feedback_patient_id_foreign" foreign key ("patient_id") references "patients" ("id") on delete cascade;`);
    this.addSql(`alter table "feedback" add constraint "feedback_inbound_message_id_foreign" foreign key ("inbound_message_id") references "inbound_messages" ("id") on delete set null;`);
    this.addSql(`alter table "feedback" add constraint "feedback_resolved_by_id_foreign" foreign key ("resolved_by_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "audit_logs" add constraint "audit_logs_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "audit_logs" add constraint "audit_logs_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);
  }

}
