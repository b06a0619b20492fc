// Spawns the real process (`node src/main.ts`) and watches it from outside, like Kubernetes would.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A port nothing listens on right now (METRICS_PORT=0 would not be observable from outside). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string[];
  stderr: () => string[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Parsed JSON log lines from stdout. */
  logs: () => Record<string, unknown>[];
}

/** Starts `node src/main.ts` in an app's folder (e.g. apps/relay) with exactly this environment on top of ours. */
export function spawnApp(appDir: string, env: Record<string, string>): RunningProcess {
  // A clean environment: only what the process is meant to read, so the test controls it fully.
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", TZ: "UTC", NODE_OPTIONS: "--disable-warning=ExperimentalWarning", ...env };
  // Some consumers' type declarations (web: Remix/Vite) make NODE_ENV required on ProcessEnv.
  const child = spawn(process.execPath, ["src/main.ts"], {
    cwd: appDir,
    env: childEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => lines(out),
    stderr: () => lines(err),
    exited,
    logs: () =>
      lines(out).flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
  };
}

/**
 * Polls `url` until it answers `status` and, when given, a JSON body `accept` agrees with
 * (connection refused counts as "not yet"). Connections come up in the background, so the first
 * answers can differ from the settled one.
 */
export async function waitForStatus(url: string, status: number, accept?: (body: unknown) => boolean, timeoutMs = 15_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      const text = await res.text();
      last = `${res.status} ${text}`;
      if (res.status === status) {
        const body: unknown = text.startsWith("{") ? JSON.parse(text) : text;
        if (!accept || accept(body)) return body;
      }
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer ${status} as expected within ${timeoutMs} ms (last: ${last})`);
}

/** Exit code within `ms`, or throws (and kills the process so the test run does not hang). */
export async function exitWithin(proc: RunningProcess, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      proc.exited,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms`)), ms))),
    ]);
  } catch (err) {
    proc.child.kill("SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
