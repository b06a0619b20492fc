// The webhook benchmark: signed Twilio status callbacks and inbound replies (3 : 1) against the built
// web app in production mode, from autocannon over loopback, for a bounded time. Every request is
// unique, so afterwards "every answered callback is durably stored exactly once" is a count: stored
// rows ≥ 2xx answers, and no key twice. In the same run, the same load against two baselines in
// their own processes: a bare node:http server answering 200, and a naive handler doing what a Remix
// action would (WHATWG Request + formData(), signature check, one transaction per request).
//
// Then the figure an operator sizes by: latency at half load. Ours is loaded again, open loop, at half
// the request rate it reached saturated, and the bare server at the same absolute rate. Requests
// leave on a fixed schedule and latency is counted from when each was due, so a server that falls
// behind is charged for the wait (no coordinated omission). autocannon's `overallRate` is not used
// for this: it lets every connection send its per-second budget back to back at the top of each
// second and then idle, which is a saturation burst every second, not half load.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import pg from "pg";
import { ensureProductionBuild, freePort, WEB_ROOT } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { AUTH_TOKEN, createRunEnv } from "./run-env.ts";
import type { EnvVars } from "./processes.ts";

const NAIVE_SERVER = fileURLToPath(new URL("./baselines/naive-webhook-server.ts", import.meta.url));
const BARE_SERVER = fileURLToPath(new URL("./baselines/bare-http-server.ts", import.meta.url));
const PUBLIC_URL = "https://rm.example.com";

