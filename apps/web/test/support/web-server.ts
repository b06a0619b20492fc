// Starts the real web server (`node server.ts`) as a child process on a random port and stops it
// with SIGTERM, as Kubernetes would.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { WEB_ROOT } from "./build.ts";

export interface WebServer {
  url: string;
  process: ChildProcess;
  /** Every log line so far (JSON lines from pino, plus anything on stderr). */
  logs: string[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface WebServerOptions {
  databaseUrl: string;
  mode?: "production" | "development";
  env?: Record<string, string>;
}

export const TEST_SESSION_SECRET = "test-session-secret-0123456789abcdef";

export async function startWebServer({ databaseUrl, mode = "production", env = {} }: WebServerOptions): Promise<WebServer> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const child = spawn(process.execPath, [path.join(WEB_ROOT, "server.ts")], {
    cwd: WEB_ROOT,
    env: {
      ...inherited,
      NODE_ENV: mode,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      PUBLIC_URL: "http://127.0.0.1",
      SESSION_SECRET: TEST_SESSION_SECRET,
      TWILIO_AUTH_TOKEN: "test-auth-token",
      // The platform's senders and templates, as in every local run (a test may unset them with "").
      TWILIO_FROM_SMS: "+15005550006",
      TWILIO_FROM_WHATSAPP: "whatsapp:+14155238886",
      WHATSAPP_DEFAULT_CONTENT_SIDS: JSON.stringify(LOCAL_PLATFORM_CONTENT_SIDS),
      LOG_LEVEL: "info",
      METRICS_PORT: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web server did not start in 20 s:\n${logs.join("\n")}`)), 20_000);
    let buffered = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        logs.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === "listening" && entry.port) {
            clearTimeout(timer);
            resolve(`http://127.0.0.1:${entry.port}`);
          }
        } catch {
          // not JSON (e.g. Vite's own output in development)
        }
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => logs.push(...chunk.trimEnd().split("\n")));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`web server exited with ${code} before listening:\n${logs.join("\n")}`));
    });
  });

  return {
    url,
    process: child,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timeout);
      }
    },
  };
}

/** A TCP port nothing listens on (for "the database is down"). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
