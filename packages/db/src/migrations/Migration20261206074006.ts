import { Migration } from '@mikro-orm/migrations';

export class Migration20261206074006 extends Migration {

  override name = 'Migration20261206074006';

  override up(): void | Promise<void> {
    this.addSql(`create table "twilio_accounts" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "account_sid" text not null, "kind" text not null, "token_ciphertext" text not null, "token_key_id" text not null, "token_last4" text not null, "previous_token_ciphertext" text null, "previous_token_key_id" text null, "previous_token_until" timestamptz null, "phone_number" text null, "phone_number_sid" text null, "messaging_service_sid" text null, "connected_by" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "twilio_accounts" add constraint "twilio_accounts_workspace_id_unique" unique ("workspace_id");`);
    this.addSql(`alter table "twilio_accounts" add constraint "twilio_accounts_account_sid_unique" unique ("account_sid");`);

    this.addSql(`alter table "twilio_accounts" add constraint "twilio_accounts_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "twilio_accounts" add constraint "twilio_accounts_kind_check" check (kind in ('OWN', 'SUBACCOUNT'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "twilio_accounts" cascade;`);
  }

}
