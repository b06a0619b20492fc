// Fault injection (SPEC §11): a campaign goes out through real relay and worker processes while
// a chaos loop SIGKILLs and restarts them at random. Afterwards every eligible patient must have
// exactly one INITIAL at the simulator, deductions must equal billed segments, and nothing may be
// stuck in the outbox or in a stream's pending list.
import { allStreamKeys, CONSUMER_GROUP, deadLetterKey } from "@rm/streams";
import { createScenario } from "@rm/test-utils";
import { ProcessManager, type AppName } from "./processes.ts";
import { createRunEnv, type RunEnv } from "./run-env.ts";

export interface ChaosOptions {
  patients: number;
  kills: number;
  workers: number;
  relays: number;
  /** Give up waiting for the drain after this long. */
  timeoutMs: number;
  logDir: string;
  log?: (line: string) => void;
}

export interface ChaosReport {
  patients: number;
  eligible: number;
  received: number;
  lost: number;
  duplicated: number;
  kills: number;
  deductedCredits: number;
  billedSegments: number;
  stuckOutboxRows: number;
  pendingStreamEntries: number;
  deadLetters: number;
  drainSeconds: number;
  totalSeconds: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomBetween = (a: number, b: number) => a + Math.random() * (b - a);

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const env = await createRunEnv({
    // Short timeouts so reclaims and sweeps happen within the run; the 1.5× rule still holds.
    workerEnv: { STREAM_CLAIM_IDLE_MS: "6000", TWILIO_TIMEOUT_MS: "3000", OUTBOX_SWEEP_AFTER_MS: "10000", RELAY_POLL_MS: "200" },
  });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/chaos-${env.id}` });
  try {
    log(`chaos run ${env.id}: ${o.patients} patients, ${o.relays} relays, ${o.workers} workers, ${o.kills} kills`);
    const scenario = await createScenario(env.orm, { patients: o.patients, dueAt: new Date(), credits: o.patients * 2 });
    log(`campaign written; starting processes (logs in ${o.logDir}/chaos-${env.id})`);

    const names: { name: string; app: AppName }[] = [
      ...Array.from({ length: o.relays }, (_, i) => ({ name: `relay-${i}`, app: "relay" as const })),
      ...Array.from({ length: o.workers }, (_, i) => ({ name: `worker-${i}`, app: "worker" as const })),
    ];
    for (const n of names) pm.start(n.app, n.name);

    // Faults only count while work is in flight: wait for the first send before killing anything.
    const warmup = Date.now() + 60_000;
    while (env.sim.state.messages.length === 0 && Date.now() < warmup) await sleep(50);

    let kills = 0;
    let lastFault = Date.now();
    while (kills < o.kills) {
      await sleep(randomBetween(100, 500));
      const victim = names[Math.floor(Math.random() * names.length)]!;
      await pm.kill(victim.name);
      kills++;
      lastFault = Date.now();
      log(`kill ${kills}/${o.kills}: SIGKILL ${victim.name}, sent so far ${env.sim.state.messages.length}`);
      await sleep(randomBetween(50, 400));
      pm.start(victim.app, victim.name);
    }

    const drainStarted = Date.now();
    const deadline = drainStarted + o.timeoutMs;
    while (Date.now() < deadline) {
      const open = await openWork(env, scenario.workspaceId);
      if (open.messages === 0 && open.outbox === 0) break;
      await sleep(250);
    }
    const drainSeconds = (Date.now() - lastFault) / 1000;

    const counts = new Map<string, number>();
    for (const m of env.sim.state.messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    let lost = 0;
    let duplicated = 0;
    for (const phone of scenario.phones) {
      const c = counts.get(phone) ?? 0;
      if (c === 0) lost++;
      else duplicated += c - 1;
    }
    const em = env.orm.em.fork();
    const [credits] = await em.execute<{ deducted: string; billed: string }[]>(
      `select (select coalesce(-sum(amount), 0) from credit_ledger_entries where workspace_id = ? and kind = 'deduct')::text as deducted,
              (select coalesce(sum(segments), 0) from messages where workspace_id = ? and provider_sid is not null)::text as billed`,
      [scenario.workspaceId, scenario.workspaceId],
    );
    const open = await openWork(env, scenario.workspaceId);
    const pendingStreamEntries = await pendingEntries(env);
    const deadLetters = await env.redis.xlen(deadLetterKey({ prefix: env.prefix, partitions: 1 }, "dispatch"));
    const report: ChaosReport = {
      patients: o.patients,
      eligible: scenario.phones.length,
      received: env.sim.state.messages.length,
      lost,
      duplicated,
      kills,
      deductedCredits: Number(credits!.deducted),
      billedSegments: Number(credits!.billed),
      stuckOutboxRows: open.outbox,
      pendingStreamEntries,
      deadLetters,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      totalSeconds: Math.round((Date.now() - started) / 100) / 10,
      ok: false,
    };
    report.ok = lost === 0 && duplicated === 0 && report.deductedCredits === report.billedSegments && open.outbox === 0 && pendingStreamEntries === 0 && deadLetters === 0;
    return report;
  } finally {
    await pm.stopAll();
    await env.close();
  }
}

/** Messages not yet handed to the provider, and outbox rows of this run still in flight. */
async function openWork(env: RunEnv, workspaceId: string): Promise<{ messages: number; outbox: number }> {
  const [row] = await env.orm.em.fork().execute<{ messages: string; outbox: string }[]>(
    `select (select count(*) from messages where workspace_id = ? and status in ('PENDING', 'SENDING'))::text as messages,
            (select count(*) from outbox where stream <> 'periodic' and status in ('pending', 'published'))::text as outbox`,
    [workspaceId],
  );
  return { messages: Number(row!.messages), outbox: Number(row!.outbox) };
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

export function formatChaosReport(r: ChaosReport): string {
  const rows: [string, string | number][] = [
    ["patients (eligible)", `${r.patients} (${r.eligible})`],
    ["processes killed", r.kills],
    ["INITIALs at the provider", r.received],
    ["lost", r.lost],
    ["duplicated", r.duplicated],
    ["credits deducted / segments billed", `${r.deductedCredits} / ${r.billedSegments}`],
    ["stuck outbox rows", r.stuckOutboxRows],
    ["pending stream entries", r.pendingStreamEntries],
    ["dead letters", r.deadLetters],
    ["drain after last fault", `${r.drainSeconds} s`],
    ["total", `${r.totalSeconds} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), `lost ${r.lost}`, `duplicated ${r.duplicated}`, r.ok ? "OK" : "FAILED"].join("\n");
}
