import { Migration } from '@mikro-orm/migrations';

export class Migration20261206072607 extends Migration {

  override name = 'Migration20261206072607';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspaces" add "default_language" text not null default 'es';`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_default_language_check" check (default_language in ('es', 'en'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "workspaces" drop constraint "workspaces_default_language_check";`);
    this.addSql(`alter table "workspaces" drop column "default_language";`);
  }

}
