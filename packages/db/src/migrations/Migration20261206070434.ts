import { Migration } from '@mikro-orm/migrations';

export class Migration20261206070434 extends Migration {

  override name = 'Migration20261206070434';

  override up(): void | Promise<void> {
    this.addSql(`alter table "patients" add "doctor_id" uuid null;`);
    this.addSql(`alter table "patients" add constraint "patients_doctor_id_foreign" foreign key ("doctor_id") references "users" ("id") on delete set null;`);
    this.addSql(`create index "patients_workspace_doctor_idx" on "patients" ("workspace_id", "doctor_id");`);
    // Appointments imported before had the campaign's doctor: that stays their doctor.
    this.addSql(`update "patients" p set "doctor_id" = c."assigned_doctor_id" from "campaigns" c where c."id" = p."campaign_id" and c."assigned_doctor_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "patients" drop constraint "patients_doctor_id_foreign";`);

    this.addSql(`drop index "patients_workspace_doctor_idx";`);
    this.addSql(`alter table "patients" drop column "doctor_id";`);
  }

}
