// A real `twilio` SDK client whose requests can be pointed at any base URL (TWILIO_API_URL), e.g. the
// local provider simulator, and that sends them without the SDK's axios stack.
//
// The SDK builds every request (resource paths, parameter names, serialisation, auth, User-Agent)
// and parses every answer (RestException, resource objects); it hands the wire work to an
// `httpClient` it documents as replaceable. Ours does that wire work with `node:http(s)` on a
// keep-alive agent: axios' interceptors, config merging and adapters cost about as much CPU per
// message as the rest of a batched send, and the worker sends thousands per second (see
// docs/performance.md). twilio 6 has no base-URL option either (edge/region only rewrite the host),
// so the same client rewrites each request's origin.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import twilio from "twilio";
import type SdkRequestClient from "twilio/lib/base/RequestClient.js";
import type SdkResponse from "twilio/lib/http/response.js";

export type TwilioClient = twilio.Twilio;

export const TWILIO_DEFAULT_API_URL = "https://api.twilio.com";

export interface TwilioClientOptions {
  accountSid: string;
  authToken: string;
  /** Base URL of the REST API; default https://api.twilio.com. Any other value receives every *.twilio.com request. */
  apiUrl?: string;
  /**
   * Per-request timeout. It must stay well below the stream consumers' stale-claim idle time
   * (SPEC §2): a send still waiting on Twilio must never look abandoned to another worker, or two
   * workers could send the same message. The SDK's own default is 30 s.
   */
  timeoutMs?: number;
  /** Keep-alive sockets per host; the SDK's default of 20 throttles a busy worker. */
  maxSockets?: number;
  /** Extra CA certificate(s) for an https apiUrl with a private CA (the SDK also honours TWILIO_CA_BUNDLE). */
  ca?: string | Buffer;
}

/** A request that got no complete answer in time. It may still have reached the provider. */
export class TwilioRequestTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(timeoutMs: number) {
    super(`timeout of ${timeoutMs}ms exceeded`);
    this.name = "TwilioRequestTimeoutError";
  }
}

/**
 * Where a failed request stopped when that proves none of it reached the provider: before the TCP
 * connection was made, or before the TLS handshake completed (a client writes no application data
 * before then). Set on the error by the client; absent when the request may have been written —
 * e.g. on a reused keep-alive socket, or once connected.
 */
export type RequestNotSentStage = "connect" | "tls";

/** The stage at which a failed request provably stopped before reaching the provider, or null. */
export function requestNotSentStage(err: unknown): RequestNotSentStage | null {
  const stage = typeof err === "object" && err !== null ? (err as { requestNotSent?: unknown }).requestNotSent : undefined;
  return stage === "connect" || stage === "tls" ? stage : null;
}

type FormValue = string | number | boolean | null | undefined | Date;

/** The SDK's form encoding (qs, arrayFormat "repeat") for the flat objects its resources build. */
export function encodeTwilioForm(data: Record<string, FormValue | FormValue[]>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      form.append(key, v === null ? "" : v instanceof Date ? v.toISOString() : String(v));
    }
  }
  return form.toString();
}

class LeanRequestClient extends twilio.RequestClient {
  readonly #origin: string | undefined;
  readonly #timeoutMs: number;
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(origin: string | undefined, timeoutMs: number, maxSockets: number, ca: string | Buffer | undefined) {
    super({ timeout: timeoutMs, keepAlive: true, maxSockets, maxFreeSockets: maxSockets, maxTotalSockets: maxSockets * 2, ...(ca ? { ca } : {}) });
    this.#origin = origin;
    this.#timeoutMs = timeoutMs;
    // Free sockets are kept up to maxSockets: with more sends in flight than the SDK's default of 5
    // free sockets, sockets would be closed after each request instead of reused.
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, maxTotalSockets: maxSockets * 2, timeout: timeoutMs };
    this.#httpAgent = new http.Agent(agentOptions);
    const caBundle = ca ?? (process.env.TWILIO_CA_BUNDLE ? readFileSync(process.env.TWILIO_CA_BUNDLE) : undefined);
    this.#httpsAgent = new https.Agent({ ...agentOptions, ...(caBundle ? { ca: caBundle } : {}) });
  }

  override async request<TData>(opts: SdkRequestClient.RequestOptions<TData>): Promise<SdkResponse.default<TData>> {
    let uri = opts.uri;
    if (this.#origin) {
      const u = new URL(uri);
      if (u.hostname === "twilio.com" || u.hostname.endsWith(".twilio.com")) uri = this.#origin + u.pathname + u.search;
    }
    // An outbound proxy (HTTP_PROXY) is the SDK's own feature: leave those requests to it.
    if (process.env.HTTP_PROXY) return super.request<TData>({ ...opts, uri });

    const url = new URL(uri);
    if (opts.params && Object.keys(opts.params).length > 0) {
      const query = encodeTwilioForm(opts.params as Record<string, FormValue>);
      url.search = url.search ? `${url.search}&${query}` : query;
    }
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (!headers.Connection && !headers.connection) headers.Connection = "keep-alive";
    if (opts.username && opts.password) headers.Authorization = "Basic " + Buffer.from(`${opts.username}:${opts.password}`).toString("base64");
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();

    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null) {
      const type = headers["Content-Type"];
      if (type === "application/x-www-form-urlencoded") body = encodeTwilioForm(opts.data as Record<string, FormValue>);
      else if (type === "application/json") body = JSON.stringify(opts.data);
    }
    if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));

    const timeoutMs = opts.timeout ?? this.#timeoutMs;
    const isHttps = url.protocol === "https:";
    const send = isHttps ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: opts.method.toUpperCase(), headers, agent: isHttps ? this.#httpsAgent : this.#httpAgent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        res.on("end", () => {
          clearTimeout(timer);
          // The SDK parses string bodies itself (resources and RestException alike).
          resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") as TData, headers: res.headers } as SdkResponse.default<TData>);
        });
      });
      // One deadline for the whole exchange, as axios' `timeout` is: connect, send and answer.
      const timer = setTimeout(() => req.destroy(new TwilioRequestTimeoutError(timeoutMs)), timeoutMs);
      // How far a new socket got: the request is written only once it is connected (and, over TLS,
      // once the handshake is done). A reused keep-alive socket is past both.
      let stage: RequestNotSentStage | null = "connect";
      req.on("socket", (socket) => {
        if (req.reusedSocket || !socket.connecting) {
          stage = null;
          return;
        }
        socket.once("connect", () => (stage = isHttps ? "tls" : null));
        if (isHttps) socket.once("secureConnect", () => (stage = null));
      });
      req.on("error", (err) => {
        clearTimeout(timer);
        if (stage && typeof err === "object" && err !== null) Object.assign(err, { requestNotSent: stage });
        reject(err);
      });
      req.end(body);
    });
  }
}

export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const { accountSid, authToken, apiUrl = TWILIO_DEFAULT_API_URL, timeoutMs = 10_000, maxSockets = 256, ca } = options;
  const base = new URL(apiUrl);
  // Keep any path prefix of apiUrl (e.g. behind a reverse proxy), drop a trailing slash.
  const origin = base.origin + base.pathname.replace(/\/+$/, "");
  const routed = origin === TWILIO_DEFAULT_API_URL ? undefined : origin;
  return twilio(accountSid, authToken, {
    httpClient: new LeanRequestClient(routed, timeoutMs, maxSockets, ca),
    timeout: timeoutMs,
  });
}
