// Fault injection (SPEC §11, §17): a campaign goes out through real relay, worker and web processes while a
// chaos loop SIGKILLs and restarts relays and workers at random and the web process under webhook load,
// crashes and restarts the run's own Redis once (AOF everysec: up to a second of stream entries is lost
// and must come back through the outbox sweeper), terminates every PostgreSQL connection of the run's
// database once, makes the provider answer 5xx, time out and slow down for a while (the simulator's
// apiFault: a failed create may still have sent the message, as at Twilio), and takes PostgreSQL away
// from the processes for longer than Twilio's webhook retries last (a TCP proxy refuses and drops
// their connections) while patients reply. The simulator posts signed status callbacks and the
// patients' replies to the web process with the connection overrides (TWILIO_WEBHOOK_OVERRIDES), and
// retries exactly as Twilio does; what no retry bridges comes back through delivery and inbound
// reconciliation. Afterwards every eligible patient must have exactly one rating request at the
// simulator, no message of ours may be there twice, deductions must equal billed segments, every
// reply must be stored exactly once, every delivery applied, and nothing stuck in the outbox or a
// stream's pending list. The report counts each fault injected.
import { fileURLToPath } from "node:url";
import pg from "pg";
import { allStreamKeys, CONSUMER_GROUP, deadLetterKey, type StreamKind } from "@rm/streams";
import { createScenario, freePort } from "@rm/test-utils";
import { prepareWebBuild, waitForHealthy } from "./bench-util.ts";
import { DEFAULT_WEBHOOK_OVERRIDES, signTwilioRequest } from "@rm/twilio";
import { startPgOutageProxy, type PgOutageProxy } from "./pg-outage.ts";
import { startPrivateRedis, type PrivateRedis } from "./private-redis.ts";
import { ProcessManager, type AppName } from "./processes.ts";
import { ACCOUNT_SID, AUTH_TOKEN, createRunEnv, HARNESS_APP_NAME, type RunEnv } from "./run-env.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface ChaosOptions {
  patients: number;
  /** SIGKILL + restart of a random relay or worker, this many times. */
  kills: number;
  workers: number;
  relays: number;
  /** Crash and restart the run's private Redis once (default true). */
  redisRestart?: boolean;
  /** How long Redis stays down (default 3 s). */
  redisDownMs?: number;
  /** pg_terminate_backend every connection to the run's database once (default true). */
  pgTerminate?: boolean;
  /** Run a web process that takes the simulator's status callbacks (default true; needs the production build). */
  web?: boolean;
  /** SIGKILL + restart of the web process under webhook load, this many times (default 2; needs web). */
  webKills?: number;
  /** Windows in which the provider answers 5xx, times out and is slow, one of each (default true). */
  providerFaults?: boolean;
  /** How long each provider fault lasts (default 5 s). */
  providerFaultMs?: number;
  /** PostgreSQL away from the processes this long while patients reply (default 60 s; 0 = none). */
  pgOutageMs?: number;
  /** Share of patients who reply to the rating request (default 0.3; needs web). */
  replyShare?: number;
  /** Give up waiting for the drain after this long. */
  timeoutMs: number;
  logDir: string;
  log?: (line: string) => void;
  /** Aborting stops the run early; processes, database and Redis are still cleaned up. */
  signal?: AbortSignal;
}

export interface CrashRecord {
  name: string;
  code: number | null;
  signal: string | null;
  /** Seconds into the run. */
  at: number;
}

export interface DeadLetterSummary {
  kind: string;
  reason: string;
  type: string;
}

