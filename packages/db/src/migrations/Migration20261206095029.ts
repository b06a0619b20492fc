import { Migration } from '@mikro-orm/migrations';

export class Migration20261206095029 extends Migration {

  override name = 'Migration20261206095029';

  override up(): void | Promise<void> {
    this.addSql(`alter table "campaign_drafts" add "confirm_requested_at" timestamptz null, add "confirm_requested_by" uuid null, add "confirm_ip" text null, add "confirm_attestation" text null, add "confirm_stage" text null, add "confirm_done" int not null default 0, add "confirm_error" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "campaign_drafts" drop column "confirm_requested_at", drop column "confirm_requested_by", drop column "confirm_ip", drop column "confirm_attestation", drop column "confirm_stage", drop column "confirm_done", drop column "confirm_error";`);
  }

}
