import { Migration } from '@mikro-orm/migrations';

export class Migration20261206094608 extends Migration {

  override name = 'Migration20261206094608';

  override up(): void | Promise<void> {
    this.addSql(`create table "whatsapp_templates" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "account_sid" text not null, "type" text not null, "language" text not null, "category" text not null, "body" text not null, "buttons" jsonb not null default '[]', "content_sid" text null, "status" text not null default 'DRAFT', "provider_status" text null, "rejection_reason" text null, "submitted_at" timestamptz null, "checked_at" timestamptz null, "approved_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "whatsapp_templates_pending_idx" on "whatsapp_templates" ("status", "checked_at") where "status" = 'PENDING';`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_account_type_language_uq" unique ("workspace_id", "account_sid", "type", "language");`);

    this.addSql(`alter table "twilio_accounts" add "whatsapp_switched_at" timestamptz null, add "whatsapp_content_sids" jsonb not null default '{}';`);

    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_category_check" check (category in ('UTILITY', 'MARKETING'));`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION'));`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_status_check" check ("status" in ('DRAFT', 'PENDING', 'APPROVED', 'REJECTED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "whatsapp_templates" cascade;`);

    this.addSql(`alter table "twilio_accounts" drop column "whatsapp_switched_at", drop column "whatsapp_content_sids";`);
  }

}
