import { Migration } from '@mikro-orm/migrations';

export class Migration20261206130229 extends Migration {

  override name = 'Migration20261206130229';

  override up(): void | Promise<void> {
    // The analytics triggers, one per event, each with a WHEN: row events that change no fact (an
    // import's patients and INITIAL messages, a send's steps before its sid) queue no call (decision 036).
    this.addSql(`drop trigger if exists "patients_analytics_facts" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_fn"();`);
    this.addSql(`create or replace function "patients_patients_analytics_facts_insert_fn"() returns trigger as \$\$ begin if tg_op = 'UPDATE' then
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
    this.addSql(`create trigger "patients_analytics_facts_insert" AFTER INSERT on "patients" for each ROW
  when (((new.rating IS NOT NULL) AND (new.rated_at IS NOT NULL))) execute function "patients_patients_analytics_facts_insert_fn"();`);
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
    this.addSql(`create trigger "patients_analytics_facts" AFTER UPDATE on "patients" for each ROW
  when (((old.doctor_id IS DISTINCT FROM new.doctor_id) OR ((((old.rating IS NOT NULL) AND (old.rated_at IS NOT NULL)) OR ((new.rating IS NOT NULL) AND (new.rated_at IS NOT NULL))) AND ((old.rating IS DISTINCT FROM new.rating) OR (old.rated_at IS DISTINCT FROM new.rated_at) OR (old.campaign_id IS DISTINCT FROM new.campaign_id) OR (old.workspace_id IS DISTINCT FROM new.workspace_id) OR ((old.follow_up_sent_at IS NULL) IS DISTINCT FROM (new.follow_up_sent_at IS NULL)))))) execute function "patients_patients_analytics_facts_fn"();`);

    this.addSql(`drop trigger if exists "messages_analytics_facts" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_fn"();`);
    this.addSql(`create or replace function "messages_messages_analytics_facts_insert_fn"() returns trigger as \$\$ begin declare
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
    this.addSql(`create trigger "messages_analytics_facts_insert" AFTER INSERT on "messages" for each ROW
  when (((new.type = 'INITIAL'::text) AND (new.provider_sid IS NOT NULL) AND (new.campaign_id IS NOT NULL) AND (COALESCE(new.sent_at, new.send_attempted_at) IS NOT NULL))) execute function "messages_messages_analytics_facts_insert_fn"();`);
    this.addSql(`create or replace function "messages_messages_analytics_facts_delete_fn"() returns trigger as \$\$ begin declare
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
    this.addSql(`create trigger "messages_analytics_facts_delete" AFTER DELETE on "messages" for each ROW
  when (((old.type = 'INITIAL'::text) AND (old.provider_sid IS NOT NULL) AND (old.campaign_id IS NOT NULL) AND (COALESCE(old.sent_at, old.send_attempted_at) IS NOT NULL))) execute function "messages_messages_analytics_facts_delete_fn"();`);
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
    this.addSql(`create trigger "messages_analytics_facts" AFTER UPDATE on "messages" for each ROW
  when (((((old.type = 'INITIAL'::text) AND (old.provider_sid IS NOT NULL) AND (old.campaign_id IS NOT NULL) AND (COALESCE(old.sent_at, old.send_attempted_at) IS NOT NULL)) OR ((new.type = 'INITIAL'::text) AND (new.provider_sid IS NOT NULL) AND (new.campaign_id IS NOT NULL) AND (COALESCE(new.sent_at, new.send_attempted_at) IS NOT NULL))) AND ((old.type IS DISTINCT FROM new.type) OR ((old.provider_sid IS NULL) IS DISTINCT FROM (new.provider_sid IS NULL)) OR (old.campaign_id IS DISTINCT FROM new.campaign_id) OR (old.workspace_id IS DISTINCT FROM new.workspace_id) OR (old.patient_id IS DISTINCT FROM new.patient_id) OR (old.status IS DISTINCT FROM new.status) OR (COALESCE(old.sent_at, old.send_attempted_at) IS DISTINCT FROM COALESCE(new.sent_at, new.send_attempted_at))))) execute function "messages_messages_analytics_facts_fn"();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists "messages_analytics_facts_insert" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_insert_fn"();`);
    this.addSql(`drop trigger if exists "messages_analytics_facts_delete" on "messages";`);
    this.addSql(`drop function if exists "messages_messages_analytics_facts_delete_fn"();`);
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

    this.addSql(`drop trigger if exists "patients_analytics_facts_insert" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_insert_fn"();`);
    this.addSql(`drop trigger if exists "patients_analytics_facts" on "patients";`);
    this.addSql(`drop function if exists "patients_patients_analytics_facts_fn"();`);
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
  }

}
