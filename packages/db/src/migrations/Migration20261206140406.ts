import { Migration } from '@mikro-orm/migrations';

export class Migration20261206140406 extends Migration {

  override name = 'Migration20261206140406';

  override up(): void | Promise<void> {
    this.addSql(`create index "feedback_threadless_idx" on "feedback" ("workspace_id", "created_at" desc, "id" desc) where "conversation_id" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "feedback_threadless_idx";`);
  }

}
