// createSimulator(): a Twilio-compatible provider simulator on node:http (SPEC §8), usable from
// main.ts or in-process by the tests of other packages.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@rm/telemetry";
import { SimAccounts, type AddAccountInput, type SimAccount } from "./accounts.ts";
import { AiFake, type AiFakeConfig } from "./ai-fake.ts";
import { createApiHandler } from "./api-routes.ts";
import { WebhookPoster } from "./callbacks.ts";
import type { SimContext } from "./context.ts";
import { handleControl } from "./control-routes.ts";
import { decideApproval, type ContentApprovalConfig } from "./content.ts";
import { BodyTooLarge, sendJson } from "./http-util.ts";
import { simulateInbound, type InboundRequest, type InboundResult } from "./inbound.ts";
import { RateLimiter } from "./rate-limit.ts";
import { defaultConfig, mergeConfig, type SimulatorConfig } from "./sim-config.ts";
import { SimStore } from "./store.ts";

export type SimulatorOptions = Partial<Omit<SimulatorConfig, "accountSid" | "authTokens">> & {
  accountSid: string;
  authTokens: string[];
  logger?: Logger;
  /** Clock for message dates and the WhatsApp window; default Date.now. */
  now?: () => number;
  /** Source of randomness for failure shares and auto-replies; default Math.random. */
  random?: () => number;
  /** The fake chat-completions endpoint's starting configuration (latency, required key, models). */
  ai?: Partial<AiFakeConfig>;
};

export interface Simulator {
  /** Port 0 picks a free port. Resolves with the base URL (e.g. http://127.0.0.1:4010). */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  close(): Promise<void>;
  /** Base URL after listen(). */
  readonly url: string;
  /** Current store (replaced by reset()). */
  readonly state: SimStore;
  readonly config: SimulatorConfig;
  configure(patch: Partial<Omit<SimulatorConfig, "contentApproval">> & { failureShare?: number; contentApproval?: Partial<ContentApprovalConfig> }): SimulatorConfig;
  reset(opts?: { keepConfig?: boolean }): void;
  inbound(req: InboundRequest): Promise<InboundResult>;
  /** Adds an account with its own token, numbers and Messaging Services (or a subaccount of the main one). */
  addAccount(input?: AddAccountInput): SimAccount;
  /** WhatsApp's decision on a template submitted through the Content API (as POST /_sim/content/approval). */
  decideContent(sid: string, status: "approved" | "rejected" | "paused", reason?: string): void;
  /** Every account: the main one, added ones and subaccounts created through the API. */
  readonly accounts: SimAccounts;
  /** Resolves when no lifecycle, callback or auto-reply is pending (or rejects after timeoutMs). */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** The fake OpenAI-compatible chat-completions endpoint under `/v1` (script it, read its requests). */
  readonly ai: AiFake;
  /** The request handler, to mount in another server. */
  handler: http.RequestListener;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const { accountSid, authTokens, logger, now = Date.now, random = Math.random, ai: aiInitial = {}, ...rest } = options;
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new Error("accountSid must be AC + 32 hex digits");
  if (authTokens.length === 0 || authTokens.some((t) => !t)) throw new Error("authTokens must hold at least one token");
  const initial = mergeConfig(defaultConfig(accountSid, [...authTokens]), rest);

  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  const ctx: SimContext = {
    config: structuredClone(initial),
    store: new SimStore(),
    accounts: new SimAccounts(accountSid, authTokens, now()),
    abort: new AbortController(),
    poster: new WebhookPoster(() => ({
      authToken: ctx.config.authTokens[0]!,
      concurrency: ctx.config.callbackConcurrency,
    })),
    limiter: new RateLimiter(),
    log: logger ?? createLogger("simulator", process.env.LOG_LEVEL ?? "warn"),
    now,
    random,
    baseUrl: () => baseUrl,
    track(work) {
      pending++;
      work
        .catch((err: unknown) => ctx.log.error({ err }, "background work failed"))
        .finally(() => {
          if (--pending === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    },
  };

  const api = createApiHandler(ctx);
  const ai = new AiFake(now, aiInitial);
  const control = {
    store: () => ctx.store,
    config: () => ctx.config,
    configure: (patch: unknown) => (ctx.config = mergeConfig(ctx.config, patch)),
    reset({ keepConfig = false }: { keepConfig?: boolean }) {
      ctx.abort.abort();
      ctx.abort = new AbortController();
      ctx.store = new SimStore();
      ai.reset(keepConfig ? ai.config : aiInitial);
      if (!keepConfig) {
        ctx.config = structuredClone(initial);
        ctx.accounts = new SimAccounts(accountSid, authTokens, now());
      }
    },
    inbound: (req: InboundRequest) => simulateInbound(ctx, req),
    addAccount: (input: AddAccountInput) => ctx.accounts.add(input, ctx.now()),
    accounts: () => ctx.accounts.bySid,
    decideApproval: (sid: string, status: "approved" | "rejected" | "paused", reason?: string) => decideApproval(ctx, sid, status, reason),
  };

  const handler: http.RequestListener = (req, res) => {
    const target = req.url ?? "/";
    const qi = target.indexOf("?");
    const path = qi < 0 ? target : target.slice(0, qi);
    const query = qi < 0 ? "" : target.slice(qi + 1);
    let work: Promise<void> | void = undefined;
    try {
      if (path.startsWith("/2010-04-01/") || path.startsWith("/v1/Services") || path.startsWith("/v1/Content")) work = api(req, res, path, query);
      else if (path === "/v1/chat/completions" || path === "/v1/models") work = ai.handleApi(req, res, path);
      else if (path.startsWith("/_sim/ai/")) work = ai.handleControl(req, res, path);
      else if (path.startsWith("/_sim/")) work = handleControl(control, req, res, path, query);
      else if (path === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      } else sendJson(res, 404, { code: 20404, message: `The requested resource ${path} was not found`, more_info: "https://www.twilio.com/docs/errors/20404", status: 404 });
    } catch (err) {
      work = Promise.reject(err);
    }
    if (work) work.catch((err: unknown) => answerError(ctx.log, res, err));
  };

  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  server.on("clientError", (_err, socket) => socket.destroy());
  let baseUrl = "";

  return {
    handler,
    get url() {
      return baseUrl;
    },
    get state() {
      return ctx.store;
    },
    ai,
    get config() {
      return ctx.config;
    },
    configure: control.configure,
    reset: (opts = {}) => control.reset(opts),
    inbound: control.inbound,
    addAccount: (input = {}) => control.addAccount(input),
    decideContent: (sid, status, reason) => void control.decideApproval(sid, status, reason),
    get accounts() {
      return ctx.accounts;
    },
    listen(port = 0, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const addr = server.address() as AddressInfo;
          const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
          baseUrl = `http://${shownHost}:${addr.port}`;
          resolve({ port: addr.port, url: baseUrl });
        });
      });
    },
    async close() {
      ctx.abort.abort();
      ai.close();
      ctx.poster.close();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    whenIdle(timeoutMs = 30_000) {
      if (pending === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`simulator still busy after ${timeoutMs} ms (${pending} pending)`)), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

function answerError(log: Logger, res: http.ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof BodyTooLarge) return sendJson(res, 413, { code: 20001, message: err.message, status: 413 });
  if (err instanceof SyntaxError) return sendJson(res, 400, { error: `invalid JSON: ${err.message}` });
  log.error({ err }, "request failed");
  sendJson(res, 500, { code: 20500, message: "An internal server error has occurred", status: 500 });
}
