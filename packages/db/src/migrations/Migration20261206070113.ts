import { Migration } from '@mikro-orm/migrations';

export class Migration20261206070113 extends Migration {

  override name = 'Migration20261206070113';

  override up(): void | Promise<void> {
    this.addSql(`create table "consent_events" ("id" bigint generated always as identity not null primary key, "workspace_id" uuid not null, "contact_id" uuid not null, "channel" text not null, "purpose" text not null, "action" text not null, "source" text not null, "occurred_at" timestamptz not null, "actor_id" uuid null, "evidence" text null, "recorded_at" timestamptz not null default now());`);
    this.addSql(`create index "consent_events_contact_idx" on "consent_events" ("contact_id", "occurred_at", "id");`);

    this.addSql(`alter table "campaign_drafts" add "consent_column" boolean not null default true;`);

    this.addSql(`alter table "consent_events" add constraint "consent_events_workspace_id_foreign" foreign key ("workspace_id") references "workspaces" ("id") on delete cascade;`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_contact_id_foreign" foreign key ("contact_id") references "contacts" ("id") on delete cascade;`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_channel_check" check ("channel" in ('SMS', 'WHATSAPP'));`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_purpose_check" check ("purpose" in ('FEEDBACK_REQUESTS'));`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_action_check" check ("action" in ('GRANTED', 'WITHDRAWN'));`);
    this.addSql(`alter table "consent_events" add constraint "consent_events_source_check" check ("source" in ('IMPORT', 'FORM', 'STAFF', 'REPLY', 'API'));`);
    this.addSql(`create or replace function "consent_events_consent_events_append_only_fn"() returns trigger as \$\$ begin if (new.evidence is null or new.evidence is not distinct from old.evidence) and (new.actor_id is null or new.actor_id is not distinct from old.actor_id) and (new.id, new.workspace_id, new.contact_id, new.channel, new.purpose, new.action, new.source, new.occurred_at, new.recorded_at) is not distinct from (old.id, old.workspace_id, old.contact_id, old.channel, old.purpose, old.action, old.source, old.occurred_at, old.recorded_at) then return new; end if; raise exception 'consent_events is append-only (event %)', old.id using errcode = 'integrity_constraint_violation'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "consent_events_append_only" BEFORE UPDATE on "consent_events" for each ROW execute function "consent_events_consent_events_append_only_fn"();`);

    // Today's consent on the contacts becomes their first events, at the time the row had stored.
    this.addSql(`insert into "consent_events" ("workspace_id", "contact_id", "channel", "purpose", "action", "source", "occurred_at", "actor_id", "evidence")
      select c.workspace_id, c.id, g.channel, 'FEEDBACK_REQUESTS', 'GRANTED',
             case g.source when 'FORM' then 'FORM' when 'REPLY' then 'REPLY' when 'STAFF' then 'STAFF' else 'IMPORT' end,
             g.at, null, null
        from "contacts" c
        cross join lateral (values ('SMS', c.sms_consent_at, c.sms_consent_source), ('WHATSAPP', c.whatsapp_consent_at, c.whatsapp_consent_source)) as g(channel, at, source)
       where g.at is not null
       order by g.at, c.id, g.channel;`);
    // And opt-outs in force: by reply on its channel ("SMS:STOP"), by the carrier (21610, SMS), by staff on both.
    this.addSql(`insert into "consent_events" ("workspace_id", "contact_id", "channel", "purpose", "action", "source", "occurred_at", "actor_id", "evidence")
      select c.workspace_id, c.id, ch.channel, 'FEEDBACK_REQUESTS', 'WITHDRAWN',
             case when c.opted_out_source = 'staff' then 'STAFF' else 'REPLY' end,
             c.opted_out_at, null,
             case when c.opted_out_source like 'SMS:%' or c.opted_out_source like 'WHATSAPP:%' then split_part(c.opted_out_source, ':', 2)
                  when c.opted_out_source like 'provider:%' then c.opted_out_source end
        from "contacts" c
        cross join lateral (values ('SMS'), ('WHATSAPP')) as ch(channel)
       where c.opted_out_at is not null
         and (c.opted_out_source is null or c.opted_out_source = 'staff'
              or (ch.channel = 'SMS' and (c.opted_out_source like 'SMS:%' or c.opted_out_source like 'provider:%'))
              or (ch.channel = 'WHATSAPP' and c.opted_out_source like 'WHATSAPP:%'))
       order by c.opted_out_at, c.id, ch.channel;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "consent_events_append_only" on "consent_events";`);
    this.addSql(`drop function if exists "consent_events_consent_events_append_only_fn"();`);
    this.addSql(`drop table if exists "consent_events" cascade;`);

    this.addSql(`alter table "campaign_drafts" drop column "consent_column";`);
  }

}
