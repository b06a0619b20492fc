import { Migration } from '@mikro-orm/migrations';

/**
 * The broadcasts' BROADCAST type and the assistant's BOT_* types were each added by rewriting the same
 * check constraint from the list their branch knew; whichever ran last dropped the other's. This one
 * states the whole list (added NOT VALID, then validated: no long lock on a large table).
 */
export class Migration20261206134053 extends Migration {

  override name = 'Migration20261206134053';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE', 'BROADCAST', 'BOT_ANSWER', 'BOT_AI_ANSWER', 'BOT_AWAY', 'BOT_HANDOFF')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE', 'BOT_ANSWER', 'BOT_AI_ANSWER', 'BOT_AWAY', 'BOT_HANDOFF')) not valid;`);
  }

}
