import { Migration } from '@mikro-orm/migrations';

export class Migration20261206125204 extends Migration {

  override name = 'Migration20261206125204';

  override up(): void | Promise<void> {
    this.addSql(`alter table "contacts" add "source" text null, add "lead_status" text null, add "lead_status_at" timestamptz null;`);
    this.addSql(`create index "contacts_leads_idx" on "contacts" ("workspace_id", "lead_status", "lead_status_at" desc, "id" desc) where "lead_status" is not null;`);
    this.addSql(`alter table "contacts" add constraint "contacts_source_check" check ("source" in ('IMPORT', 'API', 'STAFF', 'INBOUND', 'WIDGET'));`);
    this.addSql(`alter table "contacts" add constraint "contacts_lead_status_check" check ("lead_status" in ('NEW', 'CONTACTED', 'BOOKED', 'LOST'));`);
    // What is known of the contacts already there: a phone with no appointment that has a thread wrote
    // first to an own sender (a lead, new); the others came the way their first consent was recorded.
    this.addSql(`update "contacts" c set "source" = 'INBOUND', "lead_status" = 'NEW', "lead_status_at" = c."created_at"
      where not exists (select 1 from "patients" p where p."contact_id" = c."id") and exists (select 1 from "conversations" cv where cv."contact_id" = c."id");`);
    this.addSql(`update "contacts" set "source" = case coalesce("sms_consent_source", "whatsapp_consent_source") when 'CSV_IMPORT' then 'IMPORT' when 'API' then 'API' when 'STAFF' then 'STAFF' end
      where "source" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "contacts_leads_idx";`);
    this.addSql(`alter table "contacts" drop constraint "contacts_source_check";`);
    this.addSql(`alter table "contacts" drop constraint "contacts_lead_status_check";`);
    this.addSql(`alter table "contacts" drop column "source", drop column "lead_status", drop column "lead_status_at";`);
  }

}
