// The BullMQ baseline: the same sends done the way the product's first design did them — one
// BullMQ job per message (`addBulk`, removed on completion, 3 attempts with backoff), K worker
// processes at concurrency 100, each job reading its rows, rendering, sending through the `twilio`
// SDK to the same simulator and writing the message row and a ledger deduction. Same PostgreSQL,
// same Redis (AOF everysec), same machine, same run.
//
// With `callbacks`, the simulator posts queued → sent → delivered for every message to the first
// design's status webhook (naive-webhook-server.ts in apply-status mode: one transaction per request
// updating the message row by provider sid), and the run ends when every message row is DELIVERED.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { cpuAccount, cpuSnapshot, createScenario, findPostmaster, freePort, readStatementProfile, resetStatementProfile, WEB_ROOT, type CpuAccount, type StatementProfile } from "@rm/test-utils";
import { startServer, stopServer, type Server } from "../bench-webhooks.ts";
import type { RunEnv } from "../run-env.ts";
import { readProcStat, type EnvVars } from "../processes.ts";

const WORKER_SCRIPT = fileURLToPath(new URL("./bullmq-worker.ts", import.meta.url));
const NAIVE_SERVER = fileURLToPath(new URL("./naive-webhook-server.ts", import.meta.url));

export interface CallbackPhaseReport {
  /** Start of the run (ours: first outbox insert; BullMQ: first addBulk) to the last message row DELIVERED. */
  deliveredSeconds: number;
  deliveredPerSecond: number;
  /** Status callbacks the simulator posted and got a 2xx for, gave up on, and retried. */
  callbacksAnswered: number;
  callbacksFailed: number;
  callbackRetries: number;
  /** Message rows DELIVERED at the end (must equal the messages). */
  delivered: number;
  /** CPU of every process of the design (sends and callbacks, start-up included) per 1,000 messages. */
  cpuSecondsPer1000: number;
}

export interface BullmqBaselineReport {
  messages: number;
  workers: number;
  /** First `addBulk` to the last send received by the simulator (rows written before, untimed). */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  cpuSecondsPer1000: number;
  peakRssMiB: number;
  duplicates: number;
  callbacks?: CallbackPhaseReport;
  /** Where the machine's CPU went from the first addBulk to the last send (and to the last DELIVERED). */
  cpuAccount: { sends: CpuAccount; delivered?: CpuAccount };
  /** PostgreSQL's statements by execution time over the same window, when the run tracks them. */
  statements?: StatementProfile;
}

interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  final: Promise<{ cpuSeconds: number; peakRssMiB: number }>;
}

function startWorker(env: EnvVars): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_SCRIPT], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const errors: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => errors.push(chunk.toString()));
  let markReady!: () => void;
  let markFinal!: (v: { cpuSeconds: number; peakRssMiB: number }) => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const final = new Promise<{ cpuSeconds: number; peakRssMiB: number }>((resolve, reject) => {
    markFinal = resolve;
    child.once("exit", (code) => reject(new Error(`BullMQ worker exited with ${code}: ${errors.join("").slice(-2000)}`)));
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line === "ready") markReady();
    else if (line.startsWith("{")) markFinal(JSON.parse(line) as { cpuSeconds: number; peakRssMiB: number });
  });
  return { child, ready: Promise.race([ready, final.then(() => {})]), final };
}

