import { Migration } from '@mikro-orm/migrations';

export class Migration20261206124332 extends Migration {

  override name = 'Migration20261206124332';

  override up(): void | Promise<void> {
    // Checks on the large tables are added NOT VALID, then validated: the validation scans without blocking writes.
    this.addSql(`alter table "workspaces" add "broadcast_cap" int not null default 2;`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_broadcast_cap_check" check (broadcast_cap >= 0);`);

    this.addSql(`alter table "contacts" add "marketing_consent_at" timestamptz null, add "marketing_consent_source" text null;`);
    this.addSql(`alter table "contacts" add constraint "contacts_marketing_consent_source_check" check ("marketing_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF', 'API')) not valid;`);
    this.addSql(`alter table "contacts" validate constraint "contacts_marketing_consent_source_check";`);

    this.addSql(`alter table "consent_events" drop constraint "consent_events_purpose_check";`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_purpose_check" check ("purpose" in ('FEEDBACK_REQUESTS', 'MARKETING')) not valid;`);
    this.addSql(`alter table "consent_events" validate constraint "consent_events_purpose_check";`);

    this.addSql(`alter table "campaigns" add "kind" text not null default 'FEEDBACK', add "broadcast_channel" text null, add "broadcast_template_id" uuid null, add "audience" jsonb null, add "scheduled_at" timestamptz null, add "credits_per_message" int null, add "paused_at" timestamptz null;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_credits_per_message_check" check (credits_per_message is null or credits_per_message >= 0);`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_kind_check" check ("kind" in ('FEEDBACK', 'BROADCAST'));`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_broadcast_channel_check" check ("broadcast_channel" in ('SMS', 'WHATSAPP'));`);

    this.addSql(`alter table "patients" drop constraint "patients_skip_reason_check";`);
    this.addSql(`alter table "patients" add constraint "patients_skip_reason_check" check ("skip_reason" in ('NO_CONSENT', 'OPTED_OUT', 'ERASED', 'COOLDOWN', 'APPOINTMENT_TOO_OLD', 'DUPLICATE', 'NOT_MOBILE', 'INSUFFICIENT_CREDITS', 'NO_MARKETING_CONSENT', 'FREQUENCY_CAP', 'COUNTRY_NOT_ALLOWED')) not valid;`);
    this.addSql(`alter table "patients" validate constraint "patients_skip_reason_check";`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE', 'BROADCAST')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "campaigns" drop constraint "campaigns_credits_per_message_check";`);
    this.addSql(`alter table "campaigns" drop constraint "campaigns_kind_check";`);
    this.addSql(`alter table "campaigns" drop constraint "campaigns_broadcast_channel_check";`);
    this.addSql(`alter table "campaigns" drop column "kind", drop column "broadcast_channel", drop column "broadcast_template_id", drop column "audience", drop column "scheduled_at", drop column "credits_per_message", drop column "paused_at";`);

    this.addSql(`alter table "consent_events" drop constraint "consent_events_purpose_check";`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_purpose_check" check ("purpose" in ('FEEDBACK_REQUESTS'));`);

    this.addSql(`alter table "contacts" drop constraint "contacts_marketing_consent_source_check";`);
    this.addSql(`alter table "contacts" drop column "marketing_consent_at", drop column "marketing_consent_source";`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE'));`);

    this.addSql(`alter table "patients" drop constraint "patients_skip_reason_check";`);
    this.addSql(`alter table "patients" add constraint "patients_skip_reason_check" check ("skip_reason" in ('NO_CONSENT', 'OPTED_OUT', 'ERASED', 'COOLDOWN', 'APPOINTMENT_TOO_OLD', 'DUPLICATE', 'NOT_MOBILE', 'INSUFFICIENT_CREDITS'));`);

    this.addSql(`alter table "workspaces" drop constraint "workspaces_broadcast_cap_check";`);
    this.addSql(`alter table "workspaces" drop column "broadcast_cap";`);
  }

}
