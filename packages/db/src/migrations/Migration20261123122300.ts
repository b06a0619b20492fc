import { Migration } from '@mikro-orm/migrations';

export class Migration20261123122300 extends Migration {

  override name = 'Migration20261123122300';

  override up(): void | Promise<void> {
    this.addSql(`create index "credit_ledger_history_idx" on "credit_ledger_entries" ("workspace_id", "created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "credit_ledger_history_idx";`);
  }

}
