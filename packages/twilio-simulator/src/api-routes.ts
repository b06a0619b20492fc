// Twilio REST subset: create, fetch and list Messages under /2010-04-01/Accounts/{AccountSid}/; accounts,
// subaccounts, incoming numbers and Messaging Services as accounts.ts describes.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.ts";
import { twilioError, type SimError } from "./errors.ts";
import { readBody, sendJson } from "./http-util.ts";
import { startLifecycle } from "./lifecycle.ts";
import { createMessage } from "./send.ts";
import { handleContent } from "./content.ts";
import type { SimAccount } from "./accounts.ts";
import type { InboundRecord, MessageRecord } from "./store.ts";
import { accountResource, inboundResource, listPage, messageResource, numberResource, serviceResource, simplePage } from "./twilio-shapes.ts";

const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/;
const DAY = 86_400_000;

function sendError(res: ServerResponse, err: SimError): void {
  sendJson(res, err.httpStatus, err.body);
}

const UNAUTHORIZED = { ...twilioError(20003).body, detail: "Your AccountSid or AuthToken was incorrect." };

/** Handles one API request; `path` and `query` are the request target split at "?". */
export function createApiHandler(ctx: SimContext) {
  return async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const caller = ctx.accounts.authenticate(req.headers.authorization);
    if (path.startsWith("/v1/Content")) {
      if (!caller) return sendJson(res, 401, UNAUTHORIZED);
      return handleContent(ctx, caller, req, res, path);
    }
    if (path.startsWith("/v1/Services")) {
      if (!caller) return sendJson(res, 401, UNAUTHORIZED);
      return handleServices(ctx, caller, req, res, path);
    }
    if (path === "/2010-04-01/Accounts.json") {
      if (!caller) return sendJson(res, 401, UNAUTHORIZED);
      if (req.method === "POST") return createSubaccount(ctx, caller, req, res);
      return sendJson(res, 405, METHOD_NOT_ALLOWED);
    }
    const account = ACCOUNT_ROUTE.exec(path);
    if (account) {
      const target = ctx.accounts.bySid.get(account[1]!);
      if (!caller || !target || !ctx.accounts.canAct(caller, target)) return sendJson(res, 401, UNAUTHORIZED);
      if (req.method === "GET") return sendJson(res, 200, accountResource(target, false));
      return sendJson(res, 405, METHOD_NOT_ALLOWED);
    }
    const numbers = NUMBERS_ROUTE.exec(path);
    if (numbers) {
      const target = ctx.accounts.bySid.get(numbers[1]!);
      if (!caller || !target || !ctx.accounts.canAct(caller, target)) return sendJson(res, 401, UNAUTHORIZED);
      return handleNumbers(ctx, target, req, res, path, numbers[2] ? decodeURIComponent(numbers[2]) : undefined);
    }
    const media = MEDIA_ROUTE.exec(path);
    if (media) {
      const target = ctx.accounts.bySid.get(media[1]!);
      if (!caller || !target || !ctx.accounts.canAct(caller, target)) return sendJson(res, 401, UNAUTHORIZED);
      const stored = ctx.store.media.get(path);
      if (!stored || req.method !== "GET") return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
      res.writeHead(200, { "content-type": stored.contentType, "content-length": stored.bytes.length });
      res.end(stored.bytes);
      return;
    }
    const m = ROUTE.exec(path);
    if (!m) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
    const target = ctx.accounts.bySid.get(m[1]!);
    if (!caller || !target || !ctx.accounts.canAct(caller, target)) return sendJson(res, 401, UNAUTHORIZED);
    const sid = m[2];
    const fault = ctx.config.apiFault && ctx.random() < ctx.config.apiFault.share ? ctx.config.apiFault : null;
    if (fault) return faulty(ctx, fault, target, req, res, req.method === "POST" && !sid);
    if (req.method === "POST" && !sid) return create(ctx, target, req, res);
    if (req.method === "GET" && sid) return fetchOne(ctx, target, res, path, decodeURIComponent(sid));
    if (req.method === "GET") return list(ctx, target, res, new URLSearchParams(query));
    sendJson(res, 405, METHOD_NOT_ALLOWED);
  };
}

