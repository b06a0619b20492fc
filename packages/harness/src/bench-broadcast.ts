// The broadcast benchmark (SPEC §14): an audience of N contacts (labelled, with marketing consent)
// resolved, its credits held and one send per contact queued by `createBroadcast` in one
// transaction, then published by a relay process and sent by K worker processes through the
// `twilio` SDK to the simulator (throughput mode, rate limits off) — the send step re-checking
// marketing consent and the frequency cap under each contact's lock. It reports the time to resolve,
// hold and queue, the time to the first send and sends per second, against bench:pipeline's raw
// baselines measured in the same run on the same servers: the raw SDK ceiling of the provider leg,
// and the raw ceilings of Redis Streams and PostgreSQL.
import { setTimeout as sleep } from "node:timers/promises";
import { audienceSchema, createBroadcast } from "@rm/campaigns";
import { grantCredits } from "@rm/credits";
import { DEFAULT_CATEGORY_CREDITS } from "@rm/domain";
import { measureRawCeilings, type RawCeilings } from "./baselines/raw-ceilings.ts";
import { measureRawSdk } from "./bench-pipeline.ts";
import { round, waitReady } from "./bench-util.ts";
import { freePort } from "@rm/test-utils";
import { ProcessManager } from "./processes.ts";
import { createRunEnv, SMS_SENDER } from "./run-env.ts";

export interface BroadcastBenchOptions {
  contacts: number;
  workers: number;
  logDir: string;
  /** Measure the raw baselines in the same run (default true). */
  baselines?: boolean;
  log?: (line: string) => void;
}

export interface BroadcastBenchReport {
  bench: "broadcast";
  contacts: number;
  workers: number;
  /** createBroadcast: audience resolved, credits held, patients, messages and outbox rows written, committed. */
  resolveHoldQueueSeconds: number;
  /** From the start of createBroadcast to the first message at the provider. */
  timeToFirstSendSeconds: number;
  /** From the first message at the provider to the last. */
  sendSeconds: number;
  sendsPerSecond: number;
  duplicates: number;
  rawSdkPerSecond: number;
  ratioToRawSdk: number;
  raw?: RawCeilings;
  ratios?: { toRawRedisStreams: number; toRawPgCommits: number };
}

