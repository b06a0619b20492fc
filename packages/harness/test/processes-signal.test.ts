// A benchmark or chaos run killed by a signal sent to it alone (timeout(1), a cancelled CI job)
// stops the relay, worker and web processes it started, instead of leaving them to poll as orphans.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@rm/test-utils";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("./support/start-worker-and-wait.ts", import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("a harness stopped by a signal", () => {
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`stops the processes it started, then dies of the ${signal} itself`, async () => {
      const logDir = mkdtempSync(path.join(tmpdir(), "rm-harness-signal-"));
      const harness = spawn(process.execPath, [script, logDir, String(await freePort()), String(await freePort())], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => harness.on("exit", (code, sig) => resolve({ code, signal: sig })));
      const workerPid = await new Promise<number>((resolve, reject) => {
        harness.stdout!.once("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())));
        harness.once("exit", () => reject(new Error("the harness exited before starting its worker")));
      });
      try {
        expect(alive(workerPid)).toBe(true);
        harness.kill(signal);
        expect(await exited).toEqual({ code: null, signal });
        // The worker got SIGTERM and shut down; an orphan would still answer signal 0.
        expect(await until(() => !alive(workerPid), 10_000)).toBe(true);
      } finally {
        if (alive(workerPid)) process.kill(workerPid, "SIGKILL");
      }
    });
  }
});
