import { Migration } from '@mikro-orm/migrations';

export class Migration20261123132654 extends Migration {

  override name = 'Migration20261123132654';

  override up(): void | Promise<void> {
    this.addSql(`drop index "patients_campaign_ratings_idx";`);
    this.addSql(`create index "patients_analytics_idx" on "patients" ("workspace_id", "campaign_id", "rated_at") include ("id", "rating", "follow_up_sent_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "patients_analytics_idx";`);
    this.addSql(`create index "patients_campaign_ratings_idx" on "patients" ("workspace_id", "campaign_id", "rated_at") include ("id", "rating", "follow_up_sent_at") where rating is not null;`);
  }

}
