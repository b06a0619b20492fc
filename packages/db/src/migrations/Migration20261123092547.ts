import { Migration } from '@mikro-orm/migrations';

export class Migration20261123092547 extends Migration {

  override name = 'Migration20261123092547';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add "content_variables" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop column "content_variables";`);
  }

}
