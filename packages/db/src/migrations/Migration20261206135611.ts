import { Migration } from '@mikro-orm/migrations';

export class Migration20261206135611 extends Migration {

  override name = 'Migration20261206135611';

  override up(): void | Promise<void> {
    this.addSql(`alter table "web_widgets" add "practice_id" uuid null;`);
    this.addSql(`alter table "web_widgets" add constraint "web_widgets_practice_id_foreign" foreign key ("practice_id") references "practices" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "web_widgets" drop constraint "web_widgets_practice_id_foreign";`);

    this.addSql(`alter table "web_widgets" drop column "practice_id";`);
  }

}
