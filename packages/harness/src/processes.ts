// Starts the real relay, worker and web processes (node src/main.ts, node server.ts) with an environment of the
// harness's choosing, can SIGKILL and restart them, and keeps their output in log files.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Environment variables for a child process. Not `NodeJS.ProcessEnv`: consumers whose types declare a
 * required NODE_ENV (Vite's client types in the web app's tests) could not pass a partial one.
 */
export type EnvVars = Record<string, string | undefined>;

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export type AppName = "relay" | "worker" | "web";

const ENTRY: Record<AppName, string> = { relay: "src/main.ts", worker: "src/main.ts", web: "server.ts" };

export interface ManagedProcess {
  name: string;
  app: AppName;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** CPU seconds used (user + system), read from /proc while running, frozen at exit. */
  cpuSeconds(): number;
  /** Peak resident set size in MiB seen by sampling. */
  peakRssMiB(): number;
}

export interface ProcessManagerOptions {
  env: EnvVars;
  logDir: string;
  /** A process exited without being killed or stopped by the manager (a crash). */
  onUnexpectedExit?: (p: { name: string; app: AppName; code: number | null; signal: NodeJS.Signals | null }) => void;
}

// A harness stopped by a signal (timeout(1), a cancelled CI job, `kill`) stops the processes it
// started before it goes: otherwise they live on as orphans, polling the database and Redis, and skew
// whatever runs next on the machine. Ctrl-C reaches them anyway (the terminal signals the whole process
// group); these signals are sent to the harness alone. The handlers are installed while a manager has
// processes to stop, and the signal is raised again afterwards, so the harness still dies of it.
const liveManagers = new Set<ProcessManager>();
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function stopAllOnSignal(signal: NodeJS.Signals): void {
  for (const s of STOP_SIGNALS) process.removeListener(s, stopAllOnSignal);
  void Promise.allSettled([...liveManagers].map((pm) => pm.stopAll("SIGTERM", 5_000))).finally(() => process.kill(process.pid, signal));
}

function trackManager(pm: ProcessManager, live: boolean): void {
  const before = liveManagers.size;
  if (live) liveManagers.add(pm);
  else liveManagers.delete(pm);
  if (before === 0 && liveManagers.size > 0) for (const s of STOP_SIGNALS) process.on(s, stopAllOnSignal);
  if (before > 0 && liveManagers.size === 0) for (const s of STOP_SIGNALS) process.removeListener(s, stopAllOnSignal);
}

export class ProcessManager {
  private readonly env: EnvVars;
  private readonly logDir: string;
  private readonly logs = new Map<string, WriteStream>();
  private readonly running = new Map<string, ManagedProcess>();
  private sampler: NodeJS.Timeout | null = null;
  private readonly stats = new Map<string, { cpu: number; peakRss: number }>();
  private readonly finishedCpu = new Map<AppName, number>();
  private readonly stopping = new WeakSet<ChildProcess>();
  private readonly onUnexpectedExit: ProcessManagerOptions["onUnexpectedExit"];

  constructor(o: ProcessManagerOptions) {
    this.env = o.env;
    this.onUnexpectedExit = o.onUnexpectedExit;
    this.logDir = o.logDir;
    mkdirSync(this.logDir, { recursive: true });
    this.sampler = setInterval(() => this.sample(), 250);
    this.sampler.unref();
  }

  start(app: AppName, name: string, extraEnv: EnvVars = {}): ManagedProcess {
    let log = this.logs.get(name);
    if (!log) {
      log = createWriteStream(`${this.logDir}/${name}.log`, { flags: "a" });
      this.logs.set(name, log);
    }
    const child = spawn(process.execPath, [ENTRY[app]], {
      cwd: `${ROOT}apps/${app}`,
      env: { ...process.env, ...this.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    const stat = { cpu: 0, peakRss: 0 };
    this.stats.set(`${name}:${child.pid}`, stat);
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code, signal) => {
        this.finishedCpu.set(app, (this.finishedCpu.get(app) ?? 0) + stat.cpu);
        if (this.running.get(name)?.child === child) this.running.delete(name);
        if (!this.stopping.has(child)) this.onUnexpectedExit?.({ name, app, code, signal });
        resolve(code);
      }),
    );
    // CPU read fresh while the process runs (a window's account needs "now", not the last sample).
    const cpuSeconds = () => {
      const usage = child.exitCode === null && child.pid ? readProcStat(child.pid) : null;
      if (usage) stat.cpu = usage.cpuSeconds;
      return stat.cpu;
    };
    const managed: ManagedProcess = { name, app, child, exited, cpuSeconds, peakRssMiB: () => stat.peakRss };
    this.running.set(name, managed);
    trackManager(this, true);
    return managed;
  }

  get(name: string): ManagedProcess | undefined {
    return this.running.get(name);
  }

  names(): string[] {
    return [...this.running.keys()];
  }

  /** SIGKILL: no shutdown hook runs, in-flight work is simply lost to the process. */
  async kill(name: string): Promise<void> {
    const p = this.running.get(name);
    if (!p) return;
    this.stopping.add(p.child);
    p.child.kill("SIGKILL");
    await p.exited;
  }

  async stopAll(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000): Promise<void> {
    const all = [...this.running.values()];
    for (const p of all) {
      this.stopping.add(p.child);
      p.child.kill(signal);
    }
    const deadline = new Promise((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([Promise.all(all.map((p) => p.exited)), deadline]);
    for (const p of all) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await Promise.all(all.map((p) => p.exited));
    if (this.sampler) clearInterval(this.sampler);
    for (const log of this.logs.values()) log.end();
    trackManager(this, false);
  }

  /** CPU seconds per app, over every process of that app that ever ran (killed ones included). */
  cpuByApp(): Record<AppName, number> {
    const out: Record<AppName, number> = { relay: this.finishedCpu.get("relay") ?? 0, worker: this.finishedCpu.get("worker") ?? 0, web: this.finishedCpu.get("web") ?? 0 };
    for (const p of this.running.values()) out[p.app] += p.cpuSeconds();
    return out;
  }

  peakRssByApp(): Record<AppName, number> {
    const out: Record<AppName, number> = { relay: 0, worker: 0, web: 0 };
    for (const [key, stat] of this.stats) {
      const app = key.startsWith("relay") ? "relay" : key.startsWith("web") ? "web" : "worker";
      out[app] = Math.max(out[app], stat.peakRss);
    }
    return out;
  }

  private sample(): void {
    for (const p of this.running.values()) {
      const stat = this.stats.get(`${p.name}:${p.child.pid}`);
      if (!stat || !p.child.pid) continue;
      const usage = readProcStat(p.child.pid);
      if (usage) {
        stat.cpu = usage.cpuSeconds;
        stat.peakRss = Math.max(stat.peakRss, usage.rssMiB);
      }
    }
  }
}

const CLOCK_TICKS = 100;
const PAGE_KIB = 4;

/** CPU seconds and resident set of a running process, from /proc; null when it is gone. */
export function readProcStat(pid: number): { cpuSeconds: number; rssMiB: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssMiB: (rssPages * PAGE_KIB) / 1024 };
  } catch {
    return null;
  }
}
