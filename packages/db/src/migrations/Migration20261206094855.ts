import { Migration } from '@mikro-orm/migrations';

export class Migration20261206094855 extends Migration {

  override name = 'Migration20261206094855';

  override up(): void | Promise<void> {
    this.addSql(`create table "practice_knowledge" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "practice_id" uuid not null, "data" jsonb not null, "version" int not null default 1, "updated_by" uuid null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "practice_knowledge_workspace_id_index" on "practice_knowledge" ("workspace_id");`);
    this.addSql(`alter table "practice_knowledge" add constraint "practice_knowledge_practice_id_unique" unique ("practice_id");`);

    this.addSql(`alter table "practice_knowledge" add constraint "practice_knowledge_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "practice_knowledge" add constraint "practice_knowledge_practice_id_foreign" foreign key ("practice_id") references "practices" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "practice_knowledge" cascade;`);
  }

}