export async function runBullmqBaseline(env: RunEnv, o: { messages: number; workers: number; callbacks?: boolean; log?: (line: string) => void }): Promise<BullmqBaselineReport> {
  const log = o.log ?? (() => {});
  const scenario = await createScenario(env.orm, { patients: o.messages, dueAt: new Date(Date.now() + 3600_000), outbox: false, phoneBase: 593_970_000_000 });
  await env.orm.em.fork().execute(
    "insert into templates (workspace_id, type, body, is_default) values (?, 'INITIAL', 'Hola {{name}}, gracias por su visita a {{practice}}. Califique su atención del 1 al 5: {{ratingLink}}', true)",
    [scenario.workspaceId],
  );

  const prefix = `${env.prefix}bull`;
  const queueName = "send-initial-message";
  let webhook: Server | null = null;
  if (o.callbacks) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    webhook = await startServer([NAIVE_SERVER], WEB_ROOT, { DATABASE_URL: env.databaseUrl, PUBLIC_URL: url, TWILIO_AUTH_TOKEN: env.processEnv.TWILIO_AUTH_TOKEN, NAIVE_WEBHOOK_MODE: "apply-status" }, "/healthz", port);
  }
  const workerEnv: EnvVars = { ...env.processEnv, BULLMQ_QUEUE: queueName, BULLMQ_PREFIX: prefix, BULLMQ_CONCURRENCY: "100", ...(webhook ? { PUBLIC_URL: webhook.url } : {}) };
  const workers = Array.from({ length: o.workers }, () => startWorker(workerEnv));
  const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: false });
  const queue = new Queue(queueName, { connection, prefix });
  try {
    await Promise.all(workers.map((w) => w.ready));
    env.sim.reset({ keepConfig: true });
    log(`BullMQ baseline: ${o.workers} workers ready; queueing ${o.messages} jobs`);

    const postmasterPid = await findPostmaster(env.orm);
    const apps = () => {
      const cpuOf = (pid: number | undefined) => (pid ? (readProcStat(pid)?.cpuSeconds ?? 0) : 0);
      return { "bullmq workers": workers.reduce((sum, w) => sum + cpuOf(w.child.pid), 0), ...(webhook ? { "webhook (naive)": cpuOf(webhook.child.pid) } : {}) };
    };
    const snapshot = () => cpuSnapshot({ apps, postmasterPid, redis: env.redis as Redis });
    if (env.statementProfile) await resetStatementProfile(env.databaseUrl);
    const cpuAtStart = await snapshot();
    const t0 = Date.now();
    for (let i = 0; i < scenario.messageIds.length; i += 1000) {
      await queue.addBulk(
        scenario.messageIds.slice(i, i + 1000).map((messageId) => ({
          name: "send",
          data: { messageId },
          opts: { removeOnComplete: true, removeOnFail: 1000, attempts: 3, backoff: { type: "exponential", delay: 1000 } },
        })),
      );
    }
    const deadline = Date.now() + Math.max(120_000, o.messages * 20);
    while (env.sim.state.stats().total < o.messages && Date.now() < deadline) await sleep(20);
    const cpuAtSends = await snapshot();
    const received = env.sim.state.stats().total;
    if (received < o.messages) throw new Error(`BullMQ baseline: only ${received} of ${o.messages} messages arrived before the deadline`);
    const last = Math.max(...env.sim.state.messages.map((m) => m.dateCreated));
    const endToEndSeconds = (last - t0) / 1000;
    const duplicates = env.sim.state.stats().duplicates;
    let delivered: Omit<CallbackPhaseReport, "cpuSecondsPer1000"> | undefined;
    let webhookCpu = 0;
    if (o.callbacks) {
      log(`BullMQ baseline: every message sent; waiting for every row to be DELIVERED`);
      delivered = await waitAllDelivered(env, { workspaceId: scenario.workspaceId, messages: o.messages, t0, deadline: Date.now() + Math.max(180_000, o.messages * 60), what: "BullMQ baseline" });
      webhookCpu = (webhook?.child.pid ? readProcStat(webhook.child.pid)?.cpuSeconds : 0) ?? 0;
    }
    const cpuAtDelivered = delivered ? await snapshot() : null;
    const statements = env.statementProfile ? await readStatementProfile(env.databaseUrl) : undefined;

    for (const w of workers) w.child.kill("SIGTERM");
    const finals = await Promise.all(workers.map((w) => w.final));
    const cpu = finals.reduce((sum, f) => sum + f.cpuSeconds, 0);
    const callbacks: CallbackPhaseReport | undefined = delivered && { ...delivered, cpuSecondsPer1000: Math.round(((cpu + webhookCpu) / o.messages) * 1000 * 1000) / 1000 };
    return {
      messages: o.messages,
      workers: o.workers,
      endToEndSeconds: Math.round(endToEndSeconds * 100) / 100,
      endToEndPerSecond: Math.round(o.messages / endToEndSeconds),
      cpuSecondsPer1000: Math.round((cpu / o.messages) * 1000 * 1000) / 1000,
      peakRssMiB: Math.round(Math.max(...finals.map((f) => f.peakRssMiB))),
      duplicates,
      ...(callbacks ? { callbacks } : {}),
      cpuAccount: {
        sends: cpuAccount(cpuAtStart, cpuAtSends, "bench: provider simulator"),
        ...(cpuAtDelivered ? { delivered: cpuAccount(cpuAtStart, cpuAtDelivered, "bench: provider simulator") } : {}),
      },
      ...(statements ? { statements } : {}),
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    if (webhook) await stopServer(webhook);
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
  }
}

/**
 * Polls a cheap count until every message of the campaign is DELIVERED in PostgreSQL (throws at the
 * deadline), then reads the last delivery time and the simulator's callback counters.
 */
export async function waitAllDelivered(
  env: RunEnv,
  o: { workspaceId: string; messages: number; t0: number; deadline: number; what: string },
): Promise<Omit<CallbackPhaseReport, "cpuSecondsPer1000">> {
  const em = env.orm.em.fork();
  const count = async () =>
    ((await em.execute("select count(*)::int as n from messages where workspace_id = ? and status = 'DELIVERED'", [o.workspaceId])) as [{ n: number }])[0].n;
  let delivered = await count();
  while (delivered < o.messages && Date.now() < o.deadline) {
    await sleep(50);
    delivered = await count();
  }
  if (delivered < o.messages) {
    const cb = env.sim.state.callbacks;
    throw new Error(`${o.what}: only ${delivered} of ${o.messages} messages DELIVERED before the deadline (callbacks answered ${cb.posted}, failed ${cb.failed}, retried ${cb.retries})`);
  }
  const [{ last }] = (await em.execute("select (extract(epoch from max(delivered_at)) * 1000)::float8 as last from messages where workspace_id = ?", [o.workspaceId])) as [{ last: number }];
  const deliveredSeconds = (last - o.t0) / 1000;
  // The last delivered callback was answered before its row could be seen DELIVERED; let the
  // simulator's counters settle (its poster counts after reading the answer).
  const settle = Date.now() + 5_000;
  while (env.sim.state.callbacks.inFlight > 0 && Date.now() < settle) await sleep(20);
  const cb = env.sim.state.callbacks;
  return {
    deliveredSeconds: Math.round(deliveredSeconds * 100) / 100,
    deliveredPerSecond: Math.round(o.messages / deliveredSeconds),
    callbacksAnswered: cb.posted,
    callbacksFailed: cb.failed,
    callbackRetries: cb.retries,
    delivered,
  };
}
