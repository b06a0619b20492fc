// No Docker engine here: each image is mirrored by running its build steps (build-app.ts — what the
// Dockerfile's <app>-build stage runs) into a folder and starting the app from it with its Dockerfile
// target's command, as a non-root user, with nothing else around: the folder alone must run. The web image
// also carries the migrations as JavaScript; they run against an empty database.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase, createTestDatabase, createTestRedis, ensureProductionBuild, freePort, uniqueSuffix, waitForStatus, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { APP_COMMAND, buildApp, MIGRATE_COMMAND, type AppName } from "../src/build-app.ts";
import { readDockerfile, ROOT, targetCommand, targetInstructions } from "../src/index.ts";

const APPS: AppName[] = ["web", "relay", "worker"];
const root = mkdtempSync(path.join(tmpdir(), "rm-images-"));
const isRoot = process.getuid?.() === 0;
/** The image's USER. */
const IMAGE_UID = 10001;

/**
 * The image's own `node`. The checkout's may sit where the image user cannot reach it (a private
 * clone in a mode-700 folder), so the non-root runs get a copy next to the app folders.
 */
function imageNode(): string {
  if (!isRoot) return process.execPath;
  const bin = path.join(root, "bin");
  mkdirSync(bin, { recursive: true, mode: 0o755 });
  const copy = path.join(bin, "node");
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o755);
  return copy;
}
let nodeBinary: string | undefined;

/** As the image does: the given command in the app folder, as a non-root user, with only this env. */
function run(cwd: string, command: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [bin, ...args] = command;
  const node = bin === "node" ? (nodeBinary ??= imageNode()) : bin!;
  // As root (CI), drop to the image's numeric user the way the container runtime does; otherwise we already are not root.
  const ids = isRoot ? { uid: IMAGE_UID, gid: IMAGE_UID } : {};
  const child = spawn(node, args, { ...ids, cwd, env: { PATH: "/usr/bin:/bin", HOME: "/tmp", TZ: "UTC", NODE_ENV: "production", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((r) => child.once("exit", (code) => r(code))) };
}

describe("images (mirrored without Docker)", () => {
  let db: TestDatabase;
  let redis: TestRedis;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    // Readable by the non-root user, as COPY leaves files in the image.
    chmodSync(root, 0o755);
    ensureProductionBuild();
    await Promise.all([...APPS, "simulator" as const].map((app) => buildApp(app, path.join(root, app), { skipWebBuild: true, depsCacheDir: path.join(ROOT, ".data/image-deps"), log: () => {} })));
    db = await createTestDatabase();
    redis = await createTestRedis();
    Object.assign(env, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      STREAM_PREFIX: redis.prefix,
      PUBLIC_URL: "http://127.0.0.1:9",
      SESSION_SECRET: "a-session-secret-of-32-characters!",
      TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "image-test-token",
      TWILIO_API_URL: "http://127.0.0.1:9",
    });
  });

  afterAll(async () => {
    await redis?.cleanup();
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("each app's Dockerfile target holds that app's build and starts it with the command the mirror runs, as a numeric non-root user", () => {
    const stages = readDockerfile();
    for (const app of [...APPS, "simulator" as const]) {
      const image = targetInstructions(stages, app);
      expect(targetCommand(stages, app)).toEqual(APP_COMMAND[app]);
      expect(image.findLast((i) => i.startsWith("USER "))).toBe("USER 10001:10001");
      expect(image).toContain("ENV NODE_ENV=production");
      expect(image).toContain(`COPY --from=${app}-build /out /app`);
      expect(targetInstructions(stages, `${app}-build`)).toContain(`RUN node packages/ops/src/build-app.ts ${app} /out`);
    }
  });

  it("the folders hold JavaScript only for our code: no TypeScript sources, workspace code bundled", () => {
    for (const app of APPS) {
      const dir = path.join(root, app);
      const top = readdirSync(dir);
      expect(top).not.toContain("src");
      expect(top.filter((f) => f.endsWith(".ts"))).toEqual([]);
      const entry = path.join(dir, APP_COMMAND[app][1]!);
      expect(statSync(entry).size).toBeGreaterThan(1000);
      // @rm/* is inlined: the bundle never imports a workspace package at runtime.
      expect(readFileSync(entry, "utf8")).not.toMatch(/from\s*["']@rm\//);
    }
  });

  it("migrate.js (web image) applies every migration to an empty database without a TypeScript loader, and again is a no-op", async () => {
    const empty = await createEmptyDatabase(`rm_img_${uniqueSuffix()}`, { migrate: false });
    const url = empty.url;
    try {
      const files = readdirSync(path.join(ROOT, "packages/db/src/migrations")).filter((f) => /^Migration\d+\.ts$/.test(f));
      const first = run(path.join(root, "web"), MIGRATE_COMMAND, { DATABASE_URL: url });
      expect(await first.exited, first.output()).toBe(0);
      const target = new pg.Client({ connectionString: url });
      await target.connect();
      const { rows } = await target.query<{ name: string }>("select name from mikro_orm_migrations order by id");
      const { rows: tables } = await target.query("select 1 from information_schema.tables where table_name in ('outbox', 'messages', 'workspaces')");
      await target.end();
      expect(rows).toHaveLength(files.length);
      expect(tables).toHaveLength(3);
      const again = run(path.join(root, "web"), MIGRATE_COMMAND, { DATABASE_URL: url });
      expect(await again.exited, again.output()).toBe(0);
      expect(again.output()).toContain('"applied":[]');
    } finally {
      await empty.drop();
    }
  });

  it("simulator (development image) starts from its folder as a non-root user and answers /healthz", async () => {
    const port = await freePort();
    const proc = run(path.join(root, "simulator"), APP_COMMAND.simulator, { SIMULATOR_PORT: String(port), SIMULATOR_HOST: "127.0.0.1", TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID!, TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN! });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, undefined, 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${proc.output()}`);
      });
    } finally {
      proc.child.kill("SIGTERM");
    }
    expect(await proc.exited, proc.output()).toBe(0);
  });

  it.each(APPS)("%s starts from its folder as a non-root user, answers /healthz and /readyz, and stops on SIGTERM", async (app) => {
    const metricsPort = await freePort();
    const webPort = await freePort();
    const proc = run(path.join(root, app), APP_COMMAND[app], { ...env, METRICS_PORT: String(metricsPort), PORT: String(webPort), HOST: "127.0.0.1" });
    try {
      const probePort = app === "web" ? webPort : metricsPort;
      await waitForStatus(`http://127.0.0.1:${probePort}/healthz`, 200, undefined, 30_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${proc.output()}`);
      });
      await waitForStatus(`http://127.0.0.1:${probePort}/readyz`, 200, undefined, 15_000);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      if (app === "web") {
        // The production build serves pages and static assets from the folder.
        const login = await fetch(`http://127.0.0.1:${webPort}/login`);
        expect(login.status, proc.output()).toBe(200);
      }
      if (isRoot) {
        const pid = proc.child.pid!;
        const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        expect(Number(uid?.[1])).toBe(IMAGE_UID);
      }
    } finally {
      proc.child.kill("SIGTERM");
    }
    expect(await proc.exited, proc.output()).toBe(0);
  });
});
