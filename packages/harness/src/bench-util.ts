// Small pieces the benchmark commands share.
import { setTimeout as sleep } from "node:timers/promises";

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
