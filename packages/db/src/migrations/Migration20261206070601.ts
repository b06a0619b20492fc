import { Migration } from '@mikro-orm/migrations';

export class Migration20261206070601 extends Migration {

  override name = 'Migration20261206070601';

  override up(): void | Promise<void> {
    this.addSql(`alter table "contacts" add "no_whatsapp_at" timestamptz null, add "no_whatsapp_code" int null;`);

    this.addSql(`alter table "messages" add "fallback_at" timestamptz null, add "fallback_from_sid" text null, add "fallback_error_code" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "contacts" drop column "no_whatsapp_at", drop column "no_whatsapp_code";`);

    this.addSql(`alter table "messages" drop column "fallback_at", drop column "fallback_from_sid", drop column "fallback_error_code";`);
  }

}
