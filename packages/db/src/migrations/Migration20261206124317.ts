import { Migration } from '@mikro-orm/migrations';

export class Migration20261206124317 extends Migration {

  override name = 'Migration20261206124317';

  override up(): void | Promise<void> {
    this.addSql(`alter table "templates" add "objective" text null, add "category" text not null default 'MARKETING', add "for_whatsapp" boolean not null default true, add "usage_count" int not null default 0, add "last_used_at" timestamptz null, add "archived_at" timestamptz null;`);
    this.addSql(`alter table "templates" add constraint "templates_category_check" check (category in ('MARKETING', 'UTILITY'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "templates" drop constraint "templates_category_check";`);
    this.addSql(`alter table "templates" drop column "objective", drop column "category", drop column "for_whatsapp", drop column "usage_count", drop column "last_used_at", drop column "archived_at";`);
  }

}
