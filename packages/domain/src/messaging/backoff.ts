/**
 * Exponential backoff for transient provider errors (SPEC §5.4: 2 s, 4 s, 8 s…, configurable).
 * `attempt` is 1-based: the delay before the retry that follows the attempt-th failure.
 */
export interface BackoffOptions {
  baseMs?: number;
  factor?: number;
  /** Upper bound for one delay. */
  maxMs?: number;
  /**
   * Fraction (0–1) of the delay that is randomised downwards, so many messages failing together
   * (a provider outage) do not retry in lockstep. 0 = exact delays.
   */
  jitter?: number;
  /** Injectable random source in [0, 1) for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseMs: 2_000, factor: 2, maxMs: 10 * 60_000, jitter: 0 } as const;

export function retryDelay(attempt: number, options: BackoffOptions = {}): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  const { baseMs, factor, maxMs, jitter } = { ...DEFAULT_BACKOFF, ...options };
  if (jitter < 0 || jitter > 1) throw new RangeError(`jitter must be between 0 and 1, got ${jitter}`);
  const exact = Math.min(maxMs, baseMs * factor ** (attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(exact * (1 - jitter * random()));
}

/** Whether another attempt is allowed after `attempt` attempts have failed. */
export function shouldRetry(attempt: number, maxAttempts: number): boolean {
  return attempt < maxAttempts;
}
