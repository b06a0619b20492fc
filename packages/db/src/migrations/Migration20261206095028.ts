import { Migration } from '@mikro-orm/migrations';

export class Migration20261206095028 extends Migration {

  override name = 'Migration20261206095028';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_endpoints" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "url" text not null, "events" text[] not null, "secret" text not null, "enabled" boolean not null default true, "consecutive_failures" int not null default 0, "disabled_at" timestamptz null, "disabled_reason" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "webhook_endpoints_workspace_idx" on "webhook_endpoints" ("workspace_id");`);

    this.addSql(`create table "webhook_deliveries" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "payload" jsonb not null, "status" text not null, "attempts" int not null default 0, "replays" int not null default 0, "last_status_code" int null, "last_error" text null, "last_duration_ms" int null, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_endpoint_created_idx" on "webhook_deliveries" ("endpoint_id", "created_at" DESC);`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_event_uq" unique ("endpoint_id", "event_id");`);

    this.addSql(`create table "api_keys" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "name" text not null, "prefix" text not null, "secret_hash" text not null, "scopes" text[] not null, "created_by_id" uuid not null, "created_at" timestamptz not null default now(), "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_prefix_uq" unique ("prefix");`);
    this.addSql(`create index "api_keys_workspace_idx" on "api_keys" ("workspace_id", "created_at");`);

    this.addSql(`create table "api_idempotency_keys" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "api_key_id" uuid not null, "key" text not null, "request_hash" text not null, "status" int not null, "response" jsonb not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "api_idempotency_keys" add constraint "api_idempotency_keys_key_uq" unique ("api_key_id", "key");`);

    this.addSql(`create table "api_appointments" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "external_id" text not null, "practice_id" uuid not null, "doctor_id" uuid null, "campaign_id" uuid not null, "patient_id" uuid not null, "message_id" uuid null, "phone" text not null, "appointment_at" timestamptz not null, "status" text not null, "skip_reason" text null, "request_hash" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "api_appointments" add constraint "api_appointments_workspace_external_uq" unique ("workspace_id", "external_id");`);

    this.addSql(`alter table "contacts" drop constraint "contacts_sms_consent_source_check";`);
    this.addSql(`alter table "contacts" drop constraint "contacts_whatsapp_consent_source_check";`);
    this.addSql(`alter table "contacts" add "name" text null, add "language" text null;`);
    this.addSql(`alter table "contacts" add constraint "contacts_sms_consent_source_check" check ("sms_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF', 'API'));`);
    this.addSql(`alter table "contacts" add constraint "contacts_whatsapp_consent_source_check" check ("whatsapp_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF', 'API'));`);

    this.addSql(`alter table "campaigns" add "rolling_key" text null;`);
    this.addSql(`alter table "campaigns" add constraint "campaigns_workspace_rolling_key_uq" unique ("workspace_id", "rolling_key");`);

    this.addSql(`alter table "webhook_endpoints" add constraint "webhook_endpoints_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on delete cascade;`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "api_idempotency_keys" add constraint "api_idempotency_keys_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "api_appointments" add constraint "api_appointments_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_endpoint_id_foreign";`);

    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
    this.addSql(`drop table if exists "api_idempotency_keys" cascade;`);
    this.addSql(`drop table if exists "api_appointments" cascade;`);

    this.addSql(`alter table "campaigns" drop constraint "campaigns_workspace_rolling_key_uq";`);
    this.addSql(`alter table "campaigns" drop column "rolling_key";`);

    this.addSql(`alter table "contacts" drop constraint "contacts_sms_consent_source_check";`);
    this.addSql(`alter table "contacts" drop constraint "contacts_whatsapp_consent_source_check";`);
    this.addSql(`alter table "contacts" drop column "name", drop column "language";`);
    this.addSql(`alter table "contacts" add constraint "contacts_sms_consent_source_check" check ("sms_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF'));`);
    this.addSql(`alter table "contacts" add constraint "contacts_whatsapp_consent_source_check" check ("whatsapp_consent_source" in ('CSV_IMPORT', 'FORM', 'REPLY', 'STAFF'));`);
  }

}
