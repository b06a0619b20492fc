// Provider rate limits are shared by every worker replica (SPEC §2): one token bucket per sender in
// Redis, refilled in segments per second, using the Redis server's clock so replicas on different
// machines agree. A send that gets no token is rescheduled through the outbox, never held in a worker.
import type { Cluster, Redis } from "ioredis";
import { luaPrologue } from "./redis-script.ts";

/** Default segments per second by kind of sender (Twilio's published limits). */
export const DEFAULT_SENDER_RATES = {
  longCode: 1,
  tollFree: 3,
  shortCode: 100,
  whatsapp: 10,
} as const;

export type SenderKind = keyof typeof DEFAULT_SENDER_RATES;

export function senderKind(sender: string): SenderKind {
  if (sender.startsWith("whatsapp:")) return "whatsapp";
  const digits = sender.replace(/\D/g, "");
  if (!sender.startsWith("+") && digits.length >= 5 && digits.length <= 6) return "shortCode";
  if (/^\+1(800|833|844|855|866|877|888)\d{7}$/.test(sender)) return "tollFree";
  return "longCode";
}

// Tokens may go negative by one message's cost: a 3-segment SMS on a 1 segment/s long code is sent
// when the bucket is full and then waits out its debt, instead of never fitting in the bucket.
const TAKE_SCRIPT = `
${luaPrologue("rate", "burst", "cost")}
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local need = math.min(cost, burst)
local ok = 0
local wait = 0
if tokens >= need then
  tokens = tokens - cost
  ok = 1
else
  wait = math.ceil((need - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst + cost) * 1000 / rate) + 1000)
return {ok, wait}
`;

// GCRA: one "theoretical arrival time" per sender on a virtual timeline. Each send books the next
// slot (TAT advances by cost / rate) and learns how long until it; a burst of up to one second's
// worth is let through at once. Because slots are booked, a message that reaches the provider a
// little after its slot does not push back the next one: the long-run rate is the configured rate.
const RESERVE_SCRIPT = `
${luaPrologue("rate", "tolerance", "cost")}
local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then tat = now end
local slot = tat - tolerance
if slot < now then slot = now end
tat = tat + cost * 1000 / rate
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 60000)
return slot - now
`;

export interface RateLimitDecision {
  ok: boolean;
  /** When not ok: how long until enough tokens are there. */
  retryAfterMs: number;
}

export interface SenderRateLimiterOptions {
  redis: Redis | Cluster;
  prefix: string;
  /** Overrides by sender kind; 0 or Infinity turns limiting off for that kind. */
  rates?: Partial<Record<SenderKind, number>>;
  /** Turns every limit off (benchmarks). */
  disabled?: boolean;
}

export class SenderRateLimiter {
  private readonly redis: Redis | Cluster;
  private readonly prefix: string;
  private readonly rates: Record<SenderKind, number>;
  private readonly disabled: boolean;

  constructor(o: SenderRateLimiterOptions) {
    this.redis = o.redis;
    this.prefix = o.prefix;
    this.rates = { ...DEFAULT_SENDER_RATES, ...o.rates };
    this.disabled = o.disabled ?? false;
    this.redis.defineCommand("rmTakeTokens", { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis.defineCommand("rmReserveSlot", { numberOfKeys: 1, lua: RESERVE_SCRIPT });
  }

  /**
   * Books the sender's next slot for `segments` segments and returns how long until it (0 = now).
   * The caller sends at that time without asking again; a booked slot that goes unused is lost.
   */
  async reserve(sender: string, segments: number, rateOverride?: number): Promise<{ delayMs: number }> {
    const rate = this.rateOf(sender, rateOverride);
    if (rate === null) return { delayMs: 0 };
    const burst = Math.max(1, rate);
    const toleranceMs = ((burst - 1) * 1000) / rate;
    const key = `${this.prefix}ratelimit:gcra:${sender}`;
    const delay = await (this.redis as (Redis | Cluster) & { rmReserveSlot(key: string, rate: number, toleranceMs: number, cost: number): Promise<number> }).rmReserveSlot(key, rate, toleranceMs, Math.max(1, segments));
    return { delayMs: Math.max(0, Number(delay)) };
  }

  /** Takes `segments` tokens from the sender's bucket, or says how long to wait. */
  async take(sender: string, segments: number, rateOverride?: number): Promise<RateLimitDecision> {
    const rate = this.rateOf(sender, rateOverride);
    if (rate === null) return { ok: true, retryAfterMs: 0 };
    // Burst of one second's worth keeps the long-run rate and smooths bursts.
    const burst = Math.max(1, rate);
    const key = `${this.prefix}ratelimit:${sender}`;
    const [ok, wait] = (await (this.redis as (Redis | Cluster) & { rmTakeTokens(key: string, rate: number, burst: number, cost: number): Promise<[number, number]> }).rmTakeTokens(key, rate, burst, Math.max(1, segments)));
    return { ok: ok === 1, retryAfterMs: Number(wait) };
  }

  /** The sender's segments per second, or null when it is not limited (disabled, 0 or Infinity). */
  private rateOf(sender: string, override: number | undefined): number | null {
    const rate = override ?? this.rates[senderKind(sender)];
    return this.disabled || !rate || !Number.isFinite(rate) ? null : rate;
  }
}
