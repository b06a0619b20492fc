// Posts signed webhooks (status callbacks, inbound messages) the way Twilio does: form-encoded,
// X-Twilio-Signature over the exact URL + params with the primary auth token, retried on 5xx or
// connection errors, with bounded concurrency so a slow target cannot exhaust sockets or memory.
// A target that is down only costs failed counts; nothing here throws.
import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { signTwilioRequest } from "@rm/twilio";

export interface PostResult {
  ok: boolean;
  /** Last HTTP status, null when no answer came (refused, reset, timeout). */
  status: number | null;
  attempts: number;
  error?: string;
}

export interface PosterSettings {
  authToken: string;
  concurrency: number;
  retries: number;
  timeoutMs: number;
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

  /** `authToken`: the sending account's (default: the main account's primary token). */
  async post(url: string, params: Record<string, string>, counters: PosterCounters, signal?: AbortSignal, authTokenOverride?: string): Promise<PostResult> {
    const { authToken: mainToken, retries, timeoutMs } = this.#settings();
    const authToken = authTokenOverride ?? mainToken;
    const body = new URLSearchParams(params).toString();
    const headers = {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(body)),
      "user-agent": "TwilioProxy/1.1",
      "x-twilio-signature": signTwilioRequest(authToken, url, params),
    };
    let last: PostResult = { ok: false, status: null, attempts: 0 };
    for (let attempt = 1; attempt <= 1 + retries; attempt++) {
      if (signal?.aborted) break;
      if (attempt > 1) {
        counters.retries++;
        // Release the slot while backing off so one dead target does not block the others.
        if (!(await sleep(100 * 2 ** (attempt - 2), true, { signal }).catch(() => false))) break;
      }
      await this.#acquire();
      counters.inFlight++;
      try {
        last = await this.#send(url, headers, body, timeoutMs);
      } finally {
        counters.inFlight--;
        this.#release();
      }
      last.attempts = attempt;
      // Like Twilio: only server errors and transport failures are worth another try.
      if (last.ok || (last.status !== null && last.status < 500)) break;
    }
    if (last.ok) counters.posted++;
    else counters.failed++;
    return last;
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }

  #send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: PostResult) => {
        if (!done) {
          done = true;
          resolve(r);
        }
      };
      let req: http.ClientRequest;
      try {
        const isHttps = url.startsWith("https:");
        req = (isHttps ? https : http).request(url, { method: "POST", headers, agent: isHttps ? this.#https : this.#http, timeout: timeoutMs }, (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          res.on("end", () => finish({ ok: status >= 200 && status < 300, status, attempts: 0 }));
          res.on("error", () => finish({ ok: false, status, attempts: 0 }));
        });
      } catch (err) {
        finish({ ok: false, status: null, attempts: 0, error: String(err) });
        return;
      }
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (err) => finish({ ok: false, status: null, attempts: 0, error: err.message }));
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
