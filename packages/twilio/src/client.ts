// A real `twilio` SDK client whose requests can be pointed at any base URL (TWILIO_API_URL), e.g. the
// local provider simulator. twilio 6 has no base-URL option (edge/region only rewrite the host), so
// a RequestClient subclass rewrites each request's origin before the SDK's axios sends it.
import http from "node:http";
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

class RoutedRequestClient extends twilio.RequestClient {
  #origin: string | undefined;

  constructor(origin: string | undefined, timeoutMs: number, maxSockets: number, ca: string | Buffer | undefined) {
    // maxFreeSockets/maxTotalSockets default to 5/100 in the SDK: with more sends in flight than
    // that, sockets would be closed after each request instead of reused.
    super({ timeout: timeoutMs, keepAlive: true, maxSockets, maxFreeSockets: maxSockets, maxTotalSockets: maxSockets * 2, ...(ca ? { ca } : {}) });
    this.#origin = origin;
    // The SDK only configures an https agent; axios uses `httpAgent` for http:// targets (simulator).
    const axiosDefaults = (this as unknown as { axios: { defaults: { httpAgent?: http.Agent } } }).axios.defaults;
    axiosDefaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, maxTotalSockets: maxSockets * 2, timeout: timeoutMs });
  }

  override request<TData>(opts: SdkRequestClient.RequestOptions<TData>): Promise<SdkResponse.default<TData>> {
    if (this.#origin) {
      const u = new URL(opts.uri);
      if (u.hostname === "twilio.com" || u.hostname.endsWith(".twilio.com")) {
        opts = { ...opts, uri: this.#origin + u.pathname + u.search };
      }
    }
    return super.request<TData>(opts);
  }
}

export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const { accountSid, authToken, apiUrl = TWILIO_DEFAULT_API_URL, timeoutMs = 10_000, maxSockets = 256, ca } = options;
  const base = new URL(apiUrl);
  // Keep any path prefix of apiUrl (e.g. behind a reverse proxy), drop a trailing slash.
  const origin = base.origin + base.pathname.replace(/\/+$/, "");
  const routed = origin === TWILIO_DEFAULT_API_URL ? undefined : origin;
  return twilio(accountSid, authToken, {
    httpClient: new RoutedRequestClient(routed, timeoutMs, maxSockets, ca),
    timeout: timeoutMs,
  });
}
