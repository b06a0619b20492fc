// `npm start` serves the web app's production build (the processes and environments come from
// local-start.ts, which scripts/start-apps.ts runs): its web process, started exactly as the plan
// says, answers pages that load fingerprinted, cacheable assets from build/client — no Vite client,
// no module requests, nothing that reloads a tab. `npm run dev` keeps the Vite dev server.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, ensureProductionBuild, freePort, REPO_ROOT, waitForStatus, type TestDatabase } from "@rm/test-utils";
import { localApps } from "../src/local-start.ts";

describe("the local start plan", () => {
  it("npm start runs the web app in production mode and the other apps in development", () => {
    const apps = localApps({ webMode: "production", env: { PORT: "3104", WEB_METRICS_PORT: "9474" } });
    expect(apps.map((a) => a.name).sort()).toEqual(["relay", "simulator", "web", "worker"]);
    const web = apps.find((a) => a.name === "web")!;
    expect(web).toMatchObject({ cwd: "apps/web", entry: "server.ts" });
    expect(web.env).toMatchObject({ NODE_ENV: "production", PORT: "3104", PUBLIC_URL: "http://localhost:3104", METRICS_PORT: "9474" });
    for (const other of apps.filter((a) => a.name !== "web")) expect(other.env.NODE_ENV).toBe("development");
  });

  it("npm start points the web app's AI drafts at the simulator's fake endpoint, which the simulator serves on its port", () => {
    const apps = localApps({ webMode: "production", env: { SIMULATOR_PORT: "4110" } });
    expect(apps.find((a) => a.name === "web")!.env).toMatchObject({ AI_BASE_URL: "http://127.0.0.1:4110/v1" });
    expect(apps.find((a) => a.name === "simulator")!.env).toMatchObject({ SIMULATOR_PORT: "4110" });
    // An operator's own endpoint wins.
    expect(localApps({ webMode: "production", env: { AI_BASE_URL: "http://ollama:11434/v1" } }).find((a) => a.name === "web")!.env.AI_BASE_URL).toBe("http://ollama:11434/v1");
  });

  it("an inherited NODE_ENV does not change the web app's mode; npm run dev runs the dev server", () => {
    expect(localApps({ webMode: "production", env: { NODE_ENV: "development" } }).find((a) => a.name === "web")!.env.NODE_ENV).toBe("production");
    expect(localApps({ webMode: "development", env: {} }).find((a) => a.name === "web")!.env.NODE_ENV).toBe("development");
  });
});

describe("the web process npm start runs", () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let url: string;
  let output = "";

  beforeAll(async () => {
    ensureProductionBuild();
    db = await createTestDatabase();
    const port = await freePort();
    const web = localApps({ webMode: "production", env: { PORT: String(port), WEB_METRICS_PORT: String(await freePort()) } }).find((a) => a.name === "web")!;
    child = spawn(process.execPath, [web.entry], {
      cwd: path.join(REPO_ROOT, web.cwd),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TZ: "UTC", ...web.env, DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    url = `http://127.0.0.1:${port}`;
    await waitForStatus(`${url}/readyz`, 200, undefined, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${output}`);
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await db?.drop();
  });

  it("serves the production build: fingerprinted assets cached for a year, no Vite client or source modules", async () => {
    const res = await fetch(`${url}/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("/@vite/client");
    expect(html).not.toMatch(/\/app\/[\w.-]+\.tsx/);
    const assets = [...new Set([...html.matchAll(/"(\/assets\/[\w.-]+\.(?:js|css))"/g)].map((m) => m[1]!))];
    expect(assets.some((a) => /\/assets\/entry\.client-[\w-]+\.js$/.test(a))).toBe(true);
    expect(assets.some((a) => a.endsWith(".css"))).toBe(true);
    for (const asset of assets) {
      const file = await fetch(`${url}${asset}`);
      expect(file.status, asset).toBe(200);
      expect(file.headers.get("cache-control"), asset).toBe("public, max-age=31536000, immutable");
      await file.arrayBuffer();
    }
    // The session cookie is Secure as in a deployment (browsers accept it on http://localhost).
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__session="))).toMatch(/;\s*Secure/i);
    expect(JSON.parse(output.split("\n").find((l) => l.includes('"msg":"listening"'))!)).toMatchObject({ mode: "production" });
  });
});