export interface ChaosReport {
  patients: number;
  eligible: number;
  received: number;
  lost: number;
  duplicated: number;
  kills: number;
  /** Processes that died on their own (not killed by the harness); restarted like Kubernetes would. */
  crashes: CrashRecord[];
  /** Processes that exited while PostgreSQL was away (or just after), restarted the same way. */
  exitsDuringOutage: CrashRecord[];
  redisRestarts: number;
  /** Backends terminated by pg_terminate_backend. */
  pgConnectionsTerminated: number;
  webKills: number;
  /** Provider fault windows and what the simulator did in them (requests answered 5xx, held until timeout, slowed; creates it took before failing). */
  providerFaults: { windows: number; "5xx": number; timeout: number; slow: number; acceptedBeforeFailure: number };
  /** PostgreSQL outages, how long in all, the connections they dropped and the replies patients sent meanwhile. */
  pgOutages: { count: number; seconds: number; connectionsDropped: number; repliesWhileDown: number };
  /** Patients' replies: at the provider, whose webhook failed after Twilio's retries, stored, lost, stored more than once. */
  replies: { atProvider: number; webhookFailed: number; stored: number; lost: number; duplicated: number };
  /** Signed callbacks the harness posted to the web process while Redis was down, and how many got 2xx. */
  webhooksWhileRedisDown: { posted: number; accepted: number };
  /** Simulator status callbacks: posted (2xx) / failed after retries; messages whose DELIVERED was not applied. */
  statusCallbacks: { posted: number; failed: number; notApplied: number } | null;
  deductedCredits: number;
  billedSegments: number;
  /** Up to five sent messages without a deduction. */
  undeductedSamples: { id: string; status: string; creditsHeld: number }[];
  stuckOutboxRows: number;
  /** Stored status callbacks due but not applied (or parked) at the end. */
  unappliedStatusCallbacks: number;
  pendingStreamEntries: number;
  deadLetters: number;
  deadLetterSamples: DeadLetterSummary[];
  drainSeconds: number;
  totalSeconds: number;
  ok: boolean;
}

type ProviderFault = "5xx" | "timeout" | "slow";
type Fault = { kind: "kill" } | { kind: "redis" } | { kind: "pg" } | { kind: "web" } | { kind: "provider"; fault: ProviderFault } | { kind: "pg-outage" };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomBetween = (a: number, b: number) => a + Math.random() * (b - a);
const DEAD_LETTER_KINDS: StreamKind[] = ["dispatch", "provider-status", "inbound"];

/**
 * The fault schedule: the kills in order, Redis after a third of them, PostgreSQL's connections
 * dropped after two thirds; then (when asked) the provider's 5xx, timeout and slow windows from the
 * middle, the web kills spread over the run and the PostgreSQL outage three quarters in.
 */
