// Seeds one workspace with `messages` messages in set-based statements (generate_series, no row
// loop in JS): 10 practices (one without a Google place), 20 doctors, 200 campaigns, ~6 months of
// rating requests with realistic statuses, ratings, reminders, follow-ups, review clicks and inbox items.
// Proportions come from deterministic hashes of the patient number, so a run is reproducible.
import type pg from "pg";

export interface SeedOptions {
  messages: number;
  /** End of the seeded period (the newest request goes out just before it). */
  end: Date;
  days?: number;
  practices?: number;
  campaigns?: number;
  doctors?: number;
}

export interface SeedResult {
  workspaceId: string;
  practiceIds: string[];
  doctorIds: string[];
  patients: number;
  messages: number;
  reviewClicks: number;
  feedback: number;
  ms: number;
}

export async function seedAnalytics(client: pg.Client, o: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const days = o.days ?? 182;
  const nPractices = o.practices ?? 10;
  const nCampaigns = o.campaigns ?? 200;
  const nDoctors = o.doctors ?? 20;
  const slots = Math.max(1, Math.floor(nCampaigns / nPractices));
  // ≈ 2.15 messages per patient (INITIAL, 74 % a REMINDER, 42 % a follow-up message): plan a few more
  // patients than needed; the newest beyond the message count are dropped.
  const maxPatients = Math.ceil(o.messages / 2.1) + 10;

  await client.query("begin");
  await client.query("set local synchronous_commit = off");
  // Set-based bulk load: triggers off (the analytics deltas they would write are rebuilt from these
  // tables by the first fold anyway; foreign keys are satisfied by construction).
  await client.query("set local session_replication_role = replica");
  const ws = await client.query<{ id: string }>("insert into workspaces (name, plan, timezone) values ('Bench Analytics', 'PROFESSIONAL', 'America/Guayaquil') returning id");
  const workspaceId = ws.rows[0]!.id;
  const owner = await client.query<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values ($1, $2, 'Dueña', 'OWNER', 'x') returning id", [workspaceId, `owner-${workspaceId}@bench.example`]);
  const doctors = await client.query<{ id: string }>(
    `insert into users (workspace_id, email, name, role, password_hash)
     select $1::uuid, 'doctor' || g || '-' || $3::text || '@bench.example', 'Dr. Médico ' || g, 'DOCTOR', 'x' from generate_series(1, $2) g order by g returning id`,
    [workspaceId, nDoctors, workspaceId],
  );
  const practices = await client.query<{ id: string }>(
    `insert into practices (workspace_id, name, city, google_place_id)
     select $1, 'Consultorio ' || g, 'Quito', case when g < $2 then 'ChIJ-bench-' || g end from generate_series(1, $2) g order by g returning id`,
    [workspaceId, nPractices],
  );
  const practiceIds = practices.rows.map((r) => r.id);
  const doctorIds = doctors.rows.map((r) => r.id);
  // Campaign k: practice k % P, doctor k % D (every 25th unassigned), one per practice per time slot.
  await client.query(
    `create temp table bench_campaigns on commit drop as
     select k, gen_random_uuid() as id, ($2::uuid[])[k % $4 + 1] as practice_id,
            case when k % 25 = 24 then null else ($3::uuid[])[k % $5 + 1] end as doctor_id
     from generate_series(0, $1 - 1) k`,
    [nCampaigns, practiceIds, doctorIds, nPractices, nDoctors],
  );
  await client.query(
    `insert into campaigns (id, workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status, total_patients, activated_at, completed_at)
     select id, $1, practice_id, doctor_id, $2, 'Campaña ' || k, 'COMPLETED', 0, now(), now() from bench_campaigns`,
    [workspaceId, owner.rows[0]!.id],
  );

  // One row per patient with everything decided up front; u1…u6 are independent pseudo-uniform draws.
  await client.query(
    `create temp table bench_plan on commit drop as
     with base as (
       select i,
              (i * 7919) % 1000 as u1, (i * 104729) % 1000 as u2, (i * 15485863) % 100 as u3,
              (i * 32452843) % 100 as u4, (i * 49979687) % 100 as u5, (i * 67867967) % 100 as u6,
              least(floor((i - 1)::float8 * $2::int / $1::bigint)::int, $2::int - 1) * $4::int + (i % $4::int)::int as k,
              $3::timestamptz - make_interval(secs => ($1::bigint - i + 1)::float8 / $1::bigint * $5::float8 * 86400) as t
       from generate_series(1::bigint, $1::bigint) i
     ), decided as (
       select b.*,
              case when u1 < 30 then 'FAILED' when u1 < 70 then 'UNDELIVERED' when u1 < 220 then 'QUEUED' when u1 < 370 then 'SENT'
                   when u1 < 820 then 'DELIVERED' else 'READ' end as status,
              case when u1 >= 70 and u2 < 560 then (case when u3 < 6 then 1 when u3 < 10 then 2 when u3 < 20 then 3 when u3 < 42 then 4 else 5 end) end as rating,
              case when u6 < 80 then 'WHATSAPP' else 'SMS' end as channel
       from base b
     ), counted as (
       select d.*,
              (d.u1 >= 30 and (d.rating is null or d.u2 >= 250)) as has_reminder,
              (d.rating is not null and d.u4 < 80) as has_followup_msg
       from decided d
     )
     select c.*, gen_random_uuid() as patient_id, gen_random_uuid() as contact_id, bc.id as campaign_id, bc.practice_id, bc.doctor_id,
            '+5939' || lpad(c.i::text, 8, '0') as phone,
            sum(1 + c.has_reminder::int + c.has_followup_msg::int) over (order by c.i) - (1 + c.has_reminder::int + c.has_followup_msg::int) as before
     from counted c join bench_campaigns bc on bc.k = c.k`,
    [maxPatients, slots, o.end, nPractices, days],
  );
  await client.query("delete from bench_plan where before >= $1", [o.messages]);
  await client.query("create index on bench_plan (i)");
  await client.query("analyze bench_plan");

  await client.query(
    `insert into contacts (id, workspace_id, phone, sms_consent_at, sms_consent_source, whatsapp_consent_at, whatsapp_consent_source, last_asked_at, created_at, updated_at)
     select contact_id, $1, phone, t - interval '3 hours', 'CSV_IMPORT', t - interval '3 hours', 'CSV_IMPORT', t, t - interval '3 hours', t from bench_plan`,
    [workspaceId],
  );
  const patients = await client.query(
    `insert into patients (id, workspace_id, campaign_id, doctor_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, public_token, token_expires_at,
                           rating, rated_at, follow_up_sent_at, created_at, updated_at)
     select patient_id, $1, campaign_id, doctor_id, contact_id, 'Paciente ' || i, phone, t - interval '2 hours', channel, true,
            case when rating is not null then 'RATED' when u1 < 30 then 'FAILED' else 'SENT' end,
            md5('token' || i) || md5('more' || i), t + interval '30 days',
            rating, case when rating is not null then t + make_interval(hours => (u2 % 48)::int + 1) end,
            case when rating is not null then t + make_interval(hours => (u2 % 48)::int + 1) end,
            t - interval '3 hours', t
     from bench_plan`,
    [workspaceId],
  );
  const body = "Hola Paciente, gracias por visitar Consultorio Centro con Dr. Médico. ¿Cómo calificaría su atención del 1 al 5? Toque aquí: https://rm.example/q/";
  const messages = await client.query(
    `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, provider_sid, segments, encoding,
                           send_attempted_at, send_attempts, sent_at, delivered_at, read_at, failed_at, replied_at, rating, created_at, updated_at)
     select $1, x.patient_id, x.campaign_id, m.type, x.channel, m.status,
            case when x.channel = 'WHATSAPP' then 'whatsapp:' || x.phone else x.phone end,
            case when x.channel = 'WHATSAPP' then 'whatsapp:+14155238886' else '+15005550006' end,
            $2 || md5(x.i::text), case when m.status = 'FAILED' and m.type = 'INITIAL' then null else 'SM' || md5(m.type || x.i) end,
            1, case when x.channel = 'SMS' then 'UCS2' else null end,
            m.at, 1,
            case when m.status in ('SENT', 'DELIVERED', 'READ') then m.at + interval '5 seconds' end,
            case when m.status in ('DELIVERED', 'READ') then m.at + interval '10 seconds' end,
            case when m.status = 'READ' then m.at + interval '10 minutes' end,
            case when m.status in ('FAILED', 'UNDELIVERED') then m.at + interval '10 seconds' end,
            m.replied_at, m.rating, m.at - interval '2 hours', m.at
     from bench_plan x
     cross join lateral (
       select 'INITIAL' as type, x.status, x.t as at, 0 as ord,
              case when x.rating is not null and not x.has_reminder then x.t + make_interval(hours => (x.u2 % 48)::int + 1) end as replied_at,
              case when not x.has_reminder then x.rating end as rating
       union all
       select 'REMINDER', case when x.u5 < 70 then 'DELIVERED' else 'SENT' end, x.t + interval '24 hours', 1,
              case when x.rating is not null then x.t + make_interval(hours => (x.u2 % 48)::int + 1) end, x.rating
       where x.has_reminder
       union all
       select case when x.rating >= 4 then 'FOLLOWUP_HAPPY' else 'FOLLOWUP_UNHAPPY' end, 'DELIVERED',
              x.t + make_interval(hours => (x.u2 % 48)::int + 1, secs => 30), 2, null, null
       where x.has_followup_msg
     ) m
     order by x.i, m.ord
     limit $3`,
    [workspaceId, body, o.messages],
  );
  // Clicks among patients offered the link (open policy; the practice without a place offers none).
  const clicks = await client.query(
    `insert into review_clicks (workspace_id, patient_id, clicked_at, user_agent)
     select $1, x.patient_id, x.t + make_interval(hours => (x.u2 % 48)::int + 2), 'Mozilla/5.0 (Linux; Android 12)'
     from bench_plan x join practices pr on pr.id = x.practice_id
     where x.rating is not null and pr.google_place_id is not null and x.u5 < case when x.rating >= 4 then 40 else 8 end`,
    [workspaceId],
  );
  // The inbox: every detractor (1–2) raises a RATING item; half of the unhappy (1–3) fill the form.
  const feedback = await client.query(
    `insert into feedback (workspace_id, patient_id, source, text, rating, status, resolved_at, created_at, updated_at)
     select $1, x.patient_id, f.source, f.text, x.rating,
            case x.u4 % 3 when 0 then 'NEW' when 1 then 'IN_PROGRESS' else 'RESOLVED' end,
            case when x.u4 % 3 = 2 then x.t + make_interval(hours => (x.u2 % 48)::int + 2 + (x.u5 % 72)::int) end,
            x.t + make_interval(hours => (x.u2 % 48)::int + 1), x.t + make_interval(hours => (x.u2 % 48)::int + 1)
     from bench_plan x
     cross join lateral (
       select 'RATING' as source, '' as text where x.rating <= 2
       union all
       select 'FORM', 'La espera fue muy larga y nadie me explicó el tratamiento.' where x.rating <= 3 and x.u5 >= 50
     ) f`,
    [workspaceId],
  );
  await client.query("update campaigns c set total_patients = n from (select campaign_id, count(*) n from bench_plan group by campaign_id) s where s.campaign_id = c.id");
  await client.query("commit");
  return {
    workspaceId,
    practiceIds,
    doctorIds,
    patients: patients.rowCount ?? 0,
    messages: messages.rowCount ?? 0,
    reviewClicks: clicks.rowCount ?? 0,
    feedback: feedback.rowCount ?? 0,
    ms: performance.now() - started,
  };
}
