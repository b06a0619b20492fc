// Where the machine's CPU went during a measured window: every process of a benchmark run, the
// database and Redis servers included, and what stayed idle. A benchmark that misses a target prints
// this account, so the note can say what bounds it (all cores busy, and on what) instead of guessing.
//
// Sources, all read on the same machine the run uses: /proc/stat for the machine (busy and idle
// ticks of every core); /proc/<pid>/stat for the run's own processes and for the
// PostgreSQL server (the postmaster and every child, plus the CPU of children that already exited,
// which the kernel adds to the parent's cutime/cstime once it reaps them); Redis's own `INFO cpu`;
// process.cpuUsage() for the benchmark process (uploads, the provider simulator, the clock).
import { readFileSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { MikroORM } from "@mikro-orm/postgresql";

const CLOCK_TICKS = 100;

/** A single Redis server's client (a Redis Cluster's CPU is several servers': pass null). */
export interface RedisInfoClient {
  info(section: string): Promise<string>;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export interface CpuSnapshot {
  atMs: number;
  /** The machine's ticks read before and after the processes' own: a window runs from one snapshot's
   * first reading to the next one's last, so it holds every process reading in between. Otherwise the
   * time the readings take (a /proc walk on a loaded machine) counts processes' CPU the window misses. */
  machineFirst: { busy: number; idle: number };
  machineLast: { busy: number; idle: number };
  bench: number;
  apps: Record<string, number>;
  /** Ticks of each PostgreSQL process read (the postmaster's reaped children under -1); null without a local server. */
  postgresTicks: Record<number, number> | null;
  redis: number | null;
}

export interface CpuAccount {
  seconds: number;
  cores: number;
  /** CPU seconds in the window, by who spent them; "other" is the machine's busy time no listed process accounts for. */
  cpuSeconds: Record<string, number>;
  /** Each as a share of the machine's capacity (cores × seconds); they and idle add up to 1 within `resolutionShare`. */
  shareOfMachine: Record<string, number>;
  idleShare: number;
  /**
   * How far the shares can be off 1 from clock ticks alone: the kernel counts each process's user and
   * system time in whole ticks (10 ms), so each counter that moved in the window is off by less than
   * two ticks, and the machine's busy and idle by less than six each. Over a window of a few hundred
   * milliseconds with dozens of PostgreSQL backends busy, that is several percent.
   */
  resolutionShare: number;
}

/** Processes one app kind's reading may sum (the benchmarks run at most four of a kind): two ticks each. */
const PROCESSES_PER_APP_KIND = 4;

function machineTicks(): { busy: number; idle: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return { busy: user! + nice! + system! + irq! + softirq! + steal!, idle: idle! + iowait! };
}

/** utime, stime, cutime, cstime and the parent pid of a process, in ticks; null when it is gone. */
function procTimes(pid: number): { own: number; reaped: number; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]), ppid: Number(f[1]) };
  } catch {
    return null;
  }
}

/** The PostgreSQL server's CPU so far: the postmaster, its live children, and its reaped ones, per process. */
function postgresTicks(postmasterPid: number): Record<number, number> | null {
  // A child reaped while /proc is walked is in neither sum (its whole life's CPU would then land in the
  // next window), so a walk during which the reaped total moved is done again.
  for (let attempt = 0; ; attempt++) {
    const master = procTimes(postmasterPid);
    if (!master) return null;
    const ticks: Record<number, number> = { [postmasterPid]: master.own, [-1]: master.reaped };
    for (const entry of readdirSync("/proc")) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === postmasterPid) continue;
      const t = procTimes(pid);
      if (t && t.ppid === postmasterPid) ticks[pid] = t.own;
    }
    const after = procTimes(postmasterPid);
    if (!after) return null;
    if (after.reaped === master.reaped || attempt === 9) return ticks;
  }
}

/** The postmaster of the server the ORM speaks to, when it runs on this machine (null otherwise). */
export async function findPostmaster(orm: MikroORM): Promise<number | null> {
  const [row] = await orm.em.fork().execute<{ pid: number }[]>("select pg_backend_pid() as pid");
  const backend = procTimes(Number(row?.pid));
  return backend ? backend.ppid : null;
}

/** Redis's own CPU seconds (`INFO cpu`, main thread and its helpers). */
async function redisSeconds(redis: RedisInfoClient): Promise<number | null> {
  const info = await redis.info("cpu");
  const value = (key: string) => Number(info.match(new RegExp(`^${key}:([\\d.]+)`, "m"))?.[1]);
  const total = value("used_cpu_sys") + value("used_cpu_user");
  return Number.isFinite(total) ? total : null;
}

