// Small pieces the benchmark commands share.
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureProductionBuild, WEB_ROOT } from "@rm/test-utils";

/** Waits until a process answers /readyz on its metrics port. */
export async function waitReady(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`process on metrics port ${port} was not ready within ${timeoutMs / 1000} s`);
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * The web process serves from the production build (shared with the web tests, rebuilt only when the
 * app's sources changed). Its webhook routes do not go through Remix, so when a rebuild fails (the
 * app is mid-change) an existing build still serves the run.
 */
export function prepareWebBuild(log: (line: string) => void): void {
  try {
    const b = ensureProductionBuild();
    if (b.built) log(`web production build made in ${(b.ms / 1000).toFixed(1)} s`);
  } catch (err) {
    if (!existsSync(`${WEB_ROOT}build/server/index.js`)) throw err;
    log(`web build failed; using the existing build (${String(err).split("\n")[0]})`);
  }
}

export async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
