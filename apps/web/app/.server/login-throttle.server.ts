// Login throttling (SPEC §3): after MAX_FAILURES wrong passwords for one email within the window,
// further attempts for that email answer 429 until the window ends; a successful sign-in clears
// the count. Counted in Redis so every replica sees the same numbers; when Redis is down the
// throttle fails open. Per email only: behind the ingress every client shares the proxy's address
// until trusted-proxy handling exists, so a per-IP limit would lock out everyone at once.
import { createHash } from "node:crypto";
import { bestEffort } from "./redis.server.ts";

export const MAX_FAILURES = 5;
export const WINDOW_SECONDS = 15 * 60;
export const THROTTLED_MESSAGE = "Demasiados intentos fallidos. Espere unos minutos e inténtelo de nuevo.";

function keyFor(email: string): string {
  // No addresses in Redis: a hash of the normalised email.
  return `rm:login-failures:${createHash("sha256").update(email.trim().toLowerCase()).digest("hex")}`;
}

export async function isLoginThrottled(email: string): Promise<boolean> {
  if (!email) return false;
  const count = await bestEffort("login throttle check", (redis) => redis.get(keyFor(email)));
  return Number(count ?? 0) >= MAX_FAILURES;
}

export async function recordLoginFailure(email: string): Promise<void> {
  if (!email) return;
  const key = keyFor(email);
  await bestEffort("login throttle count", (redis) =>
    redis.multi().set(key, 0, "EX", WINDOW_SECONDS, "NX").incr(key).exec(),
  );
}

export async function clearLoginFailures(email: string): Promise<void> {
  if (!email) return;
  await bestEffort("login throttle reset", (redis) => redis.del(keyFor(email)));
}
