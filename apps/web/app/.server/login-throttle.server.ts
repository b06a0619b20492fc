// Login throttling (SPEC §17, decision 013). Every attempt is counted in Redis BEFORE the password is
// verified — an atomic script checks the delays and counts the attempt in one step — so guesses sent
// in parallel cannot all slip past while argon2 runs. Three counters, forgotten an hour after their
// last attempt:
//   - per client IP (any account): IP_FREE attempts, then growing delays — one address spraying
//     passwords over many accounts;
//   - per account: ACCOUNT_FREE attempts, then growing delays — guessing one account's password;
//   - per account and IP: the account's delay applies only to an address that has itself made
//     PAIR_EXEMPT attempts on the account, so whoever hammers an account cannot lock its real user
//     out: the user's own address, with no failures of its own, still signs in.
// The delay after `free` attempts is BASE_DELAY_SECONDS doubled per further attempt, at most
// MAX_DELAY_SECONDS: a slowdown, never a lockout. A successful sign-in clears the account's counters
// and takes back its own count from the address. Refused attempts are not counted. When Redis is down
// the throttle fails open (a Redis outage never stops sign-in). A loopback client address is not a
// client's (a same-pod proxy, or the machine itself in development and tests): it has no per-IP
// count, or every client behind it would share one; the account's counters still apply.
import { createHash } from "node:crypto";
import { bestEffort } from "./redis.server.ts";

export const ACCOUNT_FREE = 5;
export const IP_FREE = 20;
export const PAIR_EXEMPT = 3;
export const BASE_DELAY_SECONDS = 5;
export const MAX_DELAY_SECONDS = 15 * 60;
export const FORGET_AFTER_SECONDS = 60 * 60;

// KEYS: account, ip, account+ip. ARGV: now (ms), ACCOUNT_FREE, IP_FREE, PAIR_EXEMPT, base (ms), max (ms), ttl (s).
// Answers 0 when the attempt may go ahead (and counted it), or the milliseconds left to wait.
const ATTEMPT_SCRIPT = `
local now = tonumber(ARGV[1])
local function wait(key, free)
  local v = redis.call('HMGET', key, 'n', 'at')
  local n = tonumber(v[1]) or 0
  if n < free then return 0 end
  local delay = math.min(tonumber(ARGV[5]) * 2 ^ (n - free), tonumber(ARGV[6]))
  return math.max(0, (tonumber(v[2]) or 0) + delay - now)
end
local w = wait(KEYS[2], tonumber(ARGV[3]))
local pair = tonumber(redis.call('HGET', KEYS[3], 'n')) or 0
if pair >= tonumber(ARGV[4]) then w = math.max(w, wait(KEYS[1], tonumber(ARGV[2]))) end
if w > 0 then return math.ceil(w) end
for i = 1, 3 do
  redis.call('HINCRBY', KEYS[i], 'n', 1)
  redis.call('HSET', KEYS[i], 'at', now)
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[7]))
end
return 0
`;

// KEYS: account, ip, account+ip. The account's counters go; the address keeps its other attempts.
const SUCCESS_SCRIPT = `
redis.call('DEL', KEYS[1], KEYS[3])
if redis.call('HEXISTS', KEYS[2], 'n') == 1 and tonumber(redis.call('HGET', KEYS[2], 'n')) > 0 then
  redis.call('HINCRBY', KEYS[2], 'n', -1)
end
return 0
`;

// No addresses (email or IP) in Redis: hashes of the normalised values.
const hash = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);

function keysFor(email: string, ip: string): [string, string, string] {
  const account = hash(email.trim().toLowerCase());
  const address = hash(ip || "unknown");
  // One script touches all three: the `{login}` hash tag keeps them in one Redis Cluster slot.
  return [`rm:{login}:account:${account}`, `rm:{login}:ip:${address}`, `rm:{login}:pair:${account}:${address}`];
}

const LOOPBACK = /^(?:::ffff:)?127\.|^::1$/;

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts a sign-in attempt before the password is checked, or says how long to wait first. */
export async function beginLoginAttempt(email: string, ip: string): Promise<LoginAttempt> {
  const waitMs = await bestEffort("login throttle", (redis) =>
    redis.eval(ATTEMPT_SCRIPT, 3, ...keysFor(email, ip), Date.now(), ACCOUNT_FREE, LOOPBACK.test(ip) ? Number.MAX_SAFE_INTEGER : IP_FREE, PAIR_EXEMPT, BASE_DELAY_SECONDS * 1000, MAX_DELAY_SECONDS * 1000, FORGET_AFTER_SECONDS),
  );
  const ms = Number(waitMs ?? 0);
  return ms > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) } : { allowed: true };
}

/** After a successful sign-in: the account starts afresh. */
export async function loginSucceeded(email: string, ip: string): Promise<void> {
  await bestEffort("login throttle reset", (redis) => redis.eval(SUCCESS_SCRIPT, 3, ...keysFor(email, ip)));
}
