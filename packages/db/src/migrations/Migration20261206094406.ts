import { Migration } from '@mikro-orm/migrations';

export class Migration20261206094406 extends Migration {

  override name = 'Migration20261206094406';

  override up(): void | Promise<void> {
    // Trigram indexes for the contacts search (a trusted extension: the database owner may create it).
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create table "labels" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "name" text not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create unique index "labels_workspace_name_uq" on "labels" ("workspace_id", lower("name"));`);

    this.addSql(`create table "contact_notes" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "contact_id" uuid not null, "author_id" uuid null, "body" text not null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "contact_notes_contact_idx" on "contact_notes" ("workspace_id", "contact_id", "created_at");`);

    this.addSql(`create table "contact_labels" ("contact_id" uuid not null, "label_id" uuid not null, "workspace_id" uuid not null, "assigned_by_id" uuid null, "created_at" timestamptz not null default now(), primary key ("contact_id", "label_id"));`);
    this.addSql(`create index "contact_labels_label_idx" on "contact_labels" ("workspace_id", "label_id", "contact_id");`);

    this.addSql(`alter table "contacts" add "last_contact_at" timestamptz null;`);
    // Last contact of the contacts already there: their last message handed to the provider, or their last reply.
    this.addSql(`update "contacts" c set "last_contact_at" = x.at from (select p.contact_id, max(coalesce(m.sent_at, m.send_attempted_at)) as at from "messages" m join "patients" p on p.id = m.patient_id where m.send_attempted_at is not null or m.sent_at is not null group by p.contact_id) x where x.contact_id = c.id;`);
    this.addSql(`update "contacts" set "last_contact_at" = greatest("last_contact_at", (select max(v.value::timestamptz) from jsonb_each_text("last_inbound_at") v)) where "last_inbound_at" <> '{}'::jsonb;`);
    this.addSql(`create index "contacts_activity_idx" on "contacts" ("workspace_id", (coalesce("last_contact_at", "created_at")) desc, "id" desc);`);
    this.addSql(`create index "contacts_phone_trgm_idx" on "contacts" using gin ("phone" gin_trgm_ops);`);

    this.addSql(`create index "patients_name_trgm_idx" on "patients" using gin ("name" gin_trgm_ops);`);

    this.addSql(`alter table "labels" add constraint "labels_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "labels" add constraint "labels_name_check" check ((char_length(name) >= 1) AND (char_length(name) <= 40));`);

    this.addSql(`alter table "contact_notes" add constraint "contact_notes_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_notes" add constraint "contact_notes_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_notes" add constraint "contact_notes_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "contact_notes" add constraint "contact_notes_body_check" check ((char_length(body) >= 1) AND (char_length(body) <= 2000));`);

    this.addSql(`alter table "contact_labels" add constraint "contact_labels_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_labels" add constraint "contact_labels_label_id_foreign" foreign key ("label_id") references "labels" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "contact_labels" add constraint "contact_labels_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "contact_labels" add constraint "contact_labels_assigned_by_id_foreign" foreign key ("assigned_by_id") references "users" ("id") on delete set null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "contact_labels" drop constraint "contact_labels_label_id_foreign";`);

    this.addSql(`drop table if exists "labels" cascade;`);
    this.addSql(`drop table if exists "contact_notes" cascade;`);
    this.addSql(`drop table if exists "contact_labels" cascade;`);

    this.addSql(`drop index "contacts_activity_idx";`);
    this.addSql(`drop index "contacts_phone_trgm_idx";`);
    this.addSql(`alter table "contacts" drop column "last_contact_at";`);

    this.addSql(`drop index "patients_name_trgm_idx";`);
  }

}