export function faultPlan(kills: number, redis: boolean, pgTerminate: boolean, more: { webKills?: number; providerFaults?: boolean; pgOutage?: boolean } = {}): Fault[] {
  const plan: Fault[] = Array.from({ length: kills }, () => ({ kind: "kill" }) as const);
  if (pgTerminate) plan.splice(Math.floor((kills * 2) / 3), 0, { kind: "pg" });
  if (redis) plan.splice(Math.floor(kills / 3), 0, { kind: "redis" });
  if (more.providerFaults) plan.splice(Math.floor(plan.length / 2), 0, ...(["5xx", "timeout", "slow"] as const).map((fault) => ({ kind: "provider", fault }) as const));
  if (more.pgOutage) plan.splice(Math.floor((plan.length * 3) / 4), 0, { kind: "pg-outage" });
  const webKills = more.webKills ?? 0;
  for (let i = webKills; i >= 1; i--) plan.splice(Math.floor((plan.length * i) / (webKills + 1)), 0, { kind: "web" });
  return plan;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const useWeb = o.web ?? true;
  const redisRestart = o.redisRestart ?? true;
  const pgTerminate = o.pgTerminate ?? true;
  const webKillCount = useWeb ? (o.webKills ?? 2) : 0;
  const providerFaults = o.providerFaults ?? true;
  const providerFaultMs = o.providerFaultMs ?? 5000;
  const pgOutageMs = o.pgOutageMs ?? 60_000;
  const replyShare = useWeb ? (o.replyShare ?? 0.3) : 0;
  const runLogDir = `${o.logDir}/chaos-${started.toString(36)}`;

  if (useWeb) prepareWebBuild(log);
  const redis: PrivateRedis | null = redisRestart ? await startPrivateRedis(`${ROOT}.data/chaos-redis-${started.toString(36)}`) : null;
  const webPort = useWeb ? await freePort() : 0;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const env = await createRunEnv({
    ...(redis ? { redisUrl: redis.url } : {}),
    // Patients reply through the inbound URL an operator sets at Twilio, with the same connection
    // overrides the app puts on its status-callback URLs.
    simulator: useWeb
      ? { throughputFinalCallback: true, autoReplyShare: replyShare, autoReplyDelayMs: 200, inboundUrl: `${webUrl}/webhooks/twilio/inbound#${DEFAULT_WEBHOOK_OVERRIDES}` }
      : {},
    // Short timeouts so reclaims and sweeps happen within the run; the 1.5× rule still holds.
    workerEnv: {
      STREAM_CLAIM_IDLE_MS: "6000",
      TWILIO_TIMEOUT_MS: "3000",
      OUTBOX_SWEEP_AFTER_MS: "10000",
      OUTBOX_SWEEP_INTERVAL_MS: "5000",
      RELAY_POLL_MS: "200",
      // Reconciliation within the run: what no webhook retry bridged comes back from the provider.
      // Every second: besides bridging the outage, the listing keeps provider traffic going through
      // every fault window, so each fault meets requests even after the campaign has gone out.
      INBOUND_RECONCILE_INTERVAL_SECONDS: "1",
      DELIVERY_RECONCILE_INTERVAL_SECONDS: "5",
      DELIVERY_RECONCILE_MIN_AGE_SECONDS: "10",
      ...(useWeb ? { PUBLIC_URL: webUrl } : {}),
    },
  });
  // The processes reach PostgreSQL through a proxy the outage closes; the harness connects directly.
  const pgProxy: PgOutageProxy | null = pgOutageMs > 0 ? await startPgOutageProxy(env.databaseUrl) : null;
  if (pgProxy) env.processEnv.DATABASE_URL = pgProxy.urlFor(env.databaseUrl);
  let outageUntil = 0;
  // Like Kubernetes: a process that dies on its own is counted as a crash and started again.
  const crashes: CrashRecord[] = [];
  const outageExits: CrashRecord[] = [];
  let stopped = false;
  const pm: ProcessManager = new ProcessManager({
    env: env.processEnv,
    logDir: runLogDir,
    onUnexpectedExit: ({ name, app, code, signal }) => {
      // A process that exits because PostgreSQL is gone (and is started again) is what Kubernetes
      // sees in an outage too: counted apart, not as a crash.
      if (Date.now() < outageUntil) {
        outageExits.push({ name, code, signal, at: Math.round((Date.now() - started) / 100) / 10 });
        log(`${name} exited during the PostgreSQL outage (code ${code}); restarting in 1 s`);
      } else {
        crashes.push({ name, code, signal, at: Math.round((Date.now() - started) / 100) / 10 });
        log(`CRASH: ${name} exited on its own (code ${code}, signal ${signal}); restarting in 1 s (see ${runLogDir}/${name}.log)`);
      }
      setTimeout(() => {
        if (!stopped && !pm.get(name)) pm.start(app, name, app === "web" ? webEnv : {});
      }, 1000).unref();
    },
  });
  const webEnv = { PORT: String(webPort), HOST: "127.0.0.1", PUBLIC_URL: webUrl, SESSION_SECRET: "chaos-session-secret-0123456789", LOG_LEVEL: "warn" };
  try {
    log(
      `chaos run ${env.id}: ${o.patients} patients, ${o.relays} relays, ${o.workers} workers${useWeb ? ", 1 web" : ""}, ${o.kills} kills` +
        `${webKillCount ? `, ${webKillCount} web kills` : ""}${redisRestart ? ", 1 Redis crash" : ""}${pgTerminate ? ", 1 PostgreSQL connection drop" : ""}` +
        `${providerFaults ? `, provider 5xx/timeout/slow for ${providerFaultMs} ms each` : ""}${pgOutageMs > 0 ? `, PostgreSQL down ${pgOutageMs} ms` : ""}${replyShare ? `, ${Math.round(replyShare * 100)} % of patients reply` : ""}`,
    );
    const scenario = await createScenario(env.orm, { patients: o.patients, dueAt: new Date(), credits: o.patients * 2 });
    log(`campaign written; starting processes (logs in ${runLogDir})`);

    if (useWeb) {
      pm.start("web", "web-0", webEnv);
      await waitForHealthy(`${webUrl}/healthz`, 30_000);
    }
    const names: { name: string; app: AppName }[] = [
      ...Array.from({ length: o.relays }, (_, i) => ({ name: `relay-${i}`, app: "relay" as const })),
      ...Array.from({ length: o.workers }, (_, i) => ({ name: `worker-${i}`, app: "worker" as const })),
    ];
    for (const n of names) pm.start(n.app, n.name);

    // Faults only count while work is in flight: wait for the first send before injecting anything.
    const warmup = Date.now() + 60_000;
    while (env.sim.state.messages.length === 0 && Date.now() < warmup) await sleep(50);

    let kills = 0;
    let redisRestarts = 0;
    let pgConnectionsTerminated = 0;
    let webKills = 0;
    let providerWindows = 0;
    const pgOutages = { count: 0, seconds: 0, connectionsDropped: 0, repliesWhileDown: 0 };
    const whileDown = { posted: 0, accepted: 0 };
    let lastFault = Date.now();
    // Faults are spread over the campaign: fault i waits until (i + 1) / (n + 1) of it was sent.
    const plan = faultPlan(o.kills, redisRestart, pgTerminate, { webKills: webKillCount, providerFaults, pgOutage: pgOutageMs > 0 });
    for (const [i, fault] of plan.entries()) {
      const due = Math.floor((o.patients * (i + 1)) / (plan.length + 1));
      const waitUntil = Date.now() + 120_000;
      while (env.sim.state.messages.length < due && Date.now() < waitUntil) {
        o.signal?.throwIfAborted();
        await sleep(100);
      }
      await sleep(randomBetween(100, 500));
      if (fault.kind === "kill") {
        const victim = names[Math.floor(Math.random() * names.length)]!;
        await pm.kill(victim.name);
        kills++;
        log(`kill ${kills}/${o.kills}: SIGKILL ${victim.name}, sent so far ${env.sim.state.messages.length}`);
        await sleep(randomBetween(50, 400));
        pm.start(victim.app, victim.name);
      } else if (fault.kind === "redis" && redis) {
        log(`Redis: SIGKILL (down ${o.redisDownMs ?? 3000} ms), sent so far ${env.sim.state.messages.length}`);
        await redis.crashAndRestart(o.redisDownMs ?? 3000, async () => {
          if (useWeb) Object.assign(whileDown, await postCallbacksWhileDown(env, webUrl, 50));
        });
        redisRestarts++;
        log(`Redis back; web accepted ${whileDown.accepted}/${whileDown.posted} signed callbacks while it was down`);
      } else if (fault.kind === "pg") {
        pgConnectionsTerminated = await terminateBackends(env);
        log(`PostgreSQL: terminated ${pgConnectionsTerminated} connections of ${env.databaseName}`);
      } else if (fault.kind === "web") {
        await pm.kill("web-0");
        webKills++;
        log(`web kill ${webKills}/${webKillCount}: SIGKILL web-0 under webhook load, sent so far ${env.sim.state.messages.length}`);
        await sleep(randomBetween(200, 800));
        pm.start("web", "web-0", webEnv);
      } else if (fault.kind === "provider") {
        // A timeout holds the request past the worker's TWILIO_TIMEOUT_MS (3 s); half the failed creates were taken.
        env.sim.configure({ apiFault: { kind: fault.fault, share: 0.5, acceptedShare: 0.5, status: fault.fault === "5xx" ? 500 : 503, delayMs: fault.fault === "slow" ? 1500 : 4000 } });
        providerWindows++;
        log(`provider: ${fault.fault} on half the API requests for ${providerFaultMs} ms, sent so far ${env.sim.state.messages.length}`);
        await sleep(providerFaultMs);
        env.sim.configure({ apiFault: null });
      } else if (fault.kind === "pg-outage" && pgProxy) {
        outageUntil = Date.now() + pgOutageMs + 15_000;
        const repliesBefore = env.sim.state.inbound.length;
        log(`PostgreSQL: down for the processes for ${pgOutageMs} ms while patients reply, sent so far ${env.sim.state.messages.length}`);
        const { dropped } = await pgProxy.outage(pgOutageMs, useWeb ? () => repliesWhileDown(env, scenario.messageIds, pgOutages, Math.min(40, Math.ceil(o.patients / 10))) : undefined);
        pgOutages.count++;
        pgOutages.seconds += pgOutageMs / 1000;
        pgOutages.connectionsDropped += dropped;
        log(`PostgreSQL back: ${dropped} connections dropped, ${env.sim.state.inbound.length - repliesBefore} replies arrived meanwhile (${pgOutages.repliesWhileDown} sent by patients during it)`);
      }
      lastFault = Date.now();
    }

    const deadline = Date.now() + o.timeoutMs;
    let settledPolls = 0;
    while (Date.now() < deadline) {
      o.signal?.throwIfAborted();
      const open = await retrying(() => openWork(env, scenario.workspaceId));
      const cb = env.sim.state.callbacks;
      const callbacksSettled = !useWeb || (cb.inFlight === 0 && cb.posted + cb.failed >= env.sim.state.messages.length);
      const repliesStored = !useWeb || (await retrying(() => storedReplies(env))).stored >= env.sim.state.inbound.length;
      // Entries a killed consumer held are claimed by a live one after STREAM_CLAIM_IDLE_MS and acked.
      if (open.messages === 0 && open.outbox === 0 && open.statusEvents === 0 && callbacksSettled && (await retrying(() => pendingEntries(env))) === 0) {
        // Every callback applied and every reply stored, or nothing changes any more for a while
        // (reconciliation runs every few seconds).
        if (!useWeb || (open.delivered >= env.sim.state.messages.length && repliesStored) || ++settledPolls >= 60) break;
      } else {
        settledPolls = 0;
      }
      await sleep(250);
    }
    const drainSeconds = (Date.now() - lastFault) / 1000;

    // Our message id is on every status-callback URL (?m=): a message of ours at the provider twice
    // is a duplicate whatever its type; a patient without their rating request there is lost.
    const perMessage = new Map<string, number>();
    for (const m of env.sim.state.messages) {
      const id = m.statusCallback ? new URL(m.statusCallback).searchParams.get("m") : null;
      if (id) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    }
    let duplicated = 0;
    for (const c of perMessage.values()) duplicated += c - 1;
    const lost = scenario.messageIds.filter((id) => !perMessage.has(id)).length;
    const em = env.orm.em.fork();
    const [credits] = await em.execute<{ deducted: string; billed: string }[]>(
      `select (select coalesce(-sum(amount), 0) from credit_ledger_entries where workspace_id = ? and kind = 'deduct')::text as deducted,
              (select coalesce(sum(segments), 0) from messages where workspace_id = ? and provider_sid is not null
                  and type not in ('HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION'))::text as billed`,
      [scenario.workspaceId, scenario.workspaceId],
    );
    // Which sent messages have no deduction (to explain a gap between the two numbers above).
    const undeducted = await em.execute<{ id: string; status: string; credits_held: number }[]>(
      `select m.id, m.status, m.credits_held from messages m
        where m.workspace_id = ? and m.provider_sid is not null and m.type not in ('HELP', 'OPT_OUT_CONFIRMATION', 'STAFF_ALERT', 'VERIFICATION')
          and not exists (select 1 from credit_ledger_entries l where l.workspace_id = m.workspace_id and l.kind = 'deduct' and l.reference = 'message:' || m.id)
        limit 5`,
      [scenario.workspaceId],
    );
    const open = await openWork(env, scenario.workspaceId);
    const pendingStreamEntries = await pendingEntries(env);
    const dead = await deadLetters(env);
    const cb = env.sim.state.callbacks;
    const received = scenario.messageIds.filter((id) => perMessage.has(id)).length;
    const replies = useWeb ? await storedReplies(env) : { stored: 0, lost: 0, duplicated: 0 };
    const atProvider = env.sim.state.inbound.length;
    const webhookFailed = env.sim.state.inbound.filter((r) => r.webhookStatus === null || r.webhookStatus < 200 || r.webhookStatus >= 300).length;
    const faults = env.sim.state.apiFaults;
    const report: ChaosReport = {
      patients: o.patients,
      eligible: scenario.phones.length,
      received,
      lost,
      duplicated,
      kills,
      crashes,
      exitsDuringOutage: outageExits,
      redisRestarts,
      pgConnectionsTerminated,
      webKills,
      providerFaults: { windows: providerWindows, "5xx": faults["5xx"], timeout: faults.timeout, slow: faults.slow, acceptedBeforeFailure: faults.acceptedBeforeFailure },
      pgOutages,
      replies: { atProvider, webhookFailed, stored: replies.stored, lost: replies.lost, duplicated: replies.duplicated },
      webhooksWhileRedisDown: whileDown,
      statusCallbacks: useWeb ? { posted: cb.posted, failed: cb.failed, notApplied: env.sim.state.messages.length - open.delivered } : null,
      deductedCredits: Number(credits!.deducted),
      billedSegments: Number(credits!.billed),
      undeductedSamples: undeducted.map((u) => ({ id: u.id, status: u.status, creditsHeld: Number(u.credits_held) })),
      stuckOutboxRows: open.outbox,
      unappliedStatusCallbacks: open.statusEvents,
      pendingStreamEntries,
      deadLetters: dead.count,
      deadLetterSamples: dead.samples,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      totalSeconds: Math.round((Date.now() - started) / 100) / 10,
      ok: false,
    };
    report.ok =
      crashes.length === 0 &&
      lost === 0 &&
      duplicated === 0 &&
      report.deductedCredits === report.billedSegments &&
      open.outbox === 0 &&
      open.statusEvents === 0 &&
      pendingStreamEntries === 0 &&
      dead.count === 0 &&
      // Callbacks Twilio gave up on are allowed (web kills, the outage): each delivery must be applied anyway.
      (!useWeb || report.statusCallbacks!.notApplied === 0) &&
      (!useWeb || (report.replies.lost === 0 && report.replies.duplicated === 0)) &&
      (!(useWeb && redisRestart) || (whileDown.posted > 0 && whileDown.accepted === whileDown.posted));
    return report;
  } finally {
    stopped = true;
    await pm.stopAll();
    await pgProxy?.close();
    await env.close();
    await redis?.stop();
  }
}

