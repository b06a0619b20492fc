import { Migration } from '@mikro-orm/migrations';

export class Migration20261202131915 extends Migration {

  override name = 'Migration20261202131915';

  override up(): void | Promise<void> {
    this.addSql(`create table "analytics_daily" ("workspace_id" uuid not null, "campaign_id" uuid not null, "day" date not null, "kind" text not null, "status" text not null, "rating" smallint not null, "followup" boolean not null, "clicked" boolean not null, "n" bigint not null default '0', primary key ("workspace_id", "campaign_id", "day", "kind", "status", "rating", "followup", "clicked"));`);

    this.addSql(`create table "analytics_deltas" ("id" bigint generated always as identity not null primary key, "workspace_id" uuid not null, "campaign_id" uuid not null, "kind" text not null, "at" timestamptz not null, "status" text not null default '', "rating" smallint not null default 0, "followup" boolean not null default false, "clicked" boolean not null default false, "n" smallint not null);`);
    this.addSql(`create index "analytics_deltas_campaign_idx" on "analytics_deltas" ("workspace_id", "campaign_id");`);

    this.addSql(`create table "analytics_rollups" ("workspace_id" uuid not null, "timezone" text not null, "built_at" timestamptz not null, "folded_at" timestamptz not null, primary key ("workspace_id"));`);

    this.addSql(`create or replace function "patients_patients_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op = 'UPDATE' then
  if old.rating is not distinct from new.rating and old.rated_at is not distinct from new.rated_at and old.campaign_id = new.campaign_id
     and old.workspace_id = new.workspace_id and (old.follow_up_sent_at is null) = (new.follow_up_sent_at is null) then
    return null;   end if;   if old.rating is not null and old.rated_at is not null then
    insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
      exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1);   end if; end if; if new.rating is not null and new.rated_at is not null then
  insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (new.workspace_id, new.campaign_id, 'rating', new.rated_at, '', new.rating, new.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = new.id), 1); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "patients_analytics_facts" AFTER INSERT OR UPDATE on "patients" for each ROW execute function "patients_patients_analytics_facts_fn"();`);
    this.addSql(`create or replace function "patients_patients_analytics_facts_delete_fn"() returns trigger as \$\$ begin if old.rating is not null and old.rated_at is not null then
  insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1); end if; return old; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "patients_analytics_facts_delete" BEFORE DELETE on "patients" for each ROW execute function "patients_patients_analytics_facts_delete_fn"();`);

    this.addSql(`create or replace function "review_clicks_review_clicks_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op = 'INSERT' then
  perform 1 from patients p where p.id = new.patient_id for no key update;   insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n)
  select p.workspace_id, p.campaign_id, 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (false, -1), (true, 1)) as x (clicked, n)
  where p.id = new.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = new.patient_id and rc.id <> new.id); else
  perform 1 from patients p where p.id = old.patient_id for no key update;   insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n)
  select p.workspace_id, p.campaign_id, 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (true, -1), (false, 1)) as x (clicked, n)
  where p.id = old.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = old.patient_id); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "review_clicks_analytics_facts" AFTER INSERT OR DELETE on "review_clicks" for each ROW execute function "review_clicks_review_clicks_analytics_facts_fn"();`);

    this.addSql(`create or replace function "messages_messages_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op <> 'INSERT' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null then
    if tg_op = 'UPDATE' then
      if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not distinct from old.campaign_id and new.workspace_id = old.workspace_id
         and new.status = old.status and coalesce(new.sent_at, new.send_attempted_at) is not distinct from coalesce(old.sent_at, old.send_attempted_at) then
        return null;       end if;     end if;     insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, 'request', coalesce(old.sent_at, old.send_attempted_at), old.status, 0, false, false, -1);   end if; end if; if tg_op <> 'DELETE' then
  if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not null and coalesce(new.sent_at, new.send_attempted_at) is not null then
    insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (new.workspace_id, new.campaign_id, 'request', coalesce(new.sent_at, new.send_attempted_at), new.status, 0, false, false, 1);   end if; end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "messages_analytics_facts" AFTER INSERT OR UPDATE OR DELETE on "messages" for each ROW execute function "messages_messages_analytics_facts_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "analytics_daily" cascade;`);
    this.addSql(`drop table if exists "analytics_deltas" cascade;`);
    this.addSql(`drop table if exists "analytics_rollups" cascade;`);

    this.addSql(`drop trigger if exists "messages_analytics_facts" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_fn"();`);

    this.addSql(`drop trigger if exists "patients_analytics_facts" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_fn"();`);
    this.addSql(`drop trigger if exists "patients_analytics_facts_delete" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_delete_fn"();`);

    this.addSql(`drop trigger if exists "review_clicks_analytics_facts" on "review_clicks";`);
    this.addSql(`drop function if exists "review_clicks_review_clicks_analytics_facts_fn"();`);
  }

}
