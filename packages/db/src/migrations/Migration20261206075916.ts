import { Migration } from '@mikro-orm/migrations';

export class Migration20261206075916 extends Migration {

  override name = 'Migration20261206075916';

  override up(): void | Promise<void> {
    // The facts gain the appointment's doctor in their key. Existing rollups cannot say which doctor
    // each count belongs to: drop them, and the next fold (analytics.fold) rebuilds every workspace from
    // the base tables (a workspace without an analytics_rollups row is rebuilt; until then the dashboard
    // reads the live facts).
    this.addSql(`truncate table "analytics_deltas", "analytics_daily", "analytics_rollups";`);
    this.addSql(`alter table "analytics_daily" drop constraint "analytics_daily_pkey";`);
    this.addSql(`alter table "analytics_daily" add "doctor_id" uuid not null;`);
    this.addSql(`alter table "analytics_daily" add primary key ("workspace_id", "campaign_id", "doctor_id", "day", "kind", "status", "rating", "followup", "clicked");`);

    this.addSql(`alter table "analytics_deltas" add "doctor_id" uuid not null default '00000000-0000-0000-0000-000000000000';`);

    this.addSql(`drop trigger if exists "patients_analytics_facts" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_fn"();`);
    this.addSql(`drop trigger if exists "patients_analytics_facts_delete" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_delete_fn"();`);
    this.addSql(`create or replace function "patients_patients_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op = 'UPDATE' then
  if old.doctor_id is distinct from new.doctor_id then
    perform 1 from messages m where m.patient_id = new.id and m.type = 'INITIAL' for no key update;   insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)
  select m.workspace_id, m.campaign_id, coalesce(old.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'request', coalesce(m.sent_at, m.send_attempted_at), m.status, 0, false, false, -1
  from messages m
  where m.patient_id = old.id and m.type = 'INITIAL' and m.provider_sid is not null and m.campaign_id is not null
    and coalesce(m.sent_at, m.send_attempted_at) is not null;   insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)
  select m.workspace_id, m.campaign_id, coalesce(new.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'request', coalesce(m.sent_at, m.send_attempted_at), m.status, 0, false, false, 1
  from messages m
  where m.patient_id = new.id and m.type = 'INITIAL' and m.provider_sid is not null and m.campaign_id is not null
    and coalesce(m.sent_at, m.send_attempted_at) is not null;   end if;   if old.rating is not distinct from new.rating and old.rated_at is not distinct from new.rated_at and old.campaign_id = new.campaign_id
     and old.workspace_id = new.workspace_id and (old.follow_up_sent_at is null) = (new.follow_up_sent_at is null)
     and old.doctor_id is not distinct from new.doctor_id then
    return null;   end if;   if old.rating is not null and old.rated_at is not null then
    insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, coalesce(old.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
      exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1);   end if; end if; if new.rating is not null and new.rated_at is not null then
  insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n) values (new.workspace_id, new.campaign_id, coalesce(new.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'rating', new.rated_at, '', new.rating, new.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = new.id), 1); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "patients_analytics_facts" AFTER INSERT OR UPDATE on "patients" for each ROW execute function "patients_patients_analytics_facts_fn"();`);
    this.addSql(`create or replace function "patients_patients_analytics_facts_delete_fn"() returns trigger as \$\$ begin if old.rating is not null and old.rated_at is not null then
  insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, coalesce(old.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'rating', old.rated_at, '', old.rating, old.follow_up_sent_at is not null,
    exists (select 1 from review_clicks rc where rc.patient_id = old.id), -1); end if;   insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)
  select m.workspace_id, m.campaign_id, coalesce(old.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'request', coalesce(m.sent_at, m.send_attempted_at), m.status, 0, false, false, -1
  from messages m
  where m.patient_id = old.id and m.type = 'INITIAL' and m.provider_sid is not null and m.campaign_id is not null
    and coalesce(m.sent_at, m.send_attempted_at) is not null; return old; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "patients_analytics_facts_delete" BEFORE DELETE on "patients" for each ROW execute function "patients_patients_analytics_facts_delete_fn"();`);

    this.addSql(`drop trigger if exists "review_clicks_analytics_facts" on "review_clicks";`);
    this.addSql(`drop function if exists "review_clicks_review_clicks_analytics_facts_fn"();`);
    this.addSql(`create or replace function "review_clicks_review_clicks_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op = 'INSERT' then
  perform 1 from patients p where p.id = new.patient_id for no key update;   insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)
  select p.workspace_id, p.campaign_id, coalesce(p.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (false, -1), (true, 1)) as x (clicked, n)
  where p.id = new.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = new.patient_id and rc.id <> new.id); else
  perform 1 from patients p where p.id = old.patient_id for no key update;   insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n)
  select p.workspace_id, p.campaign_id, coalesce(p.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid), 'rating', p.rated_at, '', p.rating, p.follow_up_sent_at is not null, x.clicked, x.n
  from patients p cross join (values (true, -1), (false, 1)) as x (clicked, n)
  where p.id = old.patient_id and p.rating is not null and p.rated_at is not null
    and not exists (select 1 from review_clicks rc where rc.patient_id = old.patient_id); end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "review_clicks_analytics_facts" AFTER INSERT OR DELETE on "review_clicks" for each ROW execute function "review_clicks_review_clicks_analytics_facts_fn"();`);

    this.addSql(`drop trigger if exists "messages_analytics_facts" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_fn"();`);
    this.addSql(`create or replace function "messages_messages_analytics_facts_fn"() returns trigger as \$\$ begin declare
  doctor uuid; begin
if tg_op = 'UPDATE' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null
     and new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not distinct from old.campaign_id and new.workspace_id = old.workspace_id
     and new.patient_id = old.patient_id and new.status = old.status
     and coalesce(new.sent_at, new.send_attempted_at) is not distinct from coalesce(old.sent_at, old.send_attempted_at) then
    return null;   end if; end if; if tg_op <> 'INSERT' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null then
    select coalesce(p.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid) into doctor from patients p where p.id = old.patient_id;     if found then
      insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, doctor, 'request', coalesce(old.sent_at, old.send_attempted_at), old.status, 0, false, false, -1);     end if;   end if; end if; if tg_op <> 'DELETE' then
  if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not null and coalesce(new.sent_at, new.send_attempted_at) is not null then
    if doctor is null or new.patient_id <> old.patient_id then
      select coalesce(p.doctor_id, '00000000-0000-0000-0000-000000000000'::uuid) into doctor from patients p where p.id = new.patient_id;     end if;     insert into analytics_deltas (workspace_id, campaign_id, doctor_id, kind, at, status, rating, followup, clicked, n) values (new.workspace_id, new.campaign_id, doctor, 'request', coalesce(new.sent_at, new.send_attempted_at), new.status, 0, false, false, 1);   end if; end if; return null; end; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "messages_analytics_facts" AFTER INSERT OR UPDATE OR DELETE on "messages" for each ROW execute function "messages_messages_analytics_facts_fn"();`);
  }