/**
 * While Redis is down: replays an earlier status ("sent") for messages already sent, signed like
 * Twilio. The web process must store them (2xx) without Redis; the worker later finds them older
 * than what it has and changes nothing.
 */
async function postCallbacksWhileDown(env: RunEnv, webUrl: string, n: number): Promise<{ posted: number; accepted: number }> {
  const sent = env.sim.state.messages.filter((m) => m.statusCallback).slice(0, n);
  let accepted = 0;
  await Promise.all(
    sent.map(async (m) => {
      const target = new URL(m.statusCallback!);
      const url = `${webUrl}${target.pathname}${target.search}`;
      const params = { MessageSid: m.sid, MessageStatus: "sent", AccountSid: ACCOUNT_SID, From: m.from ?? "", To: m.to, ApiVersion: "2010-04-01" };
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signTwilioRequest(AUTH_TOKEN, url, params) },
          body: new URLSearchParams(params).toString(),
        });
        if (res.status >= 200 && res.status < 300) accepted++;
      } catch {
        // counted as not accepted
      }
    }),
  );
  return { posted: sent.length, accepted };
}

/**
 * While PostgreSQL is away: patients who have not answered yet reply "4" to their rating request,
 * one every 100 ms. Twilio posts each to the web process, which cannot store it (5xx); Twilio
 * retries as the connection overrides allow and then gives up, so only inbound reconciliation can
 * bring these replies back.
 */
