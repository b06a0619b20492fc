import { Migration } from '@mikro-orm/migrations';

export class Migration20261123131500 extends Migration {

  override name = 'Migration20261123131500';

  override up(): void | Promise<void> {
    this.addSql(`create index "patients_ratings_idx" on "patients" ("workspace_id", "rated_at") include ("id", "campaign_id", "rating", "follow_up_sent_at") where rating is not null;`);

    this.addSql(`create index "messages_requests_idx" on "messages" ("workspace_id", (coalesce("sent_at", "send_attempted_at"))) include ("sent_at", "send_attempted_at", "campaign_id", "status") where type = 'INITIAL' and provider_sid is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "messages_requests_idx";`);

    this.addSql(`drop index "patients_ratings_idx";`);
  }

}
