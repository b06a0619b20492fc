// Fault injection on a Redis Cluster (docs/capacity.md, "Redis past one machine"): rating requests of
// many workspaces go out through real relay and worker processes speaking to a local cluster of
// three masters with a replica each, and mid-run the master serving stream partition 0 (which also
// carries the periodic jobs) is SIGKILLed. Replication is asynchronous, so entries that master
// acknowledged may never reach the replica that takes over: the outbox sweeper must republish them
// (rows `published` but not `done`), and the consumers and the send protocol must not send anything
// twice. Afterwards every message must be at the simulator exactly once.
import { setTimeout as sleep } from "node:timers/promises";
import { streamKey } from "@rm/streams";
import { freePort, REPO_ROOT, startRedisCluster } from "@rm/test-utils";
import { waitReady } from "./bench-util.ts";
import { importCampaigns } from "./import-campaign.ts";
import { ProcessManager } from "./processes.ts";
import { createRunEnv } from "./run-env.ts";

export interface ClusterChaosOptions {
  messages: number;
  workers: number;
  /** Stream partitions (spread over the three masters by hash tag). */
  partitions: number;
  /** Kill the master once this share of the messages has reached the simulator (default 0.3). */
  killAtShare?: number;
  /** The sweeper republishes rows published but not done for this long (OUTBOX_SWEEP_AFTER_MS). */
  sweepAfterMs?: number;
  timeoutMs: number;
  logDir: string;
  log?: (line: string) => void;
}

export interface ClusterChaosReport {
  messages: number;
  received: number;
  /** Messages that never reached the simulator. */
  lost: number;
  /** Create calls beyond one per message. */
  duplicated: number;
  /** Port of the master that was killed, and the seconds from the kill to a replica serving its slots. */
  killedPort: number;
  failoverSeconds: number;
  /** From the first upload to the last message at the simulator. */
  drainSeconds: number;
  /** Send rows due by the end and still not done (should be 0; reminders scheduled for later are not counted). */
  stuckOutboxRows: number;
}

export async function runClusterChaos(o: ClusterChaosOptions): Promise<ClusterChaosReport> {
  const log = o.log ?? (() => {});
  const cluster = await startRedisCluster({ dir: `${REPO_ROOT}/.data/chaos-cluster-${process.pid}`, masters: 3, replicas: 1 });
  log(`cluster of 3 masters + 3 replicas up (${cluster.nodes.map((n) => n.port).join(", ")})`);
  const env = await createRunEnv({
    redisUrl: cluster.url,
    redisCluster: true,
    workerEnv: {
      STREAM_PARTITIONS: String(o.partitions),
      STREAM_BATCH_SIZE: "50",
      RELAY_BATCH_SIZE: "200",
      RELAY_POLL_MS: "100",
      OUTBOX_SWEEP_AFTER_MS: String(o.sweepAfterMs ?? 5_000),
      OUTBOX_SWEEP_INTERVAL_MS: "1000",
      LOG_LEVEL: "warn",
    },
  }).catch(async (err) => {
    await cluster.stop();
    throw err;
  });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/chaos-cluster-${env.id}` });
  try {
    const ports: number[] = [];
    for (const name of ["relay-0", ...Array.from({ length: o.workers }, (_, i) => `worker-${i}`)]) {
      const port = await freePort();
      ports.push(port);
      pm.start(name.startsWith("relay") ? "relay" : "worker", name, { METRICS_PORT: String(port) });
    }
    await Promise.all(ports.map((port) => waitReady(port)));
    await sleep(500);

    const t0 = Date.now();
    const workspaces = o.partitions * 2;
    for (let w = 0; w < workspaces; w++) {
      const patients = Math.floor(o.messages / workspaces) + (w < o.messages % workspaces ? 1 : 0);
      await importCampaigns(env.orm, { patients, dueAt: new Date(t0), uploadRows: 500, publicUrl: env.processEnv.PUBLIC_URL!, phoneBase: 593_970_000_000 + w * 1_000_000 });
    }
    log(`${o.messages} messages imported over ${workspaces} workspaces`);

    const received = () => env.sim.state.stats().total - env.sim.state.stats().duplicates;
    const killAt = Math.floor(o.messages * (o.killAtShare ?? 0.3));
    const deadline = Date.now() + o.timeoutMs;
    while (received() < killAt && Date.now() < deadline) await sleep(10);
    const slot = Number(await env.redis.call("CLUSTER", "KEYSLOT", streamKey({ prefix: env.prefix, partitions: o.partitions }, "dispatch", 0)));
    const killedAt = Date.now();
    log(`${received()} received: killing the master of slot ${slot}`);
    const killed = await cluster.killMasterOf(slot);
    const failoverSeconds = (Date.now() - killedAt) / 1000;
    log(`master ${killed.port} killed; a replica serves its slots after ${failoverSeconds.toFixed(1)} s`);

    while (received() < o.messages && Date.now() < deadline) await sleep(50);
    const last = Math.max(...env.sim.state.messages.map((m) => m.dateCreated));
    // Let late duplicates, if any, arrive before counting them.
    await sleep(Math.max(2_000, (o.sweepAfterMs ?? 5_000) + 2_000));
    const stats = env.sim.state.stats();
    const [row] = await env.orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from outbox where stream = 'dispatch' and available_at <= now() and status not in ('done', 'cancelled')");
    return {
      messages: o.messages,
      received: stats.total - stats.duplicates,
      lost: o.messages - (stats.total - stats.duplicates),
      duplicated: stats.duplicates,
      killedPort: killed.port,
      failoverSeconds: Math.round(failoverSeconds * 10) / 10,
      drainSeconds: Math.round((last - t0) / 100) / 10,
      stuckOutboxRows: Number(row!.n),
    };
  } finally {
    await pm.stopAll();
    await env.close();
    await cluster.stop();
  }
}
