import { Migration } from '@mikro-orm/migrations';

export class Migration20261123092619 extends Migration {

  override name = 'Migration20261123092619';

  override up(): void | Promise<void> {
    this.addSql(`alter table "messages" add "content_variables" jsonb null;`);
    this.addSql(`alter table "messages" add "send_attempts" int not null default 0;`);
    this.addSql(`alter table "messages" add constraint "messages_send_attempts_check" check (send_attempts >= 0);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_send_attempts_check";`);
    this.addSql(`alter table "messages" drop column "send_attempts";`);
    this.addSql(`alter table "messages" drop column "content_variables";`);
  }

}