/** `apps`: CPU seconds so far of the run's own processes by kind (ProcessManager.cpuByApp, or the baseline's workers). */
export async function cpuSnapshot(o: { apps: () => Record<string, number>; postmasterPid: number | null; redis: RedisInfoClient | null }): Promise<CpuSnapshot> {
  const first = machineTicks();
  const atMs = performance.now();
  const usage = process.cpuUsage();
  const apps = o.apps();
  const pgTicks = o.postmasterPid === null ? null : postgresTicks(o.postmasterPid);
  const redis = o.redis ? await redisSeconds(o.redis) : null;
  const last = machineTicks();
  const seconds = (t: { busy: number; idle: number }) => ({ busy: t.busy / CLOCK_TICKS, idle: t.idle / CLOCK_TICKS });
  return { atMs, machineFirst: seconds(first), machineLast: seconds(last), bench: (usage.user + usage.system) / 1e6, apps, postgresTicks: pgTicks, redis };
}

/** The account of the window between two snapshots. `benchLabel` names what the benchmark process did. */
export function cpuAccount(a: CpuSnapshot, b: CpuSnapshot, benchLabel: string): CpuAccount {
  const seconds = (b.atMs - a.atMs) / 1000;
  const cores = availableParallelism();
  const cpuSeconds: Record<string, number> = {};
  // Every process kind that ran in the window, even one that used less than a clock tick (10 ms).
  for (const [app, s] of Object.entries(b.apps)) if (s > 0 || (a.apps[app] ?? 0) > 0) cpuSeconds[app] = Math.max(0, s - (a.apps[app] ?? 0));
  cpuSeconds[benchLabel] = b.bench - a.bench;
  const pgA = a.postgresTicks ?? {};
  const pgB = b.postgresTicks ?? {};
  const sum = (ticks: Record<number, number>) => Object.values(ticks).reduce((x, y) => x + y, 0);
  if (a.postgresTicks && b.postgresTicks) cpuSeconds.postgres = (sum(pgB) - sum(pgA)) / CLOCK_TICKS;
  if (a.redis !== null && b.redis !== null) cpuSeconds.redis = b.redis - a.redis;
  const busy = b.machineLast.busy - a.machineFirst.busy;
  const idle = b.machineLast.idle - a.machineFirst.idle;
  const listed = Object.values(cpuSeconds).reduce((x, y) => x + y, 0);
  cpuSeconds.other = Math.max(0, busy - listed);
  // The machine's own tick counts are the capacity (they move with the window, whatever the clock says).
  const capacity = busy + idle;
  const pids = new Set([...Object.keys(pgA), ...Object.keys(pgB)].map(Number));
  const movedPostgres = [...pids].filter((pid) => pgA[pid] !== pgB[pid]).length;
  const movedApps = Object.keys(b.apps).filter((app) => b.apps[app] !== a.apps[app]).length;
  const resolutionTicks = 2 * (movedPostgres + PROCESSES_PER_APP_KIND * movedApps) + 12;
  const shareOfMachine = Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, round(v / capacity, 3)]));
  return {
    seconds: round(seconds, 2),
    cores,
    cpuSeconds: Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, round(v, 2)])),
    shareOfMachine,
    idleShare: round(idle / capacity, 3),
    resolutionShare: round(resolutionTicks / CLOCK_TICKS / capacity, 3),
  };
}

/** One line per consumer, largest first: CPU seconds, per 1,000 messages (or rows: `unit`), and share of the machine. */
export function formatCpuAccount(title: string, account: CpuAccount, messages: number, unit = "msgs"): string[] {
  const rows = Object.entries(account.cpuSeconds).sort((x, y) => y[1] - x[1]);
  return [
    `${title}: ${account.seconds} s on ${account.cores} cores, idle ${(account.idleShare * 100).toFixed(1)} % (shares ± ${(account.resolutionShare * 100).toFixed(1)} % from clock ticks)`,
    ...rows.map(([who, s]) => `  ${who.padEnd(36)}${s.toFixed(2)} s CPU, ${((s / messages) * 1000).toFixed(3)} s/1000 ${unit}, ${((account.shareOfMachine[who] ?? 0) * 100).toFixed(1)} % of the machine`),
  ];
}
