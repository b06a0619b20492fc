import { Migration } from '@mikro-orm/migrations';

export class Migration20261202140336 extends Migration {

  override name = 'Migration20261202140336';

  override up(): void | Promise<void> {
    this.addSql(`create index "patients_campaign_appointment_idx" on "patients" ("workspace_id", "campaign_id", "appointment_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "patients_campaign_appointment_idx";`);
  }

}
