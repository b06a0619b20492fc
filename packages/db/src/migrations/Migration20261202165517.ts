import { Migration } from '@mikro-orm/migrations';

export class Migration20261202165517 extends Migration {

  override name = 'Migration20261202165517';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "outbox_notify" on "outbox";`);
    this.addSql(`drop function if exists "outbox_outbox_notify_fn"();`);
    this.addSql(`create or replace function "outbox_outbox_notify_fn"() returns trigger as \$\$ begin if current_setting('rm.outbox_notify', true) is distinct from 'off' then perform pg_notify('outbox', ''); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "outbox_notify" AFTER INSERT on "outbox" for each STATEMENT execute function "outbox_outbox_notify_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "outbox_notify" on "outbox";`);
    this.addSql(`drop function if exists "outbox_outbox_notify_fn"();`);
    this.addSql(`create or replace function "outbox_outbox_notify_fn"() returns trigger as \$\$ begin perform pg_notify('outbox', ''); return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "outbox_notify" AFTER INSERT on "outbox" for each STATEMENT execute function "outbox_outbox_notify_fn"();`);
  }

}