async function repliesWhileDown(env: RunEnv, initialIds: readonly string[], counter: { repliesWhileDown: number }, n: number): Promise<void> {
  const ids = new Set(initialIds);
  const replied = new Set(env.sim.state.inbound.map((r) => r.from));
  const targets = env.sim.state.messages.filter((m) => m.statusCallback && ids.has(new URL(m.statusCallback).searchParams.get("m") ?? "") && m.from && !replied.has(m.to)).slice(0, n);
  await Promise.all(
    targets.map(async (m, i) => {
      await sleep(i * 100);
      counter.repliesWhileDown++;
      await env.sim.inbound({ from: m.to, to: m.from!, body: "4" }).catch(() => {});
    }),
  );
}

/** Drops every connection the run's processes hold to its database (not the harness's own). */
async function terminateBackends(env: RunEnv): Promise<number> {
  const admin = new URL(env.databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) filter (where pg_terminate_backend(pid))::text as n from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid() and application_name is distinct from $2`,
      [env.databaseName, HARNESS_APP_NAME],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

async function retrying<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= attempts) throw err;
      await sleep(200 * i);
    }
  }
}

/** Messages not yet handed to the provider, delivered ones, and outbox rows that are due but not done (scheduled reminders are not stuck). */
/**
 * Work still to do. A send waiting for its verification time (an interrupted attempt) counts even
 * though it is not due yet: it settles the charge of a message the provider may already have.
 */
async function openWork(env: RunEnv, workspaceId: string): Promise<{ messages: number; delivered: number; outbox: number; statusEvents: number }> {
  const [row] = await env.orm.em.fork().execute<{ messages: string; delivered: string; outbox: string; status_events: string }[]>(
    `select (select count(*) from messages where workspace_id = ? and status in ('PENDING', 'SENDING'))::text as messages,
            (select count(*) from messages where workspace_id = ? and status in ('DELIVERED', 'READ'))::text as delivered,
            (select count(*) from outbox where stream <> 'periodic' and (status = 'published' or (status = 'pending' and (available_at <= now() or type = 'message.send'))))::text as outbox,
            (select count(*) from provider_status_events where applied_at is null and available_at <= now())::text as status_events`,
    [workspaceId, workspaceId],
  );
  return { messages: Number(row!.messages), delivered: Number(row!.delivered), outbox: Number(row!.outbox), statusEvents: Number(row!.status_events) };
}

/** The patients' replies the simulator (Twilio) has, against what the run's database stored by provider sid. */
async function storedReplies(env: RunEnv): Promise<{ stored: number; lost: number; duplicated: number }> {
  const sids = env.sim.state.inbound.map((r) => r.sid);
  if (sids.length === 0) return { stored: 0, lost: 0, duplicated: 0 };
  const rows = await env.orm.em.fork().execute<{ provider_sid: string; n: string }[]>(
    "select provider_sid, count(*)::text as n from inbound_messages where provider_sid = any(?::text[]) group by provider_sid",
    [`{${sids.join(",")}}`],
  );
  const duplicated = rows.reduce((s, r) => s + Number(r.n) - 1, 0);
  return { stored: rows.length, lost: sids.length - rows.length, duplicated };
}

async function pendingEntries(env: RunEnv): Promise<number> {
  let total = 0;
  for (const kind of ["dispatch", "provider-status", "inbound"] as const) {
    for (const key of allStreamKeys({ prefix: env.prefix, partitions: 1 }, kind)) {
      if (!(await env.redis.exists(key))) continue;
      try {
        const summary = (await env.redis.xpending(key, CONSUMER_GROUP)) as [number];
        total += Number(summary[0]);
      } catch {
        // no group on this stream: nothing pending
      }
    }
  }
  return total;
}

/** Dead letters of every kind the run produces, with up to five samples so a failure explains itself. */
async function deadLetters(env: RunEnv): Promise<{ count: number; samples: DeadLetterSummary[] }> {
  let count = 0;
  const samples: DeadLetterSummary[] = [];
  for (const kind of DEAD_LETTER_KINDS) {
    const key = deadLetterKey({ prefix: env.prefix, partitions: 1 }, kind);
    count += await env.redis.xlen(key);
    for (const [, fields] of (await env.redis.xrange(key, "-", "+", "COUNT", 5 - samples.length)) as [string, string[]][]) {
      const f = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
      if (samples.length < 5) samples.push({ kind, reason: f.get("reason") ?? "", type: f.get("type") ?? "" });
    }
  }
  return { count, samples };
}

export function formatChaosReport(r: ChaosReport): string {
  const rows: [string, string | number][] = [
    ["patients (eligible)", `${r.patients} (${r.eligible})`],
    ["processes killed", r.kills],
    ["processes crashed on their own", r.crashes.length ? r.crashes.map((c) => `${c.name}@${c.at}s`).join(", ") : 0],
    ["exits during the PostgreSQL outage", r.exitsDuringOutage.length ? r.exitsDuringOutage.map((c) => `${c.name}@${c.at}s`).join(", ") : 0],
    ["Redis crashes + restarts", r.redisRestarts],
    ["PostgreSQL connections terminated", r.pgConnectionsTerminated],
    ["web processes killed", r.webKills],
    ["provider fault windows", r.providerFaults.windows],
    ["  requests answered 5xx / timed out / slowed", `${r.providerFaults["5xx"]} / ${r.providerFaults.timeout} / ${r.providerFaults.slow}`],
    ["  failed creates the provider had taken", r.providerFaults.acceptedBeforeFailure],
    ["PostgreSQL outages (seconds, connections dropped)", `${r.pgOutages.count} (${r.pgOutages.seconds} s, ${r.pgOutages.connectionsDropped})`],
    ["  replies sent by patients during them", r.pgOutages.repliesWhileDown],
    ["replies at the provider / webhook failed", `${r.replies.atProvider} / ${r.replies.webhookFailed}`],
    ["replies stored / lost / duplicated", `${r.replies.stored} / ${r.replies.lost} / ${r.replies.duplicated}`],
    ["webhooks accepted while Redis down", `${r.webhooksWhileRedisDown.accepted} / ${r.webhooksWhileRedisDown.posted}`],
    ["rating requests at the provider", r.received],
    ["lost", r.lost],
    ["duplicated", r.duplicated],
    ["credits deducted / segments billed", `${r.deductedCredits} / ${r.billedSegments}`],
    ...r.undeductedSamples.map((u, i) => [`  sent, not deducted ${i + 1}`, `${u.id} ${u.status} held ${u.creditsHeld}`] as [string, string]),
    ...(r.statusCallbacks
      ? ([["status callbacks posted / failed / not applied", `${r.statusCallbacks.posted} / ${r.statusCallbacks.failed} / ${r.statusCallbacks.notApplied}`]] as [string, string][])
      : []),
    ["stuck outbox rows", r.stuckOutboxRows],
    ["unapplied status callbacks", r.unappliedStatusCallbacks],
    ["pending stream entries", r.pendingStreamEntries],
    ["dead letters", r.deadLetters],
    ...r.deadLetterSamples.map((d, i) => [`  dead letter ${i + 1}`, `${d.kind} ${d.type}: ${d.reason}`] as [string, string]),
    ["drain after last fault", `${r.drainSeconds} s`],
    ["total", `${r.totalSeconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), `lost ${r.lost}`, `duplicated ${r.duplicated}`, `replies lost ${r.replies.lost}`, `replies duplicated ${r.replies.duplicated}`, r.ok ? "OK" : "FAILED"].join("\n");
}
