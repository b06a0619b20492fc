// One POST to a receiver: https only in production, the guarded lookup (address-guard.ts), no
// redirect followed (a 3xx is a failed delivery), a timeout, and only the status and time kept.
import type { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { guardedLookup } from "./address-guard.ts";

export interface PostOptions {
  timeoutMs: number;
  /** Development and tests: plain http and private addresses allowed. */
  allowInsecure: boolean;
}

export interface PostResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
}

export function postWebhook(url: string, body: string, headers: Record<string, string>, o: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): PostResult => ({ ok: status !== null && status >= 200 && status < 300, status, durationMs: Math.round(performance.now() - started), error });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(done(null, "invalid URL"));
  }
  if (target.protocol !== "https:" && !(o.allowInsecure && target.protocol === "http:")) return Promise.resolve(done(null, "only https receivers are allowed"));
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "ReputationManager-Webhooks/1" },
        lookup: guardedLookup(o.allowInsecure) as unknown as typeof dnsLookup,
        timeout: o.timeoutMs,
        agent: false,
      },
      (res) => {
        res.resume(); // the answer's body is not kept
        res.on("end", () => resolve(done(res.statusCode ?? null, res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? "redirect not followed" : null)));
        res.on("error", (err) => resolve(done(res.statusCode ?? null, err.message)));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on("error", (err) => resolve(done(null, err.message)));
    req.end(body);
  });
}
