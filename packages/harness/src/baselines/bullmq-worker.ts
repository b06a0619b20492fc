// One BullMQ worker process of the baseline: the job processor the product's first design had
// (load the patient with campaign and practice, load the template, render, send through the
// `twilio` SDK, write the message row, deduct a credit), against the same database, Redis and
// simulator as the pipeline. Prints `ready` once consuming; on SIGTERM it drains and prints its
// CPU seconds and peak RSS as one JSON line.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { renderTemplate } from "@rm/domain";
import { createTwilioClient } from "@rm/twilio";
import { BASELINE_CALLBACK_OVERRIDES } from "./callback-overrides.ts";

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

// BullMQ needs maxRetriesPerRequest null on a worker connection; auto-pipelining stays off, which
// is fair to it on loopback (docs/performance.md).
const connection = new Redis(required("REDIS_URL"), { maxRetriesPerRequest: null, enableAutoPipelining: false });
const pool = new pg.Pool({ connectionString: required("DATABASE_URL"), max: 10 });
const twilio = createTwilioClient({ accountSid: required("TWILIO_ACCOUNT_SID"), authToken: required("TWILIO_AUTH_TOKEN"), apiUrl: required("TWILIO_API_URL"), timeoutMs: 10_000 });
const publicUrl = env.PUBLIC_URL ?? "http://127.0.0.1:9";

interface Job {
  messageId: string;
}

const worker = new Worker<Job>(
  required("BULLMQ_QUEUE"),
  async (job) => {
    const { rows } = await pool.query<{ id: string; workspace_id: string; to_address: string; patient_name: string; practice_name: string; public_token: string; sms_sender: string }>(
      `select m.id, m.workspace_id, m.to_address, p.name as patient_name, pr.name as practice_name, p.public_token, w.sms_sender
         from messages m join patients p on p.id = m.patient_id join campaigns c on c.id = m.campaign_id
         join practices pr on pr.id = c.practice_id join workspaces w on w.id = m.workspace_id
        where m.id = $1`,
      [job.data.messageId],
    );
    const m = rows[0];
    if (!m) return { skipped: "no such message" };
    const template = await pool.query<{ body: string }>("select body from templates where workspace_id = $1 and type = 'INITIAL' limit 1", [m.workspace_id]);
    const body = renderTemplate(template.rows[0]?.body ?? "", { name: m.patient_name, practice: m.practice_name, ratingLink: `${publicUrl}/q/${m.public_token}` });
    const sent = await twilio.messages.create({ to: m.to_address, from: m.sms_sender, body, statusCallback: `${publicUrl}/webhooks/twilio/status#${BASELINE_CALLBACK_OVERRIDES}` });
    await pool.query("update messages set status = 'SENT', provider_sid = $2, body = $3, sent_at = now(), updated_at = now() where id = $1", [m.id, sent.sid, body]);
    await pool.query("insert into credit_ledger_entries (workspace_id, kind, amount, reference) values ($1, 'deduct', -1, $2)", [m.workspace_id, `bullmq:${m.id}`]);
    return { sid: sent.sid };
  },
  { connection, prefix: required("BULLMQ_PREFIX"), concurrency: Number(env.BULLMQ_CONCURRENCY ?? 100) },
);
worker.on("error", (err) => process.stderr.write(`worker error: ${err.message}\n`));
worker.on("failed", (_job, err) => process.stderr.write(`job failed: ${err.message}\n`));
await worker.waitUntilReady();
process.stdout.write("ready\n");

process.once("SIGTERM", async () => {
  await worker.close();
  await pool.end();
  connection.disconnect();
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
});
