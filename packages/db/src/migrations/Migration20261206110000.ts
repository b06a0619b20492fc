import { Migration } from '@mikro-orm/migrations';

// Two migrations of the same day each rewrote the message type check with their own new type
// (VERIFICATION; STAFF_REPLY and STAFF_REPLY_NOTICE), the later one dropping the other's: this one
// allows every type the entity names. NOT VALID, then validated, so writes are not blocked while the
// existing rows are checked.
export class Migration20261206110000 extends Migration {

  override name = 'Migration20261206110000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION', 'STAFF_REPLY', 'STAFF_REPLY_NOTICE')) not valid;`);
    this.addSql(`alter table "messages" validate constraint "messages_type_check";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_type_check";`);
    this.addSql(`alter table "messages" add constraint "messages_type_check" check ("type" in ('INITIAL', 'REMINDER', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION'));`);
  }

}
