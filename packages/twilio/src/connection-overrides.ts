// Twilio's webhook connection overrides: a URL fragment such as "#rc=3&rp=ct,rt,5xx&ct=2000&tt=15000"
// on a callback URL tells Twilio how to connect, time out and retry for that URL. Without it Twilio
// uses its defaults (connect timeout 5 s, read timeout 15 s, total 15 s, one retry, and only on a
// connection failure): a 5xx answer is never retried.
// https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides
// The fragment is never sent in the HTTP request; Twilio signs the URL exactly as the application
// supplied it (https://www.twilio.com/docs/usage/webhooks/webhooks-security), so a receiver checks
// the signature over the URL with the fragment as well as without it.

export type RetryPolicy = "4xx" | "5xx" | "ct" | "rt" | "all";
const RETRY_POLICIES: readonly RetryPolicy[] = ["4xx", "5xx", "ct", "rt", "all"];

export interface ConnectionOverrides {
  /** ct: ms to establish the TCP connection (100–10000, default 5000). */
  connectTimeoutMs: number;
  /** rt: ms to wait for the response (and between its packets) once the request is sent (100–15000, default 15000). */
  readTimeoutMs: number;
  /** tt: ms for every attempt together, retries included (100–15000, default 15000). */
  totalTimeoutMs: number;
  /** rc: retries after the first attempt (0–5, default 1). */
  retryCount: number;
  /** rp: which failures are retried (default ct only). */
  retryPolicy: readonly RetryPolicy[];
  /** e, sni: kept as given (edge location, SNI); they do not change what is retried. */
  other: Record<string, string>;
}

/**
 * What the app hands Twilio unless TWILIO_WEBHOOK_OVERRIDES says otherwise: connect within 3 s, an
 * answer within 5 s, up to 3 retries on a failed connection, a read timeout or a 5xx, all within
 * Twilio's 15 s maximum. Storing a webhook takes milliseconds, so a retry is cheap and harmless
 * (every webhook is stored idempotently).
 */
export const DEFAULT_WEBHOOK_OVERRIDES = "ct=3000&rt=5000&tt=15000&rc=3&rp=ct,rt,5xx";

/** Twilio's defaults when a URL carries no override (the page above). */
export const TWILIO_CONNECTION_DEFAULTS: ConnectionOverrides = Object.freeze({
  connectTimeoutMs: 5000,
  readTimeoutMs: 15_000,
  totalTimeoutMs: 15_000,
  retryCount: 1,
  retryPolicy: Object.freeze(["ct"]) as readonly RetryPolicy[],
  other: Object.freeze({}) as Record<string, string>,
});

const RANGES = {
  ct: [100, 10_000],
  rt: [100, 15_000],
  tt: [100, 15_000],
  rc: [0, 5],
} as const;

/**
 * Parses a fragment ("rc=3&rp=5xx,ct", with or without the leading "#"). Throws an Error naming the
 * bad parameter, as Twilio refuses such a URL (errors 11237–11243).
 */
export function parseConnectionOverrides(fragment: string): ConnectionOverrides {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  const out: ConnectionOverrides = { ...TWILIO_CONNECTION_DEFAULTS, other: {} };
  if (text.trim() === "") return out;
  for (const pair of text.split("&")) {
    const at = pair.indexOf("=");
    const key = (at < 0 ? pair : pair.slice(0, at)).trim();
    const value = (at < 0 ? "" : pair.slice(at + 1)).trim();
    if (key === "rp") {
      const policies = value.split(",").map((p) => p.trim().toLowerCase());
      const bad = policies.find((p) => !(RETRY_POLICIES as readonly string[]).includes(p));
      if (bad !== undefined || policies.length === 0) throw new Error(`rp: "${value}" is not a retry policy (use 4xx, 5xx, ct, rt or all, comma-separated)`);
      out.retryPolicy = policies as RetryPolicy[];
    } else if (key === "ct" || key === "rt" || key === "tt" || key === "rc") {
      const [min, max] = RANGES[key];
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) throw new Error(`${key}: "${value}" must be a whole number from ${min} to ${max}`);
      if (key === "ct") out.connectTimeoutMs = n;
      else if (key === "rt") out.readTimeoutMs = n;
      else if (key === "tt") out.totalTimeoutMs = n;
      else out.retryCount = n;
    } else if (key === "e" || key === "sni") {
      out.other[key] = value;
    } else {
      throw new Error(`"${key}" is not a Twilio connection override (ct, rt, tt, rc, rp, e, sni)`);
    }
  }
  return out;
}

/** The fragment of a URL ("" when it has none), without the "#". */
export function urlFragment(url: string): string {
  const at = url.indexOf("#");
  return at < 0 ? "" : url.slice(at + 1);
}

/** The URL without its fragment: what is actually requested. */
export function withoutFragment(url: string): string {
  const at = url.indexOf("#");
  return at < 0 ? url : url.slice(0, at);
}

/** Appends the overrides fragment (normalised, without "#") to a callback URL; "" leaves it bare. */
export function withConnectionOverrides(url: string, fragment: string): string {
  const f = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  return f ? `${withoutFragment(url)}#${f}` : url;
}

/** Whether a failed attempt is retried under this policy. */
export function shouldRetry(policy: readonly RetryPolicy[], failure: { kind: "connect" | "read" } | { kind: "status"; status: number }): boolean {
  if (policy.includes("all")) return true;
  if (failure.kind !== "status") return policy.includes(failure.kind === "connect" ? "ct" : "rt");
  if (failure.status >= 500) return policy.includes("5xx");
  if (failure.status >= 400) return policy.includes("4xx");
  return false;
}