const METHOD_NOT_ALLOWED = { code: 20004, message: "Method not allowed", more_info: "https://www.twilio.com/docs/errors/20004", status: 405 };
const MEDIA_ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/ME[0-9a-fA-F]+$/;
const ACCOUNT_ROUTE = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\.json$/;
const NUMBERS_ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers(?:\/([^/]+))?\.json$/;
const SERVICE_ROUTE = /^\/v1\/Services(?:\/([^/]+))?$/;

async function createSubaccount(ctx: SimContext, caller: SimAccount, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = new URLSearchParams(await readBody(req, 16 * 1024));
  // Only a main account creates subaccounts; a subaccount's credentials do not reach its parent.
  if (caller.ownerAccountSid !== caller.sid) return sendJson(res, 401, UNAUTHORIZED);
  const friendlyName = form.get("FriendlyName") ?? undefined;
  const created = ctx.accounts.add({ ownerAccountSid: caller.sid, ...(friendlyName ? { friendlyName: friendlyName.slice(0, 64) } : {}) }, ctx.now());
  // The creation answer is the one place Twilio returns the new account's auth_token.
  sendJson(res, 201, accountResource(created, true));
}

async function handleNumbers(ctx: SimContext, account: SimAccount, req: IncomingMessage, res: ServerResponse, path: string, sid: string | undefined): Promise<void> {
  if (!sid) {
    if (req.method !== "GET") return sendJson(res, 405, METHOD_NOT_ALLOWED);
    const all = [...account.numbers.values()];
    return sendJson(res, 200, simplePage(`/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`, "incoming_phone_numbers", all.map((n) => numberResource(account, n))));
  }
  const number = account.numbers.get(sid);
  if (!number) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
  if (req.method === "POST") {
    const form = new URLSearchParams(await readBody(req, 16 * 1024));
    for (const [param, key] of [["SmsUrl", "smsUrl"], ["StatusCallback", "statusCallback"]] as const) {
      const v = form.get(param);
      if (v === null) continue;
      if (v !== "" && !/^https?:\/\//.test(v)) return sendError(res, twilioError(21609, v));
      number[key] = v || null;
    }
    const method = form.get("SmsMethod");
    if (method !== null) number.smsMethod = method.toUpperCase();
    number.dateUpdated = ctx.now();
  } else if (req.method !== "GET") return sendJson(res, 405, METHOD_NOT_ALLOWED);
  sendJson(res, 200, numberResource(account, number));
}

async function handleServices(ctx: SimContext, account: SimAccount, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const m = SERVICE_ROUTE.exec(path);
  if (!m) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
  if (!m[1]) {
    if (req.method !== "GET") return sendJson(res, 405, METHOD_NOT_ALLOWED);
    const all = [...account.services.values()].map((s) => serviceResource(account, s));
    return sendJson(res, 200, { services: all, meta: { page: 0, page_size: 50, first_page_url: `https://messaging.twilio.com/v1/Services?PageSize=50&Page=0`, previous_page_url: null, next_page_url: null, key: "services", url: `https://messaging.twilio.com/v1/Services?PageSize=50&Page=0` } });
  }
  const service = account.services.get(decodeURIComponent(m[1]));
  if (!service) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
  if (req.method === "POST") {
    const form = new URLSearchParams(await readBody(req, 16 * 1024));
    for (const [param, key] of [["InboundRequestUrl", "inboundRequestUrl"], ["StatusCallback", "statusCallback"]] as const) {
      const v = form.get(param);
      if (v === null) continue;
      if (v !== "" && !/^https?:\/\//.test(v)) return sendError(res, twilioError(21609, v));
      service[key] = v || null;
    }
    const method = form.get("InboundMethod");
    if (method !== null) service.inboundMethod = method.toUpperCase();
    const flag = form.get("UseInboundWebhookOnNumber");
    if (flag !== null) service.useInboundWebhookOnNumber = flag === "true";
    const name = form.get("FriendlyName");
    if (name) service.friendlyName = name.slice(0, 64);
    service.dateUpdated = ctx.now();
  } else if (req.method !== "GET") return sendJson(res, 405, METHOD_NOT_ALLOWED);
  sendJson(res, 200, serviceResource(account, service));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A request under an apiFault (sim-config.ts): slow answers the request normally after the delay; a
 * 5xx or a timeout on a create first takes the message with acceptedShare (Twilio may have sent what
 * it then failed to confirm), then answers 500/503 or holds the connection and drops it.
 */
async function faulty(ctx: SimContext, fault: NonNullable<SimContext["config"]["apiFault"]>, account: SimAccount, req: IncomingMessage, res: ServerResponse, isCreate: boolean): Promise<void> {
  const store = ctx.store;
  if (fault.kind === "slow") {
    store.apiFaults.slow++;
    await sleep(fault.delayMs);
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const path = qi < 0 ? url : url.slice(0, qi);
    const sid = ROUTE.exec(path)?.[2];
    if (isCreate) return create(ctx, account, req, res);
    if (sid) return fetchOne(ctx, account, res, path, decodeURIComponent(sid));
    return list(ctx, account, res, new URLSearchParams(qi < 0 ? "" : url.slice(qi + 1)));
  }
  if (isCreate && ctx.random() < fault.acceptedShare) {
    const result = createMessage(ctx, new URLSearchParams(await readBody(req, 256 * 1024)), account);
    if (result.ok) {
      store.apiFaults.acceptedBeforeFailure++;
      startLifecycle(ctx, result.rec, result.fate);
    }
  } else req.resume();
  if (fault.kind === "5xx") {
    store.apiFaults["5xx"]++;
    const code = fault.status === 503 ? 20503 : 20500;
    return sendJson(res, fault.status, { code, message: fault.status === 503 ? "Service unavailable" : "Internal Server Error", more_info: `https://www.twilio.com/docs/errors/${code}`, status: fault.status });
  }
  store.apiFaults.timeout++;
  // No answer: the client's own timeout fires first; then the connection is dropped.
  await sleep(fault.delayMs);
  res.destroy();
}

async function create(ctx: SimContext, account: SimAccount, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!ctx.limiter.take(ctx.config.rateLimitPerSecond)) {
    ctx.store.rateLimited++;
    req.resume();
    return sendError(res, twilioError(20429));
  }
  const form = new URLSearchParams(await readBody(req, 256 * 1024));
  const result = createMessage(ctx, form, account);
  if (!result.ok) return sendError(res, result.error);
  // Answer with the state at acceptance, then let the lifecycle move it on.
  sendJson(res, 201, messageResource(result.rec, result.rec.accountSid));
  startLifecycle(ctx, result.rec, result.fate);
}

function fetchOne(ctx: SimContext, account: SimAccount, res: ServerResponse, path: string, sid: string): void {
  const rec = ctx.store.bySid.get(sid);
  if (!rec || rec.accountSid !== account.sid) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
  sendJson(res, 200, messageResource(rec, account.sid));
}

type DateTest = (t: number) => boolean;

/** Twilio's DateSent filters take a day (YYYY-MM-DD) or a timestamp (what the SDK sends); bounds are inclusive. */
function dateTest(value: string, op: "=" | ">" | "<"): DateTest | null {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = Date.parse(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at)) return null;
  if (day) {
    if (op === ">") return (t) => t >= at;
    if (op === "<") return (t) => t < at + DAY;
    return (t) => t >= at && t < at + DAY;
  }
  // Timestamps have second precision: compare whole seconds so "since the attempt" includes it.
  const sec = Math.floor(at / 1000) * 1000;
  const whole = (t: number) => Math.floor(t / 1000) * 1000;
  if (op === ">") return (t) => whole(t) >= sec;
  if (op === "<") return (t) => whole(t) <= sec;
  return (t) => whole(t) === sec;
}

/** One listed row: an outbound message, or a patient's message to one of our numbers. */
type Listed = { kind: "out"; rec: MessageRecord } | { kind: "in"; rec: InboundRecord };

/** Retained messages To an address (or all), outbound and inbound merged in arrival order. */
function candidates(ctx: SimContext, to: string | null): Listed[] {
  const out = (to ? ctx.store.byTo.get(to) : ctx.store.messages) ?? [];
  const inb = (to ? ctx.store.inboundByTo.get(to) : ctx.store.inbound) ?? [];
  if (inb.length === 0) return out.map((rec) => ({ kind: "out", rec }));
  const merged: Listed[] = [];
  let i = 0;
  let j = 0;
  while (i < out.length || j < inb.length) {
    if (j >= inb.length || (i < out.length && out[i]!.dateCreated <= inb[j]!.dateCreated)) merged.push({ kind: "out", rec: out[i++]! });
    else merged.push({ kind: "in", rec: inb[j++]! });
  }
  return merged;
}

function list(ctx: SimContext, account: SimAccount, res: ServerResponse, q: URLSearchParams): void {
  const to = q.get("To");
  const from = q.get("From");
  const tests: DateTest[] = [];
  const filterQuery = new URLSearchParams();
  if (to) filterQuery.set("To", to);
  if (from) filterQuery.set("From", from);
  for (const [param, op] of [["DateSent", "="], ["DateSent>", ">"], ["DateSent<", "<"]] as const) {
    const v = q.get(param);
    if (!v) continue;
    const test = dateTest(v, op);
    if (!test) return sendError(res, twilioError(20001, `Invalid ${param} value ${v}`));
    tests.push(test);
    filterQuery.set(param, v);
  }
  const pageSize = Math.min(1000, Math.max(1, Number.parseInt(q.get("PageSize") ?? "", 10) || 50));
  const page = Math.max(0, Number.parseInt(q.get("Page") ?? "", 10) || 0);
  // PageToken "PA<sid>" = continue after that message: stable while new messages arrive.
  const token = q.get("PageToken");
  const after = token?.startsWith("PA") ? token.slice(2) : null;

  const source = candidates(ctx, to);
  const out: Listed[] = [];
  let skipping = after !== null;
  let more = false;
  // Newest first, as Twilio lists. The DateSent filters compare date_sent, which Twilio sets only
  // when it sends an outgoing message (and, for an incoming one, when it posts the webhook): a
  // message still accepted/queued has date_sent null and no DateSent filter matches it. A message
  // sent through a messaging service has no From until a sender is picked, so a From filter does
  // not match it either.
  // https://www.twilio.com/docs/messaging/api/message-resource (date_sent, num_segments, list filters)
  for (let i = source.length - 1; i >= 0; i--) {
    const item = source[i]!;
    if (skipping) {
      if (item.rec.sid === after) skipping = false;
      continue;
    }
    // Each account lists its own messages; patients' messages reach the account whose number they wrote to
    // (inbound to the platform's numbers: the main account).
    if (item.kind === "out" ? item.rec.accountSid !== account.sid : account.sid !== ctx.config.accountSid) continue;
    if (from && item.rec.from !== from) continue;
    const t = item.kind === "out" ? item.rec.dateSent : item.rec.dateCreated;
    if (tests.length > 0 && (t === null || !tests.every((test) => test(t)))) continue;
    if (out.length === pageSize) {
      more = true;
      break;
    }
    out.push(item);
  }
  const start = page * pageSize;
  const accountSid = account.sid;
  const resources = out.map((item) => (item.kind === "out" ? messageResource(item.rec, accountSid) : inboundResource(item.rec, accountSid)));
  sendJson(res, 200, listPage({ accountSid, resources, filterQuery, page, pageSize, start, nextPageToken: more ? "PA" + out[out.length - 1]!.rec.sid : null }));
}
