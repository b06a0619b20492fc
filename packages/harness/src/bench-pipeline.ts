// The pipeline benchmark: N messages written through the CSV upload's confirm step
// (`createCampaignFromRows`, one transaction per upload of 1,000 patients by default), published by
// a relay process and sent by K worker processes through the `twilio` SDK to the
// simulator (throughput mode, rate limits off). In the same run it measures the raw ceiling of the
// provider leg — the same SDK calls straight from one process, no database or streams — the raw
// ceilings of Redis Streams and PostgreSQL on the same servers, and a BullMQ baseline doing the
// same work the way the product's first design did, so every result reads as a ratio.
//
// With `callbacks`, the simulator leaves throughput mode and posts three signed status callbacks per
// message (queued → sent → delivered, no delay) to the production web app, run as a process; the
// web app stores each durably, the relay publishes it and the workers apply it to the message row.
// The run ends when every message row is DELIVERED in PostgreSQL. The BullMQ baseline then gets the
// same callbacks at the first design's status webhook (one transaction per request).
import { setTimeout as sleep } from "node:timers/promises";
import { isCluster } from "@rm/streams";
import {
  cpuAccount,
  cpuSnapshot,
  findPostmaster,
  formatCpuAccount,
  formatStatementProfile,
  freePort,
  readStatementProfile,
  REPO_ROOT,
  resetStatementProfile,
  startRedisCluster,
  type CpuAccount,
  type LocalRedisCluster,
  type StatementProfile,
} from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import { runBullmqBaseline, waitAllDelivered, type BullmqBaselineReport, type CallbackPhaseReport } from "./baselines/bullmq-baseline.ts";
import { measureRawCeilings, type RawCeilings } from "./baselines/raw-ceilings.ts";
import { measureRelayAlone, type RelayAloneReport } from "./baselines/relay-alone.ts";
import { prepareWebBuild, round, waitForHealthy, waitReady } from "./bench-util.ts";
import { measureFootprint, walPosition, type FootprintReport } from "./footprint.ts";
import { importCampaigns } from "./import-campaign.ts";
import { ProcessManager } from "./processes.ts";
import { ACCOUNT_SID, AUTH_TOKEN, createRunEnv, SMS_SENDER, type RunEnv } from "./run-env.ts";

export interface PipelineBenchOptions {
  messages: number;
  workers: number;
  logDir: string;
  log?: (line: string) => void;
  /** Also measure the raw ceilings, the relay alone and the BullMQ baseline (default true). */
  baselines?: boolean;
  /** With baselines: also the raw ceilings and the relay alone (default true; false = BullMQ only). */
  ceilings?: boolean;
  /** Outbox rows for the relay-alone measurement (default 50,000). */
  relayRows?: number;
  /** Patients per upload (default 1,000): each upload is one `createCampaignFromRows` transaction. */
  uploadRows?: number;
  /** Three signed status callbacks per message through the web app; ends when every row is DELIVERED. */
  callbacks?: boolean;
  /**
   * Track PostgreSQL's statements (pg_stat_statements) and print the costliest, ours and BullMQ's.
   * Off by default: tracking costs the server a little, and the headline figures are taken without it.
   */
  profileStatements?: boolean;
  /**
   * Run the product against a local Redis Cluster of three masters (started and thrown away by the
   * run) instead of REDIS_URL; no baselines (they measure a single Redis).
   */
  redisCluster?: boolean;
  /** STREAM_PARTITIONS of the relay and workers (default 1; a cluster run wants several). */
  partitions?: number;
  /**
   * Workspaces the messages are split over (default 1). A workspace's work stays in one stream
   * partition, so spreading partitions over a cluster's nodes needs several. Not with `callbacks`.
   */
  workspaces?: number;
}

export interface PipelineCallbacksReport {
  ours: CallbackPhaseReport & {
    /** CPU of the whole run (sends and callbacks, start-up included) per 1,000 messages, by process kind. */
    cpuSecondsPer1000ByKind: { web: number; relay: number; worker: number };
    peakRssMiB: { web: number };
  };
  bullmq?: CallbackPhaseReport;
  /** ours / BullMQ, messages DELIVERED per second. */
  ratioToBullmq?: number;
  /** ours / BullMQ, CPU seconds of all their processes per 1,000 messages (lower is better for ours). */
  cpuRatioToBullmq?: number;
}

