import { Migration } from '@mikro-orm/migrations';

export class Migration20261206124413 extends Migration {

  override name = 'Migration20261206124413';

  override up(): void | Promise<void> {
    this.addSql(`create table "web_widgets" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "public_key" text not null, "allowed_origins" jsonb not null default '[]', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "web_widgets" add constraint "web_widgets_public_key_unique" unique ("public_key");`);
    this.addSql(`alter table "web_widgets" add constraint "web_widgets_workspace_uq" unique ("workspace_id");`);

    this.addSql(`create table "widget_visitors" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "widget_id" uuid not null, "token_hash" text not null, "contact_id" uuid not null, "conversation_id" uuid null, "name" text null, "language" text not null default 'es', "phone" text null, "phone_confirmed_at" timestamptz null, "code_hash" text null, "code_expires_at" timestamptz null, "code_attempts" smallint not null default 0, "code_message_id" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "widget_visitors_conversation_idx" on "widget_visitors" ("conversation_id") where conversation_id is not null;`);

    this.addSql(`alter table "contacts" alter column "phone" drop not null;`);

    this.addSql(`alter table "conversations" drop constraint "conversations_channel_check";`);
    this.addSql(`alter table "conversations" add constraint "conversations_channel_check" check ("channel" in ('SMS', 'WHATSAPP', 'WEB'));`);

    this.addSql(`alter table "messages" drop constraint "messages_channel_check";`);
    this.addSql(`alter table "messages" add constraint "messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP', 'WEB'));`);

    this.addSql(`alter table "inbound_messages" drop constraint "inbound_messages_channel_check";`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP', 'WEB'));`);

    this.addSql(`alter table "web_widgets" add constraint "web_widgets_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_widget_id_foreign" foreign key ("widget_id") references "web_widgets" ("id") on delete cascade;`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete set null;`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_code_message_id_foreign" foreign key ("code_message_id") references "messages" ("id") on delete set null;`);
    this.addSql(`alter table "widget_visitors" add constraint "widget_visitors_phone_check" check (phone ~ '^\\+[1-9][0-9]{6,14}\$');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "widget_visitors" drop constraint "widget_visitors_widget_id_foreign";`);

    this.addSql(`drop table if exists "web_widgets" cascade;`);
    this.addSql(`drop table if exists "widget_visitors" cascade;`);

    this.addSql(`alter table "contacts" alter column "phone" set not null;`);

    this.addSql(`alter table "conversations" drop constraint "conversations_channel_check";`);
    this.addSql(`alter table "conversations" add constraint "conversations_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);

    this.addSql(`alter table "inbound_messages" drop constraint "inbound_messages_channel_check";`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);

    this.addSql(`alter table "messages" drop constraint "messages_channel_check";`);
    this.addSql(`alter table "messages" add constraint "messages_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
  }

}
