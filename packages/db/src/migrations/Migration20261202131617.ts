import { Migration } from '@mikro-orm/migrations';

export class Migration20261202131617 extends Migration {

  override name = 'Migration20261202131617';

  override up(): void | Promise<void> {
    this.addSql(`create table "campaign_drafts" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "campaign_id" uuid not null, "channel" text not null, "file_name" text null, "encoding" text not null, "delimiter" text not null, "rows" jsonb null, "rejected" jsonb not null, "duplicates" jsonb not null, "warnings" jsonb not null, "counts" jsonb not null, "expires_at" timestamptz not null, "confirmed_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_campaign_unique" unique ("campaign_id");`);
    this.addSql(`create index "campaign_drafts_workspace_expires_idx" on "campaign_drafts" ("workspace_id", "expires_at");`);

    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_campaign_id_foreign" foreign key ("campaign_id") references "campaigns" ("id") on delete cascade;`);
    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "campaign_drafts" cascade;`);
  }

}