export interface PipelineBenchReport {
  bench: "pipeline";
  messages: number;
  workers: number;
  /** First outbox insert to the last send received by the simulator. */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  /** Importing the uploads (contacts, patients, messages, holds, outbox rows; one transaction per upload): patients per second. */
  insertPerSecond: number;
  /** From a row's due time to the provider receiving its message. */
  latencyP50Seconds: number;
  latencyP99Seconds: number;
  cpuSecondsPer1000: { relay: number; worker: number };
  peakRssMiB: { relay: number; worker: number };
  /** The same provider calls from one process, nothing else: the ceiling of the provider leg. */
  rawSdkPerSecond: number;
  ratioToRawSdk: number;
  duplicates: number;
  raw?: RawCeilings;
  /** The relay process alone against a minimal claim-XADD-mark loop on the same rows. */
  relayAlone?: RelayAloneReport;
  bullmq?: BullmqBaselineReport;
  /** ours / baseline, each measured in this run. */
  ratios?: { toBullmq: number; toRawRedisStreams?: number; toRawPgCommits?: number; toRawPgBatchInsert?: number };
  /** Only with `callbacks`: the send figures above then include the callback traffic running alongside. */
  callbacks?: PipelineCallbacksReport;
  /** PostgreSQL bytes per message (WAL written, table sizes) at the end of the product's run, before any baseline. */
  footprint: FootprintReport;
  /**
   * Where the machine's CPU went from the first upload to the last send (and, with callbacks, to the
   * last DELIVERED): every process, the servers, and idle. The benchmark process ran the uploads and
   * the provider simulator.
   */
  cpuAccount: { sends: CpuAccount; delivered?: CpuAccount };
  /** PostgreSQL's statements by execution time over the same window (to the last send, or to DELIVERED with callbacks). */
  statements?: StatementProfile;
}

/** Simulator settings for `callbacks`: every message queued → sent → delivered, each step posted at once. */
const CALLBACK_SIMULATOR = {
  throughputMode: false,
  callbackDelayMs: 0,
  callbackJitterMs: 0,
  undeliveredShare: 0,
  failedShare: 0,
  autoReplyShare: 0,
};