export async function runBroadcastBench(o: BroadcastBenchOptions): Promise<BroadcastBenchReport> {
  const log = o.log ?? (() => {});
  const env = await createRunEnv({
    workerEnv: { STREAM_BATCH_SIZE: "100", STREAM_READERS: "2", RELAY_BATCH_SIZE: "500", RELAY_POLL_MS: "100", LOG_LEVEL: "error" },
  });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/bench-broadcast-${env.id}` });
  try {
    const rawSdkPerSecond = await measureRawSdk(env, Math.min(5000, o.contacts), log);
    env.sim.reset({ keepConfig: true });
    const raw = (o.baselines ?? true) ? await measureRawCeilings({ redis: env.redis as never, databaseUrl: env.databaseUrl, prefix: env.prefix, entries: Math.max(5_000, Math.min(50_000, o.contacts)) }) : undefined;

    // The workspace: quiet hours off, the harness's SMS sender, credits for every message.
    const em = env.orm.em.fork();
    const [ws] = await em.execute<{ id: string }[]>(
      "insert into workspaces (name, plan, sms_sender, quiet_hours_start, quiet_hours_end) values ('Bench broadcast', 'PROFESSIONAL', ?, null, null) returning id",
      [SMS_SENDER],
    );
    const workspaceId = ws!.id;
    const [owner] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Owner', 'OWNER', 'x') returning id", [workspaceId, `owner-${workspaceId}@example.com`]);
    const [practice] = await em.execute<{ id: string; name: string }[]>("insert into practices (workspace_id, name, google_place_id) values (?, 'Consultorio Centro', 'ChIJ-bench') returning id, name", [workspaceId]);
    await grantCredits(em, { workspaceId, amount: o.contacts * 3 + 10, reference: `bench:${workspaceId}` });
    const [label] = await em.execute<{ id: string }[]>("insert into labels (workspace_id, name) values (?, 'limpieza') returning id", [workspaceId]);
    log(`writing ${o.contacts} contacts with marketing consent`);
    await em.execute(
      `insert into contacts (workspace_id, phone, name, sms_consent_at, sms_consent_source, marketing_consent_at, marketing_consent_source)
       select ?, '+5939' || lpad((40000000 + g)::text, 8, '0'), 'Paciente ' || g, now(), 'CSV_IMPORT', now(), 'STAFF' from generate_series(1, ?) g`,
      [workspaceId, o.contacts],
    );
    await em.execute("insert into contact_labels (workspace_id, contact_id, label_id) select workspace_id, id, ? from contacts where workspace_id = ?", [label!.id, workspaceId]);
    await em.execute("analyze contacts; analyze contact_labels");

    const ports: number[] = [];
    for (const name of ["relay-0", ...Array.from({ length: o.workers }, (_, i) => `worker-${i}`)]) {
      const port = await freePort();
      ports.push(port);
      pm.start(name.startsWith("relay") ? "relay" : "worker", name, { METRICS_PORT: String(port) });
    }
    await Promise.all(ports.map((port) => waitReady(port)));
    await sleep(500);
    log(`relay and ${o.workers} workers ready; creating the broadcast`);

    const t0 = Date.now();
    const created = await env.orm.em.fork().transactional((tem) =>
      createBroadcast(tem, {
        workspaceId,
        actorId: owner!.id,
        practiceId: practice!.id,
        practiceName: practice!.name,
        name: "Bench",
        audience: audienceSchema.parse({ labels: [label!.id] }),
        text: { channel: "SMS", body: "Hola {{name}}, hace seis meses de su última limpieza en {{practice}}.", category: null, templateId: "00000000-0000-4000-8000-000000000001", contentSid: null },
        scheduledAt: new Date(t0),
        pricing: DEFAULT_CATEGORY_CREDITS,
        now: new Date(t0),
      }),
    );
    if (!created.ok) throw new Error(`broadcast refused: ${JSON.stringify(created.error)}`);
    const queuedSeconds = (Date.now() - t0) / 1000;
    log(`${created.recipients} recipients resolved, held and queued in ${queuedSeconds.toFixed(1)} s; waiting for the last send`);

    const deadline = Date.now() + Math.max(120_000, o.contacts * 20);
    while (env.sim.state.stats().total < o.contacts && Date.now() < deadline) await sleep(20);
    const received = env.sim.state.stats().total;
    if (received < o.contacts) throw new Error(`only ${received} of ${o.contacts} messages arrived before the deadline`);
    const times = env.sim.state.messages.map((m) => m.dateCreated);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const sendSeconds = Math.max(0.001, (last - first) / 1000);
    const sendsPerSecond = o.contacts / sendSeconds;
    const report: BroadcastBenchReport = {
      bench: "broadcast",
      contacts: o.contacts,
      workers: o.workers,
      resolveHoldQueueSeconds: round(queuedSeconds, 2),
      timeToFirstSendSeconds: round((first - t0) / 1000, 2),
      sendSeconds: round(sendSeconds, 2),
      sendsPerSecond: Math.round(sendsPerSecond),
      duplicates: env.sim.state.stats().duplicates,
      rawSdkPerSecond: Math.round(rawSdkPerSecond),
      ratioToRawSdk: round(sendsPerSecond / rawSdkPerSecond, 2),
    };
    if (raw) {
      report.raw = raw;
      report.ratios = { toRawRedisStreams: round(sendsPerSecond / raw.redisStreamPerSecond, 3), toRawPgCommits: round(sendsPerSecond / raw.pgSingleRowCommitsPerSecond, 3) };
    }
    return report;
  } finally {
    await pm.stopAll();
    await env.close();
  }
}

export function formatBroadcastReport(r: BroadcastBenchReport): string {
  return [
    `broadcast to ${r.contacts} contacts, ${r.workers} workers`,
    `  resolved, held and queued: ${r.resolveHoldQueueSeconds} s`,
    `  time to first send:        ${r.timeToFirstSendSeconds} s`,
    `  sends:                     ${r.sendsPerSecond} msg/s over ${r.sendSeconds} s (${r.duplicates} duplicates)`,
    `  raw SDK ceiling:           ${r.rawSdkPerSecond} msg/s (ratio ${r.ratioToRawSdk})`,
    ...(r.raw ? [`  raw Redis Streams:         ${Math.round(r.raw.redisStreamPerSecond)}/s (ratio ${r.ratios!.toRawRedisStreams})`, `  raw PostgreSQL commits:    ${Math.round(r.raw.pgSingleRowCommitsPerSecond)}/s (ratio ${r.ratios!.toRawPgCommits})`] : []),
  ].join("\n");
}
