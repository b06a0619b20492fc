/** What /readyz reports: one boolean per dependency. */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, boolean>;
  error?: string;
}

/** Rejects after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs the readiness function once: ready only when it answers in time and every check is true. */
export async function evaluateReadiness(check: ReadinessCheck | undefined, timeoutMs: number): Promise<ReadinessResult> {
  if (!check) return { ready: true, checks: {} };
  try {
    const checks = await withTimeout(Promise.resolve().then(check), timeoutMs, "readiness check");
    return { ready: Object.values(checks).every((ok) => ok === true), checks };
  } catch (err) {
    return { ready: false, checks: {}, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Builds a readiness function from named probes (e.g. `{ postgres: () => pool.query("select 1") }`).
 * Probes run in parallel, each with its own timeout, so one hung dependency still shows which one.
 */
export function probeAll(probes: Record<string, () => Promise<unknown>>, timeoutMs = 1_500): ReadinessCheck {
  return async () => {
    const entries = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        try {
          await withTimeout(Promise.resolve().then(probe), timeoutMs, name);
          return [name, true] as const;
        } catch {
          return [name, false] as const;
        }
      }),
    );
    return Object.fromEntries(entries);
  };
}