export async function runPipelineBench(o: PipelineBenchOptions): Promise<PipelineBenchReport> {
  const log = o.log ?? (() => {});
  const callbacks = o.callbacks ?? false;
  if (callbacks) prepareWebBuild(log);
  const webPort = callbacks ? await freePort() : 0;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const cluster: LocalRedisCluster | null = o.redisCluster ? await startRedisCluster({ dir: `${REPO_ROOT}/.data/bench-cluster-${process.pid}`, masters: 3 }) : null;
  const env = await createRunEnv({
    ...(cluster ? { redisUrl: cluster.url, redisCluster: true } : {}),
    statementProfile: o.profileStatements ?? false,
    workerEnv: {
      STREAM_BATCH_SIZE: "100",
      STREAM_READERS: "2",
      STREAM_PARTITIONS: String(o.partitions ?? 1),
      RELAY_BATCH_SIZE: "500",
      RELAY_POLL_MS: "100",
      LOG_LEVEL: "error",
      ...(callbacks ? { PUBLIC_URL: webUrl } : {}),
    },
  }).catch(async (err) => {
    await cluster?.stop();
    throw err;
  });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/bench-${env.id}` });
  try {
    const rawSdkPerSecond = await measureRawSdk(env, Math.min(5000, o.messages), log);
    env.sim.reset({ keepConfig: true });
    if (callbacks) {
      env.sim.configure(CALLBACK_SIMULATOR);
      pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", PUBLIC_URL: webUrl, SESSION_SECRET: "bench-session-secret-0123456789abcdef" });
      await waitForHealthy(`${webUrl}/healthz`, 60_000);
    }

    const ports: number[] = [];
    for (const name of ["relay-0", ...Array.from({ length: o.workers }, (_, i) => `worker-${i}`)]) {
      const port = await freePort();
      ports.push(port);
      pm.start(name.startsWith("relay") ? "relay" : "worker", name, { METRICS_PORT: String(port) });
    }
    await Promise.all(ports.map((port) => waitReady(port)));
    // Consumers start right after readiness; give their first blocking reads a moment.
    await sleep(500);
    log(`${callbacks ? "web, " : ""}relay and ${o.workers} workers ready; writing ${o.messages} messages`);

    const walAtStart = await walPosition(env.orm);
    const postmasterPid = await findPostmaster(env.orm);
    // A Redis Cluster is several servers: its CPU is left out of the account.
    const snapshot = () => cpuSnapshot({ apps: () => pm.cpuByApp(), postmasterPid, redis: isCluster(env.redis) ? null : env.redis });
    if (env.statementProfile) await resetStatementProfile(env.databaseUrl);
    const cpuAtStart = await snapshot();
    const t0 = Date.now();
    const workspaces = o.workspaces ?? 1;
    if (workspaces > 1 && callbacks) throw new Error("callbacks are counted in one workspace: use workspaces 1");
    const imports = [];
    for (let w = 0; w < workspaces; w++) {
      const patients = Math.floor(o.messages / workspaces) + (w < o.messages % workspaces ? 1 : 0);
      imports.push(await importCampaigns(env.orm, { patients, dueAt: new Date(t0), uploadRows: o.uploadRows ?? 1_000, publicUrl: env.processEnv.PUBLIC_URL!, phoneBase: 593_960_000_000 + w * 1_000_000 }));
    }
    const scenario = { workspaceId: imports[0]!.workspaceId, campaignIds: imports.flatMap((i) => i.campaignIds) };
    const insertSeconds = (Date.now() - t0) / 1000;
    log(`${scenario.campaignIds.length} uploads imported in ${insertSeconds.toFixed(1)} s; waiting for the last send`);

    const deadline = Date.now() + Math.max(120_000, o.messages * 20);
    while (env.sim.state.stats().total < o.messages && Date.now() < deadline) await sleep(20);
    const cpuAtSends = await snapshot();
    const last = Math.max(...env.sim.state.messages.map((m) => m.dateCreated));
    const endToEndSeconds = (last - t0) / 1000;
    const received = env.sim.state.stats().total;
    if (received < o.messages) throw new Error(`only ${received} of ${o.messages} messages arrived before the deadline`);

    // Every row was due at t0, so a send's latency is its arrival minus t0.
    const latencies = env.sim.state.messages.map((m) => (m.dateCreated - t0) / 1000).sort((a, b) => a - b);
    const duplicates = env.sim.state.stats().duplicates;
    let oursDelivered: Omit<CallbackPhaseReport, "cpuSecondsPer1000"> | null = null;
    if (callbacks) {
      log("every message sent; waiting for every row to be DELIVERED");
      oursDelivered = await waitAllDelivered(env, { workspaceId: scenario.workspaceId, messages: o.messages, t0, deadline: Date.now() + Math.max(180_000, o.messages * 60), what: "ours" });
    }
    const cpuAtDelivered = callbacks ? await snapshot() : null;
    const statements = env.statementProfile ? await readStatementProfile(env.databaseUrl) : undefined;
    const cpu = pm.cpuByApp();
    const rss = pm.peakRssByApp();
    const footprint = await measureFootprint(env.orm, walAtStart, o.messages);
    const report: PipelineBenchReport = {
      bench: "pipeline",
      messages: o.messages,
      workers: o.workers,
      endToEndSeconds: round(endToEndSeconds, 2),
      endToEndPerSecond: Math.round(o.messages / endToEndSeconds),
      insertPerSecond: Math.round(o.messages / insertSeconds),
      latencyP50Seconds: round(percentile(latencies, 0.5), 2),
      latencyP99Seconds: round(percentile(latencies, 0.99), 2),
      cpuSecondsPer1000: { relay: round((cpu.relay / o.messages) * 1000, 3), worker: round((cpu.worker / o.messages) * 1000, 3) },
      peakRssMiB: { relay: Math.round(rss.relay), worker: Math.round(rss.worker) },
      rawSdkPerSecond: Math.round(rawSdkPerSecond),
      ratioToRawSdk: round(o.messages / endToEndSeconds / rawSdkPerSecond, 2),
      duplicates,
      footprint,
      cpuAccount: {
        sends: cpuAccount(cpuAtStart, cpuAtSends, "bench: uploads + provider simulator"),
        ...(cpuAtDelivered ? { delivered: cpuAccount(cpuAtStart, cpuAtDelivered, "bench: uploads + provider simulator") } : {}),
      },
      ...(statements ? { statements } : {}),
    };
    const per1000 = (seconds: number) => round((seconds / o.messages) * 1000, 3);
    if (oursDelivered) {
      report.callbacks = {
        ours: {
          ...oursDelivered,
          cpuSecondsPer1000: per1000(cpu.web + cpu.relay + cpu.worker),
          cpuSecondsPer1000ByKind: { web: per1000(cpu.web), relay: per1000(cpu.relay), worker: per1000(cpu.worker) },
          peakRssMiB: { web: Math.round(rss.web) },
        },
      };
    }
    await pm.stopAll();

    if ((o.baselines ?? true) && !cluster) {
      const ours = o.messages / endToEndSeconds;
      if (o.ceilings ?? true) {
        log("measuring raw Redis and PostgreSQL ceilings");
        if (isCluster(env.redis)) throw new Error("the raw ceilings measure a single Redis");
        report.raw = await measureRawCeilings({ redis: env.redis, databaseUrl: env.databaseUrl, prefix: env.prefix, entries: Math.max(5_000, Math.min(50_000, o.messages * 2)) });
        log("measuring the relay alone against a minimal claim-XADD-mark loop");
        report.relayAlone = await measureRelayAlone(env, { rows: o.relayRows ?? 50_000, workspaceId: scenario.workspaceId, logDir: o.logDir, log });
      }
      log("running the BullMQ baseline");
      report.bullmq = await runBullmqBaseline(env, { messages: o.messages, workers: o.workers, callbacks, log });
      report.ratios = {
        toBullmq: round(ours / report.bullmq.endToEndPerSecond, 2),
        ...(report.raw
          ? {
              toRawRedisStreams: round(ours / report.raw.redisStreamPerSecond, 3),
              toRawPgCommits: round(ours / report.raw.pgSingleRowCommitsPerSecond, 3),
              toRawPgBatchInsert: round(ours / report.raw.pgBatchInsertRowsPerSecond, 3),
            }
          : {}),
      };
      if (report.callbacks && report.bullmq.callbacks) {
        report.callbacks.bullmq = report.bullmq.callbacks;
        report.callbacks.ratioToBullmq = round(o.messages / report.callbacks.ours.deliveredSeconds / (o.messages / report.bullmq.callbacks.deliveredSeconds), 2);
        report.callbacks.cpuRatioToBullmq = round(report.callbacks.ours.cpuSecondsPer1000 / report.bullmq.callbacks.cpuSecondsPer1000, 2);
      }
    }
    return report;
  } finally {
    await pm.stopAll();
    await env.close();
    await cluster?.stop();
  }
}

/** Provider calls with the same SDK client settings the worker uses, 64 in flight. */
export async function measureRawSdk(env: RunEnv, n: number, log: (line: string) => void): Promise<number> {
  const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: env.processEnv.TWILIO_API_URL!, timeoutMs: 30_000 });
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < n) {
        const i = next++;
        await client.messages.create({ to: `+5939${String(10_000_000 + i).padStart(8, "0")}`, from: SMS_SENDER, body: "Hola, gracias por su visita. Responda del 1 al 5.", statusCallback: "http://127.0.0.1:9/webhooks/twilio/status" });
      }
    }),
  );
  const perSecond = n / ((Date.now() - started) / 1000);
  log(`raw SDK ceiling: ${Math.round(perSecond)} msg/s (${n} calls, 64 in flight)`);
  return perSecond;
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}


export function formatPipelineReport(r: PipelineBenchReport): string {
  const rows: [string, string][] = [
    ["messages / workers", `${r.messages} / ${r.workers}`],
    ["end to end", `${r.endToEndPerSecond} msg/s (${r.endToEndSeconds} s)`],
    ["raw SDK ceiling (same run)", `${r.rawSdkPerSecond} msg/s`],
    ["ours / raw SDK", `${r.ratioToRawSdk}`],
    ["uploads imported (createCampaignFromRows)", `${r.insertPerSecond} rows/s`],
    ["latency due → provider p50 / p99", `${r.latencyP50Seconds} s / ${r.latencyP99Seconds} s`],
    ["CPU s per 1,000 msgs relay / workers", `${r.cpuSecondsPer1000.relay} / ${r.cpuSecondsPer1000.worker}`],
    ["peak RSS relay / worker", `${r.peakRssMiB.relay} / ${r.peakRssMiB.worker} MiB`],
    ["duplicates at the provider", `${r.duplicates}`],
    ["PostgreSQL per message: WAL / stored", `${r.footprint.walBytesPerMessage} / ${r.footprint.totalBytesPerMessage} bytes`],
  ];
  if (r.bullmq && r.ratios) {
    rows.push(
      ["BullMQ baseline (same run)", `${r.bullmq.endToEndPerSecond} msg/s, CPU ${r.bullmq.cpuSecondsPer1000} s/1000, RSS ${r.bullmq.peakRssMiB} MiB, duplicates ${r.bullmq.duplicates}`],
      ["ours / BullMQ", `${r.ratios.toBullmq}`],
    );
  }
  if (r.raw && r.ratios) {
    rows.push(
      ["raw Redis XADD+XREADGROUP+XACK", `${Math.round(r.raw.redisStreamPerSecond)} entries/s (ours / raw ${r.ratios.toRawRedisStreams})`],
      ["raw PostgreSQL 1-row commits, 8 clients", `${Math.round(r.raw.pgSingleRowCommitsPerSecond)} tps (ours / raw ${r.ratios.toRawPgCommits})`],
      ["raw PostgreSQL batch insert", `${Math.round(r.raw.pgBatchInsertRowsPerSecond)} rows/s (ours / raw ${r.ratios.toRawPgBatchInsert})`],
    );
  }
  if (r.relayAlone) {
    const a = r.relayAlone;
    rows.push(
      ["relay alone", `${a.relayRowsPerSecond} rows/s (${a.rows} rows), CPU ${a.relayCpuSecondsPer1000} s/1000 incl. start-up`],
      ...Object.entries(a.minimalLoopRowsPerSecond).map(([claim, rate]): [string, string] => [`minimal claim-${claim}/XADD/mark loop`, `${rate} rows/s`]),
      [`relay (claims of ${a.relayBatchSize}) / minimal loop (claims of ${a.baselineClaimSize})`, `${a.ratio}`],
    );
  }
  if (r.callbacks) {
    const c = r.callbacks;
    const phase = (x: CallbackPhaseReport) =>
      `${x.deliveredPerSecond} msg/s (${x.deliveredSeconds} s), CPU ${x.cpuSecondsPer1000} s/1000, callbacks answered ${x.callbacksAnswered}, failed ${x.callbacksFailed}, retried ${x.callbackRetries}, DELIVERED ${x.delivered}`;
    rows.push(["with 3 callbacks: ours, to all DELIVERED", phase(c.ours)]);
    const byKind = c.ours.cpuSecondsPer1000ByKind;
    rows.push(["  CPU s per 1,000 msgs web / relay / workers", `${byKind.web} / ${byKind.relay} / ${byKind.worker}, web peak RSS ${c.ours.peakRssMiB.web} MiB`]);
    if (c.bullmq) rows.push(["with 3 callbacks: BullMQ, to all DELIVERED", phase(c.bullmq)]);
    if (c.ratioToBullmq !== undefined) rows.push(["with 3 callbacks: ours / BullMQ", `${c.ratioToBullmq} (CPU per message: ${c.cpuRatioToBullmq})`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const account = [
    ...formatCpuAccount("where the CPU went, first upload → last send", r.cpuAccount.sends, r.messages),
    ...(r.cpuAccount.delivered ? formatCpuAccount("where the CPU went, first upload → every row DELIVERED", r.cpuAccount.delivered, r.messages) : []),
    ...(r.bullmq ? formatCpuAccount("BullMQ baseline, where the CPU went, first addBulk → last send", r.bullmq.cpuAccount.sends, r.messages) : []),
    ...(r.relayAlone ? formatCpuAccount("relay alone, where the CPU went", r.relayAlone.cpuAccount.relay, r.relayAlone.rows, "rows") : []),
    ...(r.relayAlone ? formatCpuAccount(`minimal loop (claims of ${r.relayAlone.relayBatchSize}), where the CPU went`, r.relayAlone.cpuAccount.minimalLoop, r.relayAlone.rows, "rows") : []),
    ...(r.bullmq?.cpuAccount.delivered ? formatCpuAccount("BullMQ baseline, first addBulk → every row DELIVERED", r.bullmq.cpuAccount.delivered, r.messages) : []),
    ...(r.statements ? formatStatementProfile(`PostgreSQL, ours, first upload → ${r.callbacks ? "every row DELIVERED" : "last send"}`, r.statements) : []),
    ...(r.bullmq?.statements ? formatStatementProfile("PostgreSQL, BullMQ baseline, same window", r.bullmq.statements) : []),
  ];
  return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ...account].join("\n");
}
