import { Migration } from '@mikro-orm/migrations';

export class Migration20261206043923 extends Migration {

  override name = 'Migration20261206043923';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add "retry_since" timestamptz null, add "retry_failures" int not null default 0, add "retry_reason" text null, add "next_retry_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop column "retry_since", drop column "retry_failures", drop column "retry_reason", drop column "next_retry_at";`);
  }

}
