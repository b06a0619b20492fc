import { Migration } from '@mikro-orm/migrations';

export class Migration20261206104539 extends Migration {

  override name = 'Migration20261206104539';

  override up(): void | Promise<void> {
    this.addSql(`alter table "conversations" add "unanswered_alert_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "conversations" drop column "unanswered_alert_at";`);
  }

}
