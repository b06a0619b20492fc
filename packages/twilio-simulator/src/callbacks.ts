// Posts signed webhooks (status callbacks, inbound messages) the way Twilio does: form-encoded,
// X-Twilio-Signature over the exact URL the application supplied (connection-overrides fragment
// included) + params with the primary auth token, the fragment itself never sent, with bounded
// concurrency so a slow target cannot exhaust sockets or memory. A target that is down only costs
// failed counts; nothing here throws.
//
// Retries follow Twilio's connection overrides exactly, and Twilio's defaults without them: one
// retry, only when the connection could not be made; a 5xx (or 4xx, or a read timeout) is retried
// only when the URL's `rp` asks for it, at most `rc` times, all attempts within `tt`; each attempt
// connects within `ct` and must start answering within `rt`.
// https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { parseConnectionOverrides, shouldRetry, signTwilioRequest, withoutFragment, type ConnectionOverrides } from "@rm/twilio";

export interface PostResult {
  ok: boolean;
  /** Last HTTP status, null when no answer came (refused, reset, timeout). */
  status: number | null;
  attempts: number;
  error?: string;
  /** How the last attempt failed without an answer: connecting, or waiting for the answer. */
  failure?: "connect" | "read";
}

export interface PosterSettings {
  authToken: string;
  concurrency: number;
}

export interface PosterCounters {
  posted: number;
  failed: number;
  retries: number;
  inFlight: number;
}

export class WebhookPoster {
  #active = 0;
  #waiting: (() => void)[] = [];
  #settings: () => PosterSettings;
  #http = new http.Agent({ keepAlive: true, maxSockets: 256 });
  #https = new https.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(settings: () => PosterSettings) {
    this.#settings = settings;
  }

  /** `authTokenOverride`: the sending account's token (default: the main account's primary token). */
  async post(url: string, params: Record<string, string>, counters: PosterCounters, signal?: AbortSignal, authTokenOverride?: string): Promise<PostResult> {
    const authToken = authTokenOverride ?? this.#settings().authToken;
    const body = new URLSearchParams(params).toString();
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(body)),
      "user-agent": "TwilioProxy/1.1",
      "x-twilio-signature": signTwilioRequest(authToken, url, params),
    };
    let overrides: ConnectionOverrides;
    try {
      overrides = parseConnectionOverrides(url.includes("#") ? url.slice(url.indexOf("#") + 1) : "");
    } catch (err) {
      // Twilio refuses the request (11237–11243) rather than guessing.
      counters.failed++;
      return { ok: false, status: null, attempts: 0, error: `invalid connection overrides: ${(err as Error).message}` };
    }
    const target = withoutFragment(url);
    const deadline = Date.now() + overrides.totalTimeoutMs;
    let last: PostResult = { ok: false, status: null, attempts: 0 };
    for (let attempt = 1; attempt <= 1 + overrides.retryCount; attempt++) {
      if (signal?.aborted) break;
      if (deadline - Date.now() <= 0) break;
      if (attempt > 1) {
        // Twilio documents how many retries and within what total time, not their spacing: a short
        // pause (100 ms doubling) that always stays within tt, with the slot released meanwhile.
        const pause = Math.min(100 * 2 ** (attempt - 2), deadline - Date.now());
        if (pause <= 0 || !(await sleep(pause, true, { signal }).catch(() => false))) break;
        counters.retries++;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.#acquire();
      counters.inFlight++;
      try {
        last = await this.#send(target, headers, body, Math.min(overrides.connectTimeoutMs, left), Math.min(overrides.readTimeoutMs, left));
      } finally {
        counters.inFlight--;
        this.#release();
      }
      last.attempts = attempt;
      if (last.ok) break;
      const failure = last.status !== null ? { kind: "status" as const, status: last.status } : { kind: last.failure ?? ("connect" as const) };
      if (!shouldRetry(overrides.retryPolicy, failure)) break;
    }
    if (last.ok) counters.posted++;
    else counters.failed++;
    return last;
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  #send(url: string, headers: Record<string, string>, body: string, connectTimeoutMs: number, readTimeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: PostResult) => {
        if (!done) {
          done = true;
          resolve(r);
        }
      };
      let req: http.ClientRequest;
      let connected = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, stage: "connect" | "read") => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          finish({ ok: false, status: null, attempts: 0, failure: stage, error: `${stage} timeout after ${ms} ms` });
          req.destroy();
        }, ms);
      };
      try {
        const isHttps = url.startsWith("https:");
        req = (isHttps ? https : http).request(url, { method: "POST", headers, agent: isHttps ? this.#https : this.#http }, (res) => {
          clearTimeout(timer);
          res.resume();
          const status = res.statusCode ?? 0;
          res.on("end", () => finish({ ok: status >= 200 && status < 300, status, attempts: 0 }));
          res.on("error", () => finish({ ok: false, status, attempts: 0 }));
        });
      } catch (err) {
        finish({ ok: false, status: null, attempts: 0, error: String(err) });
        return;
      }
      arm(connectTimeoutMs, "connect");
      // ct runs until the socket is connected (a reused keep-alive socket already is), rt from then on.
      req.on("socket", (socket) => {
        const onConnect = () => {
          connected = true;
          arm(readTimeoutMs, "read");
        };
        // ct is the TCP connection's timeout (the page above).
        if (socket.connecting) socket.once("connect", onConnect);
        else onConnect();
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        finish({ ok: false, status: null, attempts: 0, failure: connected ? "read" : "connect", error: err.message });
      });
      req.on("close", () => clearTimeout(timer));
      req.end(body);
    });
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#settings().concurrency) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next(); // hand the slot over directly
    else this.#active--;
  }
}
