import { Migration } from '@mikro-orm/migrations';

export class Migration20261206094420 extends Migration {

  override name = 'Migration20261206094420';

  override up(): void | Promise<void> {
    this.addSql(`create table "signup_verifications" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "phone" text not null, "phone_prefix" text not null, "ip" text null, "email" text not null, "name" text not null, "password_hash" text not null, "locale" text not null, "code_hash" text not null, "expires_at" timestamptz not null, "attempts" int not null default 0, "message_id" uuid null, "verified_at" timestamptz null, "superseded_at" timestamptz null, "credits_granted" boolean not null default false, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "signup_verifications_workspace_id_index" on "signup_verifications" ("workspace_id");`);
    this.addSql(`create index "signup_verifications_phone_idx" on "signup_verifications" ("phone", "created_at");`);
    this.addSql(`create index "signup_verifications_prefix_idx" on "signup_verifications" ("phone_prefix", "created_at");`);
    this.addSql(`create index "signup_verifications_ip_idx" on "signup_verifications" ("ip", "created_at");`);
    this.addSql(`create unique index "signup_verifications_credits_once_per_phone_uq" on "signup_verifications" ("phone") where credits_granted;`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" alter column "patient_id" drop not null;`);
    // NOT VALID, then VALIDATE: the scan of a large messages table runs without blocking writes.
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);

    this.addSql(`alter table "signup_verifications" add constraint "signup_verifications_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "signup_verifications" add constraint "signup_verifications_email_check" check (email = lower(email));`);
    this.addSql(`alter table "signup_verifications" add constraint "signup_verifications_locale_check" check (locale in ('es', 'en'));`);
    this.addSql(`alter table "signup_verifications" add constraint "signup_verifications_attempts_check" check (attempts >= 0);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "signup_verifications" cascade;`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" alter column "patient_id" set not null;`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT'));`);
  }

}
