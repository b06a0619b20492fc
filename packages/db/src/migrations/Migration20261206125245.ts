import { Migration } from '@mikro-orm/migrations';

export class Migration20261206125245 extends Migration {

  override name = 'Migration20261206125245';

  override up(): void | Promise<void> {
    // Outbox rows get a retention entry once, when finished, instead of one at insert and at every
    // state change; and the claim can no longer pick a (status, available_at) scan plus a sort.
    this.addSql(`drop index "outbox_status_available_idx";`);
    this.addSql(`create index "outbox_finished_idx" on "outbox" ("available_at") where status in ('done', 'cancelled');`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "outbox_finished_idx";`);
    this.addSql(`create index "outbox_status_available_idx" on "outbox" ("status", "available_at");`);
  }

}
