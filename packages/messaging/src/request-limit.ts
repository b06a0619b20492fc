// Request limits shared by every web replica (SPEC §3, §11): a sliding-window counter in Redis (the
// previous fixed window weighted by how much of it still overlaps, plus the current one), using the
// Redis server's clock so replicas agree. Best effort by design: when Redis is slow or down the limit
// fails open — an outage of the limiter never takes the staff UI or the feedback form down.
import { createHash } from "node:crypto";
import { once } from "node:events";
import type { Cluster, Redis } from "ioredis";
import type { Plan } from "@rm/domain";
import { luaPrologue } from "./redis-script.ts";

/** Authenticated staff requests per workspace and minute, by plan. */
export const STAFF_REQUESTS_PER_MINUTE: Readonly<Record<Plan, number>> = {
  FREE: 100,
  STARTER: 300,
  PROFESSIONAL: 1000,
  ENTERPRISE: 5000,
};

/** Submissions of one feedback form (one token) per hour: a patient writes once or twice, a script hundreds. */
export const FEEDBACK_SUBMISSIONS_PER_HOUR = 5;

export interface LimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** When refused: whole seconds until a request would be allowed (≥ 1). 0 when allowed. */
  retryAfterSeconds: number;
  /** True when Redis could not be asked and the request was let through. */
  failedOpen: boolean;
}

export interface SlidingWindowLimiterOptions {
  redis: Redis | Cluster | (() => Redis | Cluster);
  /** Key prefix, e.g. "rm:limit:". */
  prefix: string;
  /** Give up on Redis after this long and let the request through (default 250 ms). */
  timeoutMs?: number;
  onFailOpen?: (err: unknown) => void;
}

// KEYS[1]: base key (hash-tagged by the caller's id, so both windows share a cluster slot).
// ARGV: window ms, limit, cost. Returns {allowed, remaining, retryAfterMs}.
const HIT_SCRIPT = `
${luaPrologue("window", "limit", "cost")}
local idx = math.floor(now / window)
local elapsed = now - idx * window
local curKey = KEYS[1] .. ':' .. idx
local prevKey = KEYS[1] .. ':' .. (idx - 1)
local cur = tonumber(redis.call('GET', curKey) or '0')
local prev = tonumber(redis.call('GET', prevKey) or '0')
local estimate = prev * (window - elapsed) / window + cur
if estimate + cost <= limit then
  redis.call('INCRBY', curKey, cost)
  redis.call('PEXPIRE', curKey, window * 2 + 1000)
  return {1, math.floor(limit - estimate - cost), 0}
end
local retry
if cur + cost > limit then
  -- Not before the next window; there the current count decays as the previous one does now.
  local share = 1
  if cur > 0 then share = 1 - (limit - cost) / cur end
  retry = (window - elapsed) + math.ceil(window * math.max(0, share))
else
  -- Within this window, once enough of the previous window has slid out.
  local needed = window * (1 - (limit - cur - cost) / prev)
  retry = math.ceil(needed - elapsed)
end
return {0, 0, math.max(1, retry)}
`;

type WithHit = (Redis | Cluster) & { rmSlidingWindowHit(key: string, windowMs: number, limit: number, cost: number): Promise<[number, number, number]> };

export class SlidingWindowLimiter {
  private readonly redisSource: Redis | Cluster | (() => Redis | Cluster);
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly onFailOpen: ((err: unknown) => void) | undefined;
  private readonly defined = new WeakSet<Redis | Cluster>();

  constructor(o: SlidingWindowLimiterOptions) {
    this.redisSource = o.redis;
    this.prefix = o.prefix;
    this.timeoutMs = o.timeoutMs ?? 250;
    this.onFailOpen = o.onFailOpen;
  }

  /** Counts one request (or `cost`) against `id`; at most `limit` per `windowSeconds`, sliding. */
  async hit(id: string, limit: number, windowSeconds: number, cost = 1): Promise<LimitDecision> {
    if (!Number.isFinite(limit) || limit <= 0) return { allowed: true, limit, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0, failedOpen: false };
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new AbortController();
    try {
      const redis = typeof this.redisSource === "function" ? this.redisSource() : this.redisSource;
      if (!this.defined.has(redis)) {
        redis.defineCommand("rmSlidingWindowHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
        this.defined.add(redis);
      }
      // Just started or reconnecting: wait for the connection within the same deadline.
      const ready = redis.status === "ready" ? Promise.resolve() : once(redis, "ready", { signal: giveUp.signal });
      const [ok, remaining, retryMs] = await Promise.race([
        ready.then(() => (redis as WithHit).rmSlidingWindowHit(`${this.prefix}{${id}}`, windowSeconds * 1000, limit, cost)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`rate limit check timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      if (ok === 1) return { allowed: true, limit, remaining: Math.max(0, Number(remaining)), retryAfterSeconds: 0, failedOpen: false };
      return { allowed: false, limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(Number(retryMs) / 1000)), failedOpen: false };
    } catch (err) {
      this.onFailOpen?.(err);
      return { allowed: true, limit, remaining: limit, retryAfterSeconds: 0, failedOpen: true };
    } finally {
      clearTimeout(timer);
      giveUp.abort();
    }
  }
}

/** The staff request limit of a workspace on `plan` (one minute, sliding). */
export function staffRequestLimit(plan: Plan): number {
  return STAFF_REQUESTS_PER_MINUTE[plan];
}

/** Limits one feedback form's submissions; call before storing a submission, answer 429 when refused. */
export function limitFeedbackSubmission(limiter: SlidingWindowLimiter, token: string): Promise<LimitDecision> {
  // The token is a bearer secret: only its hash goes to Redis.
  const id = createHash("sha256").update(token).digest("hex").slice(0, 32);
  return limiter.hit(`feedback:${id}`, FEEDBACK_SUBMISSIONS_PER_HOUR, 3600);
}
