import { Migration } from '@mikro-orm/migrations';

export class Migration20261206094337 extends Migration {

  override name = 'Migration20261206094337';

  override up(): void | Promise<void> {
    this.addSql(`create table "canned_replies" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "title" text not null, "body" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "canned_replies" add constraint "canned_replies_workspace_title_uq" unique ("workspace_id", "title");`);

    this.addSql(`create table "conversations" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "contact_id" uuid not null, "patient_id" uuid null, "channel" text not null, "sender_address" text not null, "contact_address" text not null, "status" text not null default 'OPEN', "assignee_id" uuid null, "last_inbound_at" timestamptz null, "last_outbound_at" timestamptz null, "last_message_at" timestamptz not null, "waiting_since" timestamptz null, "pending_reply_text" text null, "pending_reply_by_id" uuid null, "pending_reply_at" timestamptz null, "pending_reply_expires_at" timestamptz null, "pending_reply_lapsed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "conversations_list_idx" on "conversations" ("workspace_id", "status", "last_message_at" DESC, "id");`);
    this.addSql(`create index "conversations_assignee_idx" on "conversations" ("workspace_id", "assignee_id", "last_message_at" DESC);`);
    this.addSql(`create index "conversations_waiting_idx" on "conversations" ("workspace_id", "waiting_since") where status = 'OPEN' and waiting_since is not null;`);
    this.addSql(`create index "conversations_patient_idx" on "conversations" ("patient_id");`);
    this.addSql(`alter table "conversations" add constraint "conversations_contact_sender_uq" unique ("workspace_id", "contact_id", "sender_address");`);

    this.addSql(`create table "conversation_reads" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "conversation_id" uuid not null, "user_id" uuid not null, "read_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_conversation_user_uq" unique ("conversation_id", "user_id");`);

    this.addSql(`create table "conversation_notes" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "conversation_id" uuid not null, "author_id" uuid null, "body" text not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "conversation_notes_conversation_idx" on "conversation_notes" ("conversation_id", "created_at");`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add "conversation_id" uuid null, add "author_id" uuid null;`);
    this.addSql(`alter table "messages" add constraint "messages_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete set null not valid;`);
    this.addSql(`alter table "messages" add constraint "messages_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete set null not valid;`);
    this.addSql(`create index "messages_conversation_idx" on "messages" ("conversation_id", "created_at") where conversation_id is not null;`);
    // Added NOT VALID, then validated: the validation scans messages without blocking writes.
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);
    this.addSql(`alter table "messages" validate constraint "messages_conversation_id_foreign";`);
    this.addSql(`alter table "messages" validate constraint "messages_author_id_foreign";`);

    this.addSql(`alter table "inbound_messages" add "conversation_id" uuid null;`);
    this.addSql(`alter table "inbound_messages" add constraint "inbound_messages_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete set null;`);
    this.addSql(`create index "inbound_messages_conversation_idx" on "inbound_messages" ("conversation_id", "received_at") where conversation_id is not null;`);

    this.addSql(`alter table "feedback" add "conversation_id" uuid null;`);
    this.addSql(`alter table "feedback" add constraint "feedback_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete set null;`);
    this.addSql(`create index "feedback_conversation_id_index" on "feedback" ("conversation_id");`);

    this.addSql(`alter table "canned_replies" add constraint "canned_replies_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);

    this.addSql(`alter table "conversations" add constraint "conversations_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "conversations" add constraint "conversations_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "conversations" add constraint "conversations_patient_id_foreign" foreign key ("patient_id") references "patients" ("id") on delete set null;`);
    this.addSql(`alter table "conversations" add constraint "conversations_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "conversations" add constraint "conversations_pending_reply_by_id_foreign" foreign key ("pending_reply_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "conversations" add constraint "conversations_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
    this.addSql(`alter table "conversations" add constraint "conversations_status_check" check ("status" in ('OPEN', 'SNOOZED', 'CLOSED'));`);

    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_reads" add constraint "conversation_reads_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "conversation_notes" add constraint "conversation_notes_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_notes" add constraint "conversation_notes_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on delete cascade;`);
    this.addSql(`alter table "conversation_notes" add constraint "conversation_notes_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete set null;`);

    // Every routed inbound message already stored lands in its thread; feedback items follow theirs.
    this.addSql(`insert into "conversations" ("workspace_id", "contact_id", "patient_id", "channel", "sender_address", "contact_address", "status", "last_inbound_at", "last_message_at", "waiting_since")
      select distinct on (i.workspace_id, c.id, i.to_address) i.workspace_id, c.id, i.patient_id, i.channel, i.to_address, i.from_address, 'OPEN',
             max(i.received_at) over w, max(i.received_at) over w, null
        from "inbound_messages" i
        join "contacts" c on c.workspace_id = i.workspace_id and c.phone = regexp_replace(i.from_address, '^whatsapp:', '')
       where i.workspace_id is not null
      window w as (partition by i.workspace_id, c.id, i.to_address)
       order by i.workspace_id, c.id, i.to_address, i.received_at desc
      on conflict do nothing;`);
    this.addSql(`update "inbound_messages" i set "conversation_id" = cv.id
        from "conversations" cv
       where cv.workspace_id = i.workspace_id and cv.sender_address = i.to_address and cv.contact_address = i.from_address;`);
    this.addSql(`update "feedback" f set "conversation_id" = i.conversation_id from "inbound_messages" i where i.id = f.inbound_message_id;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "conversation_reads" drop constraint "conversation_reads_conversation_id_foreign";`);
    this.addSql(`alter table "conversation_notes" drop constraint "conversation_notes_conversation_id_foreign";`);
    this.addSql(`alter table "messages" drop constraint "messages_conversation_id_foreign";`);
    this.addSql(`alter table "inbound_messages" drop constraint "inbound_messages_conversation_id_foreign";`);
    this.addSql(`alter table "feedback" drop constraint "feedback_conversation_id_foreign";`);

    this.addSql(`drop table if exists "canned_replies" cascade;`);
    this.addSql(`drop table if exists "conversations" cascade;`);
    this.addSql(`drop table if exists "conversation_reads" cascade;`);
    this.addSql(`drop table if exists "conversation_notes" cascade;`);

    this.addSql(`alter table "messages" drop constraint "messages_author_id_foreign";`);

    this.addSql(`drop index "feedback_conversation_id_index";`);
    this.addSql(`alter table "feedback" drop column "conversation_id";`);

    this.addSql(`drop index "inbound_messages_conversation_idx";`);
    this.addSql(`alter table "inbound_messages" drop column "conversation_id";`);

    this.addSql(`drop index "messages_conversation_idx";`);
    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" drop column "conversation_id", drop column "author_id";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT'));`);
  }

}
