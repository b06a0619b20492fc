import { Migration } from '@mikro-orm/migrations';

export class Migration20261206044808 extends Migration {

  override name = 'Migration20261206044808';

  override up(): void | Promise<void> {
    this.addSql(`create table "provider_status_events" ("id" bigint generated always as identity not null primary key, "provider_sid" text not null, "status" text not null, "rank" smallint null, "error_code" text null, "params" jsonb not null, "message_id" uuid null, "trace_context" text null, "received_at" timestamptz not null, "available_at" timestamptz not null, "attempts" int not null default 0, "applied_at" timestamptz null, "outcome" text null);`);
    this.addSql(`create index "provider_status_events_unapplied_idx" on "provider_status_events" ("id") where applied_at is null;`);
    this.addSql(`alter table "provider_status_events" add constraint "provider_status_events_sid_status_uq" unique ("provider_sid", "status");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "provider_status_events" cascade;`);
  }

}
