// The lifecycle every long-running process (relay, worker) must honour, as Kubernetes sees it:
// ready with its dependencies, health and metrics served, exit 0 on SIGTERM, one clear line on bad
// configuration, alive but not ready while a dependency is down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { requireEnv } from "./env.ts";
import { exitWithin, freePort, spawnApp, waitForStatus, type RunningProcess } from "./process-harness.ts";

export interface ProcessUnderTest {
  /** The `process` field of its logs, e.g. "relay". */
  name: string;
  /** The app's folder (where `src/main.ts` is). */
  appDir: string;
  /** Variables this app needs beyond DATABASE_URL, REDIS_URL, METRICS_PORT and LOG_LEVEL. */
  env?: Record<string, string>;
}

export function processLifecycleSuite(app: ProcessUnderTest): void {
  let db: TestDatabase;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => {
    for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function appEnv(overrides: Record<string, string | undefined> = {}) {
    const env: Record<string, string | undefined> = {
      DATABASE_URL: db.url,
      REDIS_URL: requireEnv("REDIS_URL"),
      METRICS_PORT: String(await freePort()),
      LOG_LEVEL: "info",
      ...app.env,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  }

  function start(env: Record<string, string>) {
    const proc = spawnApp(app.appDir, env);
    running.push(proc);
    return proc;
  }

  // Each test spawns a real process: on 2 cores busy with the rest of the suite, start-up alone can pass 5 s.
  describe(`${app.name} process`, { timeout: 30_000 }, () => {
    it("becomes ready, serves health and metrics, and exits 0 on SIGTERM", async () => {
      const env = await appEnv();
      const base = `http://127.0.0.1:${env.METRICS_PORT}`;
      const proc = start(env);

      const ready = await waitForStatus(`${base}/readyz`, 200);
      // Every dependency checked, and every check of the app's own (the worker's consumers) passed.
      expect(ready).toMatchObject({ status: "ready", checks: { postgres: true, redis: true } });
      expect(Object.values((ready as { checks: Record<string, boolean> }).checks).every(Boolean)).toBe(true);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toContain("text/plain");
      expect(await metrics.text()).toMatch(/^# TYPE target_info gauge$/m);

      expect(proc.logs()).toContainEqual(expect.objectContaining({ level: "info", process: app.name, msg: "started", metricsPort: Number(env.METRICS_PORT) }));

      proc.child.kill("SIGTERM");
      expect(await exitWithin(proc, 5_000)).toBe(0);
      expect(proc.logs()).toContainEqual(expect.objectContaining({ process: app.name, msg: "shutdown complete" }));
      expect(proc.stderr()).toEqual([]);
    });

    it("refuses to start without REDIS_URL: one line on stderr naming it, exit 1", async () => {
      const proc = start(await appEnv({ REDIS_URL: undefined }));
      expect(await exitWithin(proc, 5_000)).toBe(1);
      const stderr = proc.stderr();
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toContain("REDIS_URL");
    });

    it("stays alive but not ready while Redis is unreachable, and still stops cleanly", async () => {
      const env = await appEnv({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
      const base = `http://127.0.0.1:${env.METRICS_PORT}`;
      const proc = start(env);

      // Settled state: PostgreSQL answers, Redis never does.
      const notReady = await waitForStatus(`${base}/readyz`, 503, (b) => (b as { checks: { postgres?: boolean } }).checks.postgres === true);
      expect(notReady).toMatchObject({ status: "not ready", checks: { postgres: true, redis: false } });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(proc.child.exitCode).toBeNull();
      expect((await fetch(`${base}/readyz`)).status).toBe(503);

      proc.child.kill("SIGTERM");
      expect(await exitWithin(proc, 5_000)).toBe(0);
    });

    it("stays alive but not ready while PostgreSQL is unreachable", async () => {
      const deadDb = new URL(db.url);
      deadDb.port = String(await freePort());
      const env = await appEnv({ DATABASE_URL: deadDb.toString() });
      const base = `http://127.0.0.1:${env.METRICS_PORT}`;
      const proc = start(env);

      // Settled state: Redis answers (once connected), PostgreSQL never does.
      const notReady = await waitForStatus(`${base}/readyz`, 503, (b) => (b as { checks: { redis?: boolean } }).checks.redis === true);
      expect(notReady).toMatchObject({ status: "not ready", checks: { postgres: false, redis: true } });
      expect(proc.child.exitCode).toBeNull();

      proc.child.kill("SIGTERM");
      expect(await exitWithin(proc, 5_000)).toBe(0);
    });
  });
}
