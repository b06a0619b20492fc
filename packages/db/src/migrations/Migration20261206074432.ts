import { Migration } from '@mikro-orm/migrations';

export class Migration20261206074432 extends Migration {

  override name = 'Migration20261206074432';

  override up(): void | Promise<void> {
    this.addSql(`create index "provider_status_events_message_idx" on "provider_status_events" ("message_id") where message_id is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "provider_status_events_message_idx";`);
  }

}
