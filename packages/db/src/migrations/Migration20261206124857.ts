import { Migration } from '@mikro-orm/migrations';

export class Migration20261206124857 extends Migration {

  override name = 'Migration20261206124857';

  override up(): void | Promise<void> {
    // One index entry less per imported patient each: a phone's appointments are found through its
    // contact, and the ratings index holds rated patients only (none at import).
    this.addSql(`drop index "patients_workspace_phone_idx";`);
    this.addSql(`drop index "patients_analytics_idx";`);
    this.addSql(`create index "patients_analytics_idx" on "patients" ("workspace_id", "campaign_id", "rated_at") include ("id", "rating", "follow_up_sent_at") where rating is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create index "patients_workspace_phone_idx" on "patients" ("workspace_id", "phone");`);
    this.addSql(`drop index "patients_analytics_idx";`);
    this.addSql(`create index "patients_analytics_idx" on "patients" ("workspace_id", "campaign_id", "rated_at") include ("id", "rating", "follow_up_sent_at");`);
  }

}
