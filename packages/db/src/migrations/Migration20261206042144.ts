import { Migration } from '@mikro-orm/migrations';

export class Migration20261206042144 extends Migration {

  override name = 'Migration20261206042144';

  override up(): void | Promise<void> {
    this.addSql(`create table "staff_sessions" ("id" text not null, "workspace_id" uuid not null, "user_id" uuid not null, "session_version" int not null, "created_at" timestamptz not null default now(), "last_seen_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "staff_sessions_workspace_id_index" on "staff_sessions" ("workspace_id");`);
    this.addSql(`create index "staff_sessions_user_id_index" on "staff_sessions" ("user_id");`);

    this.addSql(`alter table "staff_sessions" add constraint "staff_sessions_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "staff_sessions" add constraint "staff_sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "staff_sessions" cascade;`);
  }

}
