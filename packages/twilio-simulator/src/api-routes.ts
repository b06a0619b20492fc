// Twilio REST subset: create, fetch and list Messages under /2010-04-01/Accounts/{AccountSid}/.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "./context.ts";
import { twilioError, type SimError } from "./errors.ts";
import { readBody, sendJson } from "./http-util.ts";
import { startLifecycle } from "./lifecycle.ts";
import { createMessage } from "./send.ts";
import type { MessageRecord } from "./store.ts";
import { listPage, messageResource } from "./twilio-shapes.ts";

const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/]+))?\.json$/;
const DAY = 86_400_000;

function sendError(res: ServerResponse, err: SimError): void {
  sendJson(res, err.httpStatus, err.body);
}

/** Handles one API request; `path` and `query` are the request target split at "?". */
export function createApiHandler(ctx: SimContext) {
  // The exact Authorization headers that are valid, so the hot path is one Set lookup.
  const validAuth = new Set(ctx.config.authTokens.map((t) => "Basic " + Buffer.from(`${ctx.config.accountSid}:${t}`).toString("base64")));

  return async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const m = ROUTE.exec(path);
    if (!m) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
    if (!validAuth.has(req.headers.authorization ?? "") || m[1] !== ctx.config.accountSid) {
      return sendJson(res, 401, { ...twilioError(20003).body, detail: "Your AccountSid or AuthToken was incorrect." });
    }
    const sid = m[2];
    if (req.method === "POST" && !sid) return create(ctx, req, res);
    if (req.method === "GET" && sid) return fetchOne(ctx, res, path, decodeURIComponent(sid));
    if (req.method === "GET") return list(ctx, res, new URLSearchParams(query));
    sendJson(res, 405, { code: 20004, message: "Method not allowed", more_info: "https://www.twilio.com/docs/errors/20004", status: 405 });
  };
}

async function create(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!ctx.limiter.take(ctx.config.rateLimitPerSecond)) {
    ctx.store.rateLimited++;
    req.resume();
    return sendError(res, twilioError(20429));
  }
  const form = new URLSearchParams(await readBody(req, 256 * 1024));
  const result = createMessage(ctx, form);
  if (!result.ok) return sendError(res, result.error);
  // Answer with the state at acceptance, then let the lifecycle move it on.
  sendJson(res, 201, messageResource(result.rec, ctx.config.accountSid));
  startLifecycle(ctx, result.rec, result.fate);
}

function fetchOne(ctx: SimContext, res: ServerResponse, path: string, sid: string): void {
  const rec = ctx.store.bySid.get(sid);
  if (!rec) return sendError(res, twilioError(20404, `The requested resource ${path} was not found`, 404));
  sendJson(res, 200, messageResource(rec, ctx.config.accountSid));
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

function list(ctx: SimContext, res: ServerResponse, q: URLSearchParams): void {
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

  const source = to ? (ctx.store.byTo.get(to) ?? []) : ctx.store.messages;
  const out: MessageRecord[] = [];
  let skipping = after !== null;
  let more = false;
  // Newest first, as Twilio lists. A queued message has no date_sent yet; it is filtered by its
  // creation time so that a crash-recovery query never misses a message still in the queue.
  for (let i = source.length - 1; i >= 0; i--) {
    const rec = source[i]!;
    if (skipping) {
      if (rec.sid === after) skipping = false;
      continue;
    }
    if (from && rec.from !== from) continue;
    const t = rec.dateSent ?? rec.dateCreated;
    if (!tests.every((test) => test(t))) continue;
    if (out.length === pageSize) {
      more = true;
      break;
    }
    out.push(rec);
  }
  const start = page * pageSize;
  sendJson(res, 200, listPage({ accountSid: ctx.config.accountSid, records: out, filterQuery, page, pageSize, start, nextPageToken: more ? "PA" + out[out.length - 1]!.sid : null }));
}