  override down(): void | Promise<void> {
    // As up(): the rollups are rebuilt by the next fold, keyed by campaign only.
    this.addSql(`truncate table "analytics_deltas", "analytics_daily", "analytics_rollups";`);
    this.addSql(`alter table "analytics_daily" drop constraint "analytics_daily_pkey";`);
    this.addSql(`alter table "analytics_daily" drop column "doctor_id";`);
    this.addSql(`alter table "analytics_daily" add primary key ("workspace_id", "campaign_id", "day", "kind", "status", "rating", "followup", "clicked");`);

    this.addSql(`alter table "analytics_deltas" drop column "doctor_id";`);

    this.addSql(`drop trigger if exists "messages_analytics_facts" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_fn"();`);
    this.addSql(`create or replace function "messages_messages_analytics_facts_fn"() returns trigger as \$\$ begin if tg_op <> 'INSERT' then
  if old.type = 'INITIAL' and old.provider_sid is not null and old.campaign_id is not null and coalesce(old.sent_at, old.send_attempted_at) is not null then
    if tg_op = 'UPDATE' then
      if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not distinct from old.campaign_id and new.workspace_id = old.workspace_id
         and new.status = old.status and coalesce(new.sent_at, new.send_attempted_at) is not distinct from coalesce(old.sent_at, old.send_attempted_at) then
        return null;       end if;     end if;     insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (old.workspace_id, old.campaign_id, 'request', coalesce(old.sent_at, old.send_attempted_at), old.status, 0, false, false, -1);   end if; end if; if tg_op <> 'DELETE' then
  if new.type = 'INITIAL' and new.provider_sid is not null and new.campaign_id is not null and coalesce(new.sent_at, new.send_attempted_at) is not null then
    insert into analytics_deltas (workspace_id, campaign_id, kind, at, status, rating, followup, clicked, n) values (new.workspace_id, new.campaign_id, 'request', coalesce(new.sent_at, new.send_attempted_at), new.status, 0, false, false, 1);   end if; end if; return null; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "messages_analytics_facts" AFTER INSERT OR UPDATE OR DELETE on "messages" for each ROW execute function "messages_messages_analytics_facts_fn"();`);

    this.addSql(`drop trigger if exists "patients_analytics_facts" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_fn"();`);
    this.addSql(`drop trigger if exists "patients_analytics_facts_delete" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_delete_fn"();`);
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

    this.addSql(`drop trigger if exists "review_clicks_analytics_facts" on "review_clicks";`);
    this.addSql(`drop function if exists "review_clicks_review_clicks_analytics_facts_fn"();`);
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
  }

}
