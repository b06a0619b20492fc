import { Migration } from '@mikro-orm/migrations';

// workspace_id joins the unique keys that can have it (docs/capacity.md, packages/db/test/unique-keys.test.ts).
// The two partial indexes of messages are rebuilt inside the release's migration transaction, which
// blocks writes to messages while they build (seconds per million INITIAL/REMINDER/HELP rows):
// migrations run all-or-nothing in one transaction, where CREATE INDEX CONCURRENTLY cannot run.

export class Migration20261206094746 extends Migration {

  override name = 'Migration20261206094746';

  override up(): void | Promise<void> {
    this.addSql(`alter table "review_clicks" drop constraint "review_clicks_patient_uq";`);
    this.addSql(`alter table "review_clicks" add constraint "review_clicks_patient_uq" unique ("workspace_id", "patient_id");`);

    this.addSql(`drop index "messages_once_per_patient_uq";`);
    this.addSql(`drop index "messages_one_followup_uq";`);
    this.addSql(`create unique index "messages_once_per_patient_uq" on "messages" ("workspace_id", "patient_id", "type") where type in ('INITIAL', 'REMINDER', 'HELP');`);
    this.addSql(`create unique index "messages_one_followup_uq" on "messages" ("workspace_id", "patient_id") where type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY');`);

    this.addSql(`alter table "campaign_drafts" drop constraint "campaign_drafts_campaign_unique";`);
    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_campaign_unique" unique ("workspace_id", "campaign_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "campaign_drafts" drop constraint "campaign_drafts_campaign_unique";`);
    this.addSql(`alter table "campaign_drafts" add constraint "campaign_drafts_campaign_unique" unique ("campaign_id");`);

    this.addSql(`drop index "messages_once_per_patient_uq";`);
    this.addSql(`drop index "messages_one_followup_uq";`);
    this.addSql(`create unique index "messages_once_per_patient_uq" on "messages" ("patient_id", "type") where type in ('INITIAL', 'REMINDER', 'HELP');`);
    this.addSql(`create unique index "messages_one_followup_uq" on "messages" ("patient_id") where type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY');`);

    this.addSql(`alter table "review_clicks" drop constraint "review_clicks_patient_uq";`);
    this.addSql(`alter table "review_clicks" add constraint "review_clicks_patient_uq" unique ("patient_id");`);
  }

}
