// The BullMQ baseline: the same sends done the way the product's first design did them — one
// BullMQ job per message (`addBulk`, removed on completion, 3 attempts with backoff), K worker
// processes at concurrency 100, each job reading its rows, rendering, sending through the `twilio`
// SDK to the same simulator and writing the message row and a ledger deduction. Same PostgreSQL,
// same Redis (AOF everysec), same machine, same run.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createScenario } from "@rm/test-utils";
import type { RunEnv } from "../run-env.ts";
import type { EnvVars } from "../processes.ts";

const WORKER_SCRIPT = fileURLToPath(new URL("./bullmq-worker.ts", import.meta.url));

export interface BullmqBaselineReport {
  messages: number;
  workers: number;
  /** First `addBulk` to the last send received by the simulator (rows written before, untimed). */
  endToEndSeconds: number;
  endToEndPerSecond: number;
  cpuSecondsPer1000: number;
  peakRssMiB: number;
  duplicates: number;
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

export async function runBullmqBaseline(env: RunEnv, o: { messages: number; workers: number; log?: (line: string) => void }): Promise<BullmqBaselineReport> {
  const log = o.log ?? (() => {});
  const scenario = await createScenario(env.orm, { patients: o.messages, dueAt: new Date(Date.now() + 3600_000), outbox: false, phoneBase: 593_970_000_000 });
  await env.orm.em.fork().execute(
    "insert into templates (workspace_id, type, body, is_default) values (?, 'INITIAL', 'Hola {{name}}, gracias por su visita a {{practice}}. Califique su atención del 1 al 5: {{ratingLink}}', true)",
    [scenario.workspaceId],
  );

  const prefix = `${env.prefix}bull`;
  const queueName = "send-initial-message";
  const workerEnv: EnvVars = { ...env.processEnv, BULLMQ_QUEUE: queueName, BULLMQ_PREFIX: prefix, BULLMQ_CONCURRENCY: "100" };
  const workers = Array.from({ length: o.workers }, () => startWorker(workerEnv));
  const connection = new Redis(env.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: false });
  const queue = new Queue(queueName, { connection, prefix });
  try {
    await Promise.all(workers.map((w) => w.ready));
    env.sim.reset({ keepConfig: true });
    log(`BullMQ baseline: ${o.workers} workers ready; queueing ${o.messages} jobs`);

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
    const received = env.sim.state.stats().total;
    if (received < o.messages) throw new Error(`BullMQ baseline: only ${received} of ${o.messages} messages arrived before the deadline`);
    const last = Math.max(...env.sim.state.messages.map((m) => m.dateCreated));
    const endToEndSeconds = (last - t0) / 1000;

    for (const w of workers) w.child.kill("SIGTERM");
    const finals = await Promise.all(workers.map((w) => w.final));
    const cpu = finals.reduce((sum, f) => sum + f.cpuSeconds, 0);
    return {
      messages: o.messages,
      workers: o.workers,
      endToEndSeconds: Math.round(endToEndSeconds * 100) / 100,
      endToEndPerSecond: Math.round(o.messages / endToEndSeconds),
      cpuSecondsPer1000: Math.round((cpu / o.messages) * 1000 * 1000) / 1000,
      peakRssMiB: Math.round(Math.max(...finals.map((f) => f.peakRssMiB))),
      duplicates: env.sim.state.stats().duplicates,
    };
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
  }
}
