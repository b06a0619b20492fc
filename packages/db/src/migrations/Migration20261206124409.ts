import { Migration } from '@mikro-orm/migrations';

// The assistant in conversations (SPEC §16): the workspace's switches, the thread's switch, away time,
// urgent and hand-off marks, and the bot's message types (NOT VALID, then validated, so writes are not
// blocked while existing rows are checked).

export class Migration20261206124409 extends Migration {

  override name = 'Migration20261206124409';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspaces" add "auto_answers_enabled" boolean not null default true, add "ai_assistant_enabled_at" timestamptz null, add "ai_assistant_enabled_by" uuid null;`);

    this.addSql(`alter table "conversations" add "bot_off_at" timestamptz null, add "bot_off_by_id" uuid null, add "last_away_at" timestamptz null, add "urgent_at" timestamptz null, add "handoff_at" timestamptz null;`);
    this.addSql(`alter table "conversations" add constraint "conversations_bot_off_by_id_foreign" foreign key ("bot_off_by_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE', 'BOT_ANSWER', 'BOT_AI_ANSWER', 'BOT_AWAY', 'BOT_HANDOFF')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "conversations" drop constraint "conversations_bot_off_by_id_foreign";`);

    this.addSql(`alter table "conversations" drop column "bot_off_at", drop column "bot_off_by_id", drop column "last_away_at", drop column "urgent_at", drop column "handoff_at";`);

    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE'));`);

    this.addSql(`alter table "workspaces" drop column "auto_answers_enabled", drop column "ai_assistant_enabled_at", drop column "ai_assistant_enabled_by";`);
  }

}
