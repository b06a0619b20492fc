// A local Redis Cluster for tests, benchmarks and chaos: N masters (and optionally one replica
// each) as redis-server processes of this run, on free loopback ports, each with its own directory
// and AOF fsynced every second like the single Redis of scripts/services.sh. The cluster is
// created with `redis-cli --cluster create`, which spreads the 16,384 slots evenly over the masters.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "./process-harness.ts";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RedisClusterNode {
  port: number;
  url: string;
}

export interface LocalRedisCluster {
  /** Every node's URL, comma-separated: the REDIS_URL of a process started with REDIS_CLUSTER=true. */
  url: string;
  nodes: RedisClusterNode[];
  /** SIGKILL the master serving `slot` (no final fsync, like a crash); with replicas, waits until one was promoted. */
  killMasterOf(slot: number): Promise<RedisClusterNode>;
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  dir: string;
  masters?: number;
  /** Replicas per master (0 or 1): with one, killing a master fails over to its replica. */
  replicas?: 0 | 1;
  serverBinary?: string;
  cliBinary?: string;
}

export async function startRedisCluster(options: StartRedisClusterOptions): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const server = options.serverBinary ?? process.env.REDIS_SERVER_BIN ?? "redis-server";
  const cli = options.cliBinary ?? process.env.REDIS_CLI_BIN ?? "redis-cli";
  rmSync(options.dir, { recursive: true, force: true });
  const children = new Map<number, ChildProcess>();
  const nodes: RedisClusterNode[] = [];
  for (let i = 0; i < masters * (1 + replicas); i++) {
    const port = await freePort();
    const dir = `${options.dir}/${port}`;
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      server,
      [
        "--port", String(port), "--bind", "127.0.0.1", "--dir", dir,
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
        // Short, so a killed master fails over within seconds in chaos runs; a replica takes over
        // however long ago it last heard from its master (a busy machine must not block the failover).
        "--cluster-node-timeout", "2000", "--cluster-replica-validity-factor", "0",
        "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
        "--maxmemory-policy", "noeviction", "--loglevel", "warning",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child.stderr!.resume();
    children.set(port, child);
    nodes.push({ port, url: `redis://127.0.0.1:${port}` });
  }
  const stop = async () => {
    await Promise.all([...children.values()].map((c) => kill(c, "SIGTERM")));
    rmSync(options.dir, { recursive: true, force: true });
  };
  try {
    for (const n of nodes) await waitForPing(n.port, children.get(n.port)!);
    await run(cli, ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", String(replicas), "--cluster-yes"], { timeout: 30_000 });
    await waitForClusterOk(nodes, masters * (1 + replicas));
    if (replicas > 0) await waitForReplicasInSync(nodes);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url: nodes.map((n) => n.url).join(","),
    nodes,
    async killMasterOf(slot) {
      const master = await masterOf(nodes, slot, children);
      await kill(children.get(master.port)!, "SIGKILL");
      children.delete(master.port);
      if (replicas > 0) {
        const alive = nodes.filter((n) => children.has(n.port));
        const deadline = Date.now() + 60_000;
        while ((await masterOf(alive, slot, children).catch(() => master)).port === master.port) {
          if (Date.now() > deadline) throw new Error(`no replica took over slot ${slot} within 60 s`);
          await sleep(200);
        }
      }
      return master;
    },
    stop,
  };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  await exited;
}

async function probe<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${child.exitCode}`);
    if ((await probe(port, (r) => r.ping()).catch(() => "")) === "PONG") return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer within 15 s`);
    await sleep(50);
  }
}

/** Every node agrees the cluster is ok and knows all its members. */
async function waitForClusterOk(nodes: RedisClusterNode[], members: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await Promise.all(
      nodes.map((n) =>
        probe(n.port, async (r) => {
          const info = (await r.call("CLUSTER", "INFO")) as string;
          return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${members}\\b`).test(info);
        }).catch(() => false),
      ),
    );
    if (states.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error("the local Redis Cluster did not reach cluster_state:ok within 30 s");
    await sleep(100);
  }
}

/** Every replica has finished its first sync with its master (INFO replication: master_link_status:up). */
async function waitForReplicasInSync(nodes: RedisClusterNode[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const infos = await Promise.all(nodes.map((n) => probe(n.port, (r) => r.info("replication")).catch(() => "")));
    const replicas = infos.filter((i) => /role:slave/.test(i));
    if (replicas.length > 0 && replicas.every((i) => /master_link_status:up/.test(i) && !/master_sync_in_progress:1/.test(i))) return;
    if (Date.now() > deadline) throw new Error("the local Redis Cluster's replicas did not finish their first sync within 30 s");
    await sleep(100);
  }
}

/** The node currently serving `slot` as master, as the live nodes see it. */
async function masterOf(nodes: RedisClusterNode[], slot: number, children: Map<number, ChildProcess>): Promise<RedisClusterNode> {
  for (const n of nodes) {
    if (!children.has(n.port)) continue;
    const shards = await probe(n.port, (r) => r.call("CLUSTER", "SLOTS") as Promise<[number, number, [string, number, ...unknown[]], ...unknown[]][]>).catch(() => null);
    if (!shards) continue;
    const shard = shards.find(([from, to]) => slot >= from && slot <= to);
    if (!shard) continue;
    const port = Number(shard[2][1]);
    const node = nodes.find((x) => x.port === port);
    if (node) return node;
  }
  throw new Error(`no live node serves slot ${slot}`);
}
