import { Migration } from '@mikro-orm/migrations';

export class Migration20261206083638 extends Migration {

  override name = 'Migration20261206083638';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspaces" add "extra_destination_countries" jsonb not null default '[]';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workspaces" drop column "extra_destination_countries";`);
  }

}
