import { Migration } from '@mikro-orm/migrations';

export class Migration20261123121416 extends Migration {

  override name = 'Migration20261123121416';

  override up(): void | Promise<void> {
    this.addSql(`create table "invitations" ("id" uuid not null default gen_random_uuid(), "workspace_id" uuid not null, "email" text not null, "role" text not null, "token_hash" text not null, "expires_at" timestamptz not null, "invited_by_id" uuid null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "invitations_workspace_id_index" on "invitations" ("workspace_id");`);
    this.addSql(`alter table "invitations" add constraint "invitations_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "invitations" add constraint "invitations_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "invitations" add constraint "invitations_invited_by_id_foreign" foreign key ("invited_by_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "invitations" add constraint "invitations_email_check" check (email = lower(email));`);
    this.addSql(`alter table "invitations" add constraint "invitations_role_check" check ("role" in ('OWNER', 'DOCTOR', 'RECEPTIONIST'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "invitations" cascade;`);
  }

}
