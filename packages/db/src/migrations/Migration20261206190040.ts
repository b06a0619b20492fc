import { Migration } from '@mikro-orm/migrations';

export class Migration20261206190040 extends Migration {

  override name = 'Migration20261206190040';

  override up(): void | Promise<void> {
    // Decision 043: no index of patients holds status, so the send's update of a patient is HOT (no
    // index entry); a tenth of each page is left free for that new version. Pages written before
    // keep their packing until rewritten, so their patients mostly go on as before.
    this.addSql(`create index "patients_campaign_idx" on "patients" ("campaign_id");`);
    this.addSql(`drop index "patients_campaign_status_idx";`);
    this.addSql(`alter table "patients" set (fillfactor = 90);`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "patients" reset (fillfactor);`);
    this.addSql(`create index "patients_campaign_status_idx" on "patients" ("campaign_id", "status");`);
    this.addSql(`drop index "patients_campaign_idx";`);
  }

}