export interface WebhookBenchOptions {
  durationSeconds: number;
  connections: number;
  log?: (line: string) => void;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  answered2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface HalfLoadResult {
  /** Requests per second offered: half of ours' saturated req/s. */
  rate: number;
  ours: LoadResult;
  bare: LoadResult;
  /**
   * The floor of "durable before the answer": one-row INSERT commits straight to PostgreSQL at the
   * same rate and schedule, over as many connections, no HTTP. Ours cannot answer sooner than a commit.
   */
  rawCommits: LoadResult;
}

export interface WebhookBenchReport {
  bench: "webhooks";
  durationSeconds: number;
  connections: number;
  ours: LoadResult;
  bare: LoadResult;
  naive: LoadResult;
  /** Open-loop phase at half of ours' saturated rate (ours, then bare at the same rate). */
  halfLoad: HalfLoadResult;
  /** Rows stored for the requests sent, and keys stored more than once (must be 0). */
  stored: number;
  storedTwice: number;
  ratios: { toBare: number; toNaive: number };
}

/** One signed request per call, each with a unique MessageSid (3 status callbacks : 1 inbound). */
function requestFactory(): () => { path: string; body: string; signature: string } {
  let n = 0;
  const statuses = ["sent", "delivered", "read"];
  return () => {
    n++;
    const sid = `SM${randomBytes(16).toString("hex")}`;
    let path: string;
    let params: Record<string, string>;
    if (n % 4 === 0) {
      path = "/webhooks/twilio/inbound";
      params = { AccountSid: "AC00000000000000000000000000000000", MessageSid: sid, From: `+5939${String(80_000_000 + (n % 10_000_000)).padStart(8, "0")}`, To: "+15005550006", Body: "5", NumSegments: "1" };
    } else {
      path = `/webhooks/twilio/status?m=${randomUUID()}`;
      params = { AccountSid: "AC00000000000000000000000000000000", MessageSid: sid, MessageStatus: statuses[n % 3]!, To: "+593980000000", From: "+15005550006", ChannelPrefix: "sms" };
    }
    const body = new URLSearchParams(params).toString();
    return { path, body, signature: signTwilioRequest(AUTH_TOKEN, PUBLIC_URL + path, params) };
  };
}

async function load(url: string, o: WebhookBenchOptions): Promise<LoadResult> {
  const next = requestFactory();
  const result = await autocannon({
    url,
    connections: o.connections,
    duration: o.durationSeconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const r = next();
          return { ...req, path: r.path, body: r.body, headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": r.signature } };
        },
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(result.requests.total / o.durationSeconds),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    answered2xx: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Requests at a fixed rate on a fixed schedule over at most `connections` keep-alive sockets. */
async function paced(url: string, rate: number, o: WebhookBenchOptions): Promise<LoadResult> {
  const next = requestFactory();
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const { hostname, port } = new URL(url);
  const total = Math.max(1, Math.round(rate * o.durationSeconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const r: LoadResult = { requestsPerSecond: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencyMaxMs: 0, answered2xx: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const q = next();
      let timedOut = false;
      const req = http.request(
        { agent, hostname, port, method: "POST", path: q.path, timeout: 10_000, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(q.body), "x-twilio-signature": q.signature } },
        (res) => {
          res.resume();
          res.once("end", () => {
            latencies.push(performance.now() - due);
            if (res.statusCode! >= 200 && res.statusCode! < 300) r.answered2xx++;
            else r.non2xx++;
            resolve();
          });
        },
      );
      req.once("timeout", () => {
        timedOut = true;
        r.timeouts++;
        req.destroy();
      });
      req.once("error", () => {
        if (!timedOut) r.errors++;
        resolve();
      });
      req.end(q.body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    for (; i < total && start + i * interval <= now; i++) pending.push(send(start + i * interval));
    await sleep(1);
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!) : 0);
  return { ...r, requestsPerSecond: Math.round(latencies.length / o.durationSeconds), latencyP50Ms: at(0.5), latencyP99Ms: at(0.99), latencyMaxMs: at(1) };
}

/** One-row INSERT commits at a fixed rate on a fixed schedule (latency from each commit's due time). */
async function pacedCommits(databaseUrl: string, rate: number, o: WebhookBenchOptions): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: o.connections });
  const r: LoadResult = { requestsPerSecond: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencyMaxMs: 0, answered2xx: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const latencies: number[] = [];
  try {
    await pool.query("create table if not exists bench_raw_commit_latency (id bigserial primary key, payload text not null)");
    // Open every connection first, as the web server's pool is warm.
    await Promise.all(Array.from({ length: o.connections }, () => pool.query("select 1")));
    const total = Math.max(1, Math.round(rate * o.durationSeconds));
    const interval = 1000 / rate;
    const pending: Promise<void>[] = [];
    const start = performance.now();
    let i = 0;
    while (i < total) {
      const now = performance.now();
      for (; i < total && start + i * interval <= now; i++) {
        const due = start + i * interval;
        pending.push(
          pool.query("insert into bench_raw_commit_latency (payload) values ($1)", [`SM${i}`]).then(
            () => {
              latencies.push(performance.now() - due);
              r.answered2xx++;
            },
            () => {
              r.errors++;
            },
          ),
        );
      }
      await sleep(1);
    }
    await Promise.all(pending);
    await pool.query("drop table bench_raw_commit_latency");
  } finally {
    await pool.end();
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!) : 0);
  return { ...r, requestsPerSecond: Math.round(latencies.length / o.durationSeconds), latencyP50Ms: at(0.5), latencyP99Ms: at(0.99), latencyMaxMs: at(1) };
}

export interface Server {
  url: string;
  child: ChildProcess;
  logs: string[];
}

export async function startServer(args: string[], cwd: string, env: EnvVars, healthPath: string, listenPort?: number): Promise<Server> {
  const port = listenPort ?? (await freePort());
  const logs: string[] = [];
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (c: Buffer) => logs.push(c.toString()));
  child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url + healthPath)).ok) return { url, child, logs };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not become healthy:\n${logs.join("").slice(-3000)}`);
}

export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await Promise.race([exited, sleep(10_000)]);
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
}

export async function runWebhooksBench(o: WebhookBenchOptions): Promise<WebhookBenchReport> {
  const log = o.log ?? (() => {});
  const built = ensureProductionBuild();
  log(built.built ? `built the web app in ${(built.ms / 1000).toFixed(1)} s` : "web app build is current");
  const env = await createRunEnv();
  const common = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, PUBLIC_URL, TWILIO_AUTH_TOKEN: AUTH_TOKEN, LOG_LEVEL: "error" };
  try {
    const web = await startServer(["server.ts"], WEB_ROOT, { ...common, NODE_ENV: "production", METRICS_PORT: String(await freePort()), SESSION_SECRET: randomBytes(24).toString("hex") }, "/healthz");
    let ours: LoadResult;
    let halfRate: number;
    let halfOurs: LoadResult;
    try {
      log(`ours: ${o.connections} connections for ${o.durationSeconds} s`);
      ours = await load(web.url, o);
      halfRate = Math.max(1, Math.round(ours.requestsPerSecond / 2));
      log(`ours at half load: ${halfRate} req/s for ${o.durationSeconds} s`);
      halfOurs = await paced(web.url, halfRate, o);
    } finally {
      await stopServer(web);
    }
    const [{ stored, storedTwice }] = (await env.orm.em.fork().execute(
      // Status callbacks are stored in provider_status_events (decision 011), replies as outbox rows.
      `select ((select count(*) from outbox where type = 'twilio.inbound') + (select count(*) from provider_status_events))::int as stored,
              ((select count(*) - count(distinct idempotency_key) from outbox where type = 'twilio.inbound')
               + (select count(*) - count(distinct (provider_sid, status)) from provider_status_events))::int as "storedTwice"`,
    )) as [{ stored: number; storedTwice: number }];

    const bare = await startServer([BARE_SERVER], WEB_ROOT, {}, "/healthz");
    let bareResult: LoadResult;
    let halfBare: LoadResult;
    try {
      log("baseline: bare node:http");
      bareResult = await load(bare.url, o);
      log(`baseline: bare node:http at ${halfRate} req/s`);
      halfBare = await paced(bare.url, halfRate, o);
    } finally {
      await stopServer(bare);
    }
    log(`baseline: raw one-row commits at ${halfRate}/s`);
    const rawCommits = await pacedCommits(env.databaseUrl, halfRate, o);
    const naive = await startServer([NAIVE_SERVER], WEB_ROOT, common, "/healthz");
    let naiveResult: LoadResult;
    try {
      log("baseline: naive one-transaction-per-request action");
      naiveResult = await load(naive.url, o);
    } finally {
      await stopServer(naive);
    }
    return {
      bench: "webhooks",
      durationSeconds: o.durationSeconds,
      connections: o.connections,
      ours,
      bare: bareResult,
      naive: naiveResult,
      halfLoad: { rate: halfRate, ours: halfOurs, bare: halfBare, rawCommits },
      stored,
      storedTwice,
      ratios: {
        toBare: Math.round((ours.requestsPerSecond / bareResult.requestsPerSecond) * 100) / 100,
        toNaive: Math.round((ours.requestsPerSecond / naiveResult.requestsPerSecond) * 100) / 100,
      },
    };
  } finally {
    await env.close();
  }
}

export function formatWebhooksReport(r: WebhookBenchReport): string {
  const line = (name: string, x: LoadResult) =>
    `${name.padEnd(34)} ${String(x.requestsPerSecond).padStart(7)} req/s  p50 ${x.latencyP50Ms} ms  p99 ${x.latencyP99Ms} ms  max ${x.latencyMaxMs} ms  2xx ${x.answered2xx}  non-2xx ${x.non2xx}  errors ${x.errors + x.timeouts}`;
  return [
    `${r.connections} connections, ${r.durationSeconds} s each, signed Twilio callbacks (3 status : 1 inbound)`,
    line("ours (web, durable before 2xx)", r.ours),
    line("bare node:http (200, no work)", r.bare),
    line("naive action (1 tx per request)", r.naive),
    `ours / bare ${r.ratios.toBare}   ours / naive ${r.ratios.toNaive}`,
    `half load, open loop at ${r.halfLoad.rate} req/s (half of ours saturated), latency from each request's due time:`,
    line("ours at half load", r.halfLoad.ours),
    line("bare node:http at the same rate", r.halfLoad.bare),
    line("raw PostgreSQL 1-row commits, same rate", r.halfLoad.rawCommits),
    `stored ${r.stored} rows for ${r.ours.answered2xx + r.halfLoad.ours.answered2xx} answered (saturated + half load); stored twice: ${r.storedTwice}`,
  ].join("\n");
}
