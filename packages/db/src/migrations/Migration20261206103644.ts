import { Migration } from '@mikro-orm/migrations';

export class Migration20261206103644 extends Migration {

  override name = 'Migration20261206103644';

  override up(): void | Promise<void> {
    this.addSql(`alter table "workspaces" add "ai_drafts_per_day" int not null default 20;`);
    this.addSql(`alter table "workspaces" add constraint "workspaces_ai_drafts_per_day_check" check (ai_drafts_per_day >= 0);`);

    this.addSql(`alter table "whatsapp_templates" drop constraint "whatsapp_templates_type_check";`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION', 'BROADCAST'));`);

    this.addSql(`alter table "templates" drop constraint "templates_type_check";`);
    this.addSql(`alter table "templates" add constraint "templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION', 'BROADCAST'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "templates" drop constraint "templates_type_check";`);
    this.addSql(`alter table "templates" add constraint "templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION'));`);

    this.addSql(`alter table "whatsapp_templates" drop constraint "whatsapp_templates_type_check";`);
    this.addSql(`alter table "whatsapp_templates" add constraint "whatsapp_templates_type_check" check ("type" in ('INITIAL', 'FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY', 'REMINDER', 'HELP', 'OPT_OUT_CONFIRMATION'));`);

    this.addSql(`alter table "workspaces" drop constraint "workspaces_ai_drafts_per_day_check";`);
    this.addSql(`alter table "workspaces" drop column "ai_drafts_per_day";`);
  }

}
