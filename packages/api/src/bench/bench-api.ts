// `npm run bench:api`: sustained PUT /appointments/{external_id} against the real handler on
// node:http (real PostgreSQL, the import pipeline behind it), with a share of the requests repeating
// an earlier PUT (a client retrying after a timeout). In the same run, on the same machine and
// database server, two baselines: a bare node:http server answering the same requests with a fixed
// JSON body (the HTTP ceiling), and raw one-row INSERT commits with the same concurrency (the
// database's commit ceiling). Reports req/s and p50/p99 per case.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { grantCredits } from "@rm/credits";
import { initOrm } from "@rm/db";
import { createEmptyDatabase, uniqueSuffix } from "@rm/test-utils";
import pg from "pg";
import { createApiHandler } from "../handler.ts";
import { createApiKey } from "../keys.ts";

export interface ApiBenchOptions {
  /** Requests per case. */
  requests: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Share of PUTs that repeat an earlier one (retries): answered without a new request. */
  retryShare: number;
  keep?: boolean;
}

export interface CaseResult {
  case: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const SECRET = "bench-api-hash-secret-0123456789abcdef";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;
}

/** Runs `n` calls of `one(i)` with `concurrency` in flight; times each. */
async function drive(name: string, n: number, concurrency: number, one: (i: number) => Promise<boolean>): Promise<CaseResult> {
  const times: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        const ok = await one(i).catch(() => false);
        times.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { case: name, requests: n, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(n / seconds), p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), errors };
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export async function runApiBench(o: ApiBenchOptions): Promise<{ results: CaseResult[]; database?: string }> {
  const db = await createEmptyDatabase(`rm_bench_api_${uniqueSuffix()}`);
  const orm = await initOrm({ databaseUrl: db.url, poolMax: Math.max(10, o.concurrency) });
  const pool = new pg.Pool({ connectionString: db.url, max: o.concurrency });
  const servers: http.Server[] = [];
  try {
    const em = orm.em.fork();
    const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name, plan, default_channel, sms_sender) values ('Bench', 'ENTERPRISE', 'SMS', '+15005550006') returning id");
    const workspaceId = ws!.id;
    const [owner] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, 'bench@example.com', 'Bench', 'OWNER', 'x') returning id", [workspaceId]);
    const [practice] = await em.execute<{ id: string }[]>("insert into practices (workspace_id, name, google_place_id) values (?, 'Bench', 'p') returning id", [workspaceId]);
    await grantCredits(em, { workspaceId, amount: 1_000_000, reference: "bench" });
    const { key } = await createApiKey(orm.em.fork(), { workspaceId, actorId: owner!.id, name: "bench", scopes: ["appointments:write"], hashSecret: SECRET, ip: null, now: new Date() });

    const apiHandler = createApiHandler({ em: () => orm.em.fork(), hashSecret: SECRET, publicUrl: "https://rm.example", limiter: null, requestsPerMinute: 1e9, clock: { now: () => new Date() }, maxBodyBytes: 64 * 1024 });
    const api = http.createServer((req, res) => void apiHandler(req, res));
    servers.push(api);
    const apiUrl = await listen(api);
    // The baseline: the same request read and answered with a fixed JSON body, nothing else.
    const fixed = JSON.stringify({ external_id: "x", status: "scheduled" });
    const bare = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(fixed) }).end(fixed));
    });
    servers.push(bare);
    const bareUrl = await listen(bare);
    const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });

    const body = (i: number) =>
      JSON.stringify({
        practice_id: practice!.id,
        appointment_at: new Date(Date.now() - 3_600_000).toISOString(),
        patient: { name: `Paciente ${i}`, phone: `+5939${String(80_000_000 + i).padStart(8, "0")}` },
        consent: true,
      });
    // Request i repeats request j < i with probability retryShare (a retry of an earlier PUT, same body).
    const bodies: string[] = [];
    const targets: number[] = [];
    for (let i = 0; i < o.requests; i++) {
      const retry = i > 0 && Math.random() < o.retryShare;
      const target = retry ? Math.floor(Math.random() * i) : i;
      targets.push(target);
      bodies[target] ??= body(target);
    }
    const put = (base: string, i: number): Promise<boolean> =>
      new Promise((resolve, reject) => {
        const target = targets[i]!;
        const text = bodies[target]!;
        const req = http.request(`${base}/api/v1/appointments/bench-${target}`, { method: "PUT", agent, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) } }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode === 200 || res.statusCode === 201));
        });
        req.on("error", reject);
        req.end(text);
      });

    await pool.query("create table bench_commits (id bigserial primary key, external_id text not null, body jsonb not null, created_at timestamptz not null default now())");
    const results: CaseResult[] = [];
    results.push(await drive("bare node:http", o.requests, o.concurrency, (i) => put(bareUrl, i)));
    results.push(await drive("raw one-row commits", o.requests, o.concurrency, async (i) => {
      await pool.query("insert into bench_commits (external_id, body) values ($1, $2::jsonb)", [`bench-${targets[i]}`, bodies[targets[i]!]]);
      return true;
    }));
    results.push(await drive(`PUT /appointments (${Math.round(o.retryShare * 100)} % retries)`, o.requests, o.concurrency, (i) => put(apiUrl, i)));
    const [check] = await orm.em.fork().execute<{ appointments: string; messages: string }[]>(
      "select (select count(*) from api_appointments)::text as appointments, (select count(*) from messages)::text as messages",
    );
    const distinct = new Set(targets).size;
    if (Number(check!.appointments) !== distinct || Number(check!.messages) !== distinct) {
      throw new Error(`retries created duplicates: ${check!.appointments} appointments, ${check!.messages} messages for ${distinct} distinct PUTs`);
    }
    agent.destroy();
    return { results, ...(o.keep ? { database: db.name } : {}) };
  } finally {
    for (const s of servers) s.close();
    await pool.end();
    await orm.close(true);
    if (!o.keep) await db.drop();
  }
}
