import { Migration } from '@mikro-orm/migrations';

export class Migration20261206182533 extends Migration {

  override name = 'Migration20261206182533';

  override up(): void | Promise<void> {
    // The new key first, so the once-per-patient guarantee holds throughout (decision 042).
    this.addSql(`create unique index "messages_patient_once_uq" on "messages" ("patient_id", (case when type in ('INITIAL', 'REMINDER', 'HELP') then type when type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY') then 'FOLLOWUP' end), "workspace_id");`);
    this.addSql(`drop index "messages_once_per_patient_uq";`);
    this.addSql(`drop index "messages_one_followup_uq";`);
    this.addSql(`drop index "messages_patient_type_idx";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create unique index "messages_once_per_patient_uq" on "messages" ("workspace_id", "patient_id", "type") where type in ('INITIAL', 'REMINDER', 'HELP');`);
    this.addSql(`create unique index "messages_one_followup_uq" on "messages" ("workspace_id", "patient_id") where type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY');`);
    this.addSql(`create index "messages_patient_type_idx" on "messages" ("patient_id", "type");`);
    this.addSql(`drop index "messages_patient_once_uq";`);
  }

}
