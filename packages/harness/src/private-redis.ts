// A redis-server of the run's own (own port, own directory, AOF fsynced every second), so a chaos
// run can kill and restart Redis without touching the Redis other developers and tests share.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { Redis } from "ioredis";
import { freePort } from "@rm/test-utils";

export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL (no final fsync: up to a second of AOF is lost, as in a crash), stay down `downMs`, start again. */
  crashAndRestart(downMs: number, whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPrivateRedis(dir: string, binary = process.env.REDIS_SERVER_BIN ?? "redis-server"): Promise<PrivateRedis> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  const start = async () => {
    const proc = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--maxmemory-policy", "noeviction", "--loglevel", "warning"],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    proc.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child = proc;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${stderr}`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => {});
      try {
        await probe.connect();
        // Loading the AOF answers LOADING until done.
        if ((await probe.ping()) === "PONG") return;
      } catch {
        // not up yet
      } finally {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer within 15 s: ${stderr}`);
      await sleep(50);
    }
  };

  const kill = async (signal: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill(signal);
    await exited;
  };

  await start();
  return {
    url,
    port,
    async crashAndRestart(downMs, whileDown) {
      await kill("SIGKILL");
      const until = Date.now() + downMs;
      if (whileDown) await whileDown();
      await sleep(Math.max(0, until - Date.now()));
      await start();
    },
    async stop() {
      await kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
