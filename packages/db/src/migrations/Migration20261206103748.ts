import { Migration } from '@mikro-orm/migrations';

export class Migration20261206103748 extends Migration {

  override name = 'Migration20261206103748';

  override up(): void | Promise<void> {
    this.addSql(`alter table "practice_knowledge" drop constraint "practice_knowledge_practice_id_unique";`);
    this.addSql(`drop index "practice_knowledge_workspace_id_index";`);
    this.addSql(`alter table "practice_knowledge" add constraint "practice_knowledge_practice_uq" unique ("workspace_id", "practice_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "practice_knowledge" drop constraint "practice_knowledge_practice_uq";`);
    this.addSql(`alter table "practice_knowledge" add constraint "practice_knowledge_practice_id_unique" unique ("practice_id");`);
    this.addSql(`create index "practice_knowledge_workspace_id_index" on "practice_knowledge" ("workspace_id");`);
  }

}
