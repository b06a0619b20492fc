import { Migration } from '@mikro-orm/migrations';

export class Migration20261206133638 extends Migration {

  override name = 'Migration20261206133638';

  override up(): void | Promise<void> {
    this.addSql(`alter table "templates" add "whatsapp_account_sid" text null, add "whatsapp_status" text null, add "whatsapp_provider_status" text null, add "whatsapp_rejection_reason" text null, add "whatsapp_submitted_at" timestamptz null, add "whatsapp_checked_at" timestamptz null, add "whatsapp_approved_at" timestamptz null;`);
    this.addSql(`create index "templates_whatsapp_pending_idx" on "templates" ("whatsapp_status", "whatsapp_checked_at") where "whatsapp_status" = 'PENDING';`);
    this.addSql(`alter table "templates" add constraint "templates_whatsapp_status_check" check ("whatsapp_status" in ('DRAFT', 'PENDING', 'APPROVED', 'REJECTED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "templates_whatsapp_pending_idx";`);
    this.addSql(`alter table "templates" drop constraint "templates_whatsapp_status_check";`);
    this.addSql(`alter table "templates" drop column "whatsapp_account_sid", drop column "whatsapp_status", drop column "whatsapp_provider_status", drop column "whatsapp_rejection_reason", drop column "whatsapp_submitted_at", drop column "whatsapp_checked_at", drop column "whatsapp_approved_at";`);
  }

}
