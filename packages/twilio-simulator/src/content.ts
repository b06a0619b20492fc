// Twilio's Content API (content.twilio.com/v1) for the accounts of the simulator: content templates
// created through the API, submitted for WhatsApp approval, and the approval followed by fetching it.
//
// Modelled on Twilio's documentation:
// - Create: POST /v1/Content with a JSON body {friendly_name, language, variables, types}; `types`
//   is required (error 92001, https://www.twilio.com/docs/api/errors/92001); the answer is the
//   Content resource with its HX sid and the creating account's sid. A Content SID belongs to the
//   account that created it (https://www.twilio.com/docs/content/content-api-resources).
// - twilio/quick-reply: a body of at most 1,024 characters and 1 to 10 quick-reply actions
//   {title, id}; twilio/text: a body of at most 1,600 characters
//   (https://www.twilio.com/docs/content/twilio-quick-reply, .../content/twilio-text).
// - Submit: POST /v1/Content/{Sid}/ApprovalRequests/whatsapp with JSON {name, category}; the name
//   takes lowercase letters, digits and underscores; the categories are UTILITY, MARKETING and
//   AUTHENTICATION. The answer's status is "received"; WhatsApp then reviews it ("pending") and it
//   ends "approved" or "rejected" with a `rejection_reason`
//   (https://www.twilio.com/docs/content/create-and-send-your-first-content-api-template,
//   https://www.twilio.com/docs/whatsapp/tutorial/message-template-approvals-statuses).
// - Fetch: GET /v1/Content/{Sid}/ApprovalRequests answers {sid, account_sid, whatsapp: {name,
//   category, content_type, status, rejection_reason, allow_category_change}, url}; a template never
//   submitted reads "unsubmitted". The Content API posts no callback when the review ends: the
//   status is learnt by fetching it.
// - WhatsApp rejects a template whose body starts or ends with a variable, has two variables next
//   to each other, numbers its variables with a gap, or lacks a sample value for a variable (the
//   quick-reply and approvals pages above; "Using variables with content templates",
//   https://www.twilio.com/docs/content/using-variables-with-content-api, and error 63028's "sequential
//   numbering without skipping integers", https://www.twilio.com/docs/api/errors/63028). The Content
//   API itself takes any variables at create (they serve every channel, and may even be named): the
//   rules are WhatsApp's, applied to the approval request. The simulator rejects those whatever
//   outcome it is configured with, so it is never kinder than WhatsApp. Otherwise the outcome is the configured one (`contentApproval`): approve
//   or reject after a delay, or wait for the test-control endpoint (POST /_sim/content/approval).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimAccount } from "./accounts.ts";
import type { SimContext } from "./context.ts";
import { readBody, sendJson } from "./http-util.ts";
import { newSid, rfc2822 } from "./twilio-shapes.ts";

export type ApprovalStatus = "unsubmitted" | "received" | "pending" | "approved" | "rejected" | "paused";

export interface SimContent {
  sid: string;
  accountSid: string;
  friendlyName: string;
  language: string;
  variables: Record<string, string>;
  types: Record<string, { body?: string; actions?: { title: string; id?: string }[] }>;
  dateCreated: number;
  dateUpdated: number;
  approval: {
    name: string;
    category: string;
    status: ApprovalStatus;
    rejectionReason: string;
    submittedAt: number;
    /** A rejection WhatsApp's format rules force, decided at submission. */
    forcedRejection: string | null;
  } | null;
}

export interface ContentApprovalConfig {
  /** "manual" (default): stays pending until /_sim/content/approval decides. */
  outcome: "approve" | "reject" | "manual";
  /** Time from submission to the decision (approve / reject); "received" turns "pending" at once. */
  delayMs: number;
  rejectionReason: string;
}

export const DEFAULT_CONTENT_APPROVAL: ContentApprovalConfig = { outcome: "manual", delayMs: 0, rejectionReason: "The template was rejected by WhatsApp." };

const CATEGORIES = new Set(["UTILITY", "MARKETING", "AUTHENTICATION"]);
const NAME_RE = /^[a-z0-9_]{1,512}$/;
const CONTENT_ROUTE = /^\/v1\/Content(?:\/(HX[0-9a-fA-F]{32}))?(\/ApprovalRequests(?:\/whatsapp)?)?$/;

function apiError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/** The text a template shows: its quick-reply body, else its text body. */
export function contentBody(c: SimContent): string {
  return c.types["twilio/quick-reply"]?.body ?? c.types["twilio/text"]?.body ?? "";
}

export function contentButtons(c: SimContent): { id: string; title: string }[] | undefined {
  return c.types["twilio/quick-reply"]?.actions?.map((a) => ({ id: a.id ?? a.title, title: a.title }));
}

/** WhatsApp's format rules for a template's variables; the reason it rejects one, or null. */
export function formatRejection(c: SimContent): string | null {
  const body = contentBody(c).trim();
  const vars = [...body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)];
  if (vars.length === 0) return null;
  if (/^\{\{\s*\d+\s*\}\}/.test(body) || /\{\{\s*\d+\s*\}\}[.!?]?$/.test(body)) return "Template body cannot start or end with a variable.";
  if (/\}\}\s*\{\{/.test(body)) return "Template body cannot have adjacent variables.";
  for (const v of vars) if (!c.variables[v[1]!]) return `Missing sample value for variable {{${v[1]}}}.`;
  // The numbers may appear in any order but must not skip one: "{{1}} … {{3}}" is refused.
  const numbers = new Set(vars.map((v) => Number(v[1])));
  for (let i = 1; i <= numbers.size; i++) if (!numbers.has(i)) return "Template variables must be sequential: {{" + i + "}} is missing.";
  return null;
}

/** The approval as it stands now: "received" moves to "pending", and a due decision is taken. */
export function currentApproval(ctx: SimContext, c: SimContent): NonNullable<SimContent["approval"]> | null {
  const a = c.approval;
  if (!a || a.status === "approved" || a.status === "rejected" || a.status === "paused") return a;
  const cfg = ctx.config.contentApproval;
  if (ctx.now() - a.submittedAt >= cfg.delayMs) {
    if (a.forcedRejection) {
      a.status = "rejected";
      a.rejectionReason = a.forcedRejection;
    } else if (cfg.outcome === "approve") a.status = "approved";
    else if (cfg.outcome === "reject") {
      a.status = "rejected";
      a.rejectionReason = cfg.rejectionReason;
    } else a.status = "pending";
  } else a.status = "pending";
  return a;
}

/**
 * Decides a submitted template (test control). A format-rule rejection cannot be overturned.
 * "paused": WhatsApp pauses an approved template whose quality fell (recipients blocking or
 * reporting it); the status reads "paused" (https://www.twilio.com/docs/whatsapp/tutorial/message-template-approvals-statuses).
 */
export function decideApproval(ctx: SimContext, sid: string, status: "approved" | "rejected" | "paused", reason?: string): SimContent {
  for (const account of ctx.accounts.bySid.values()) {
    const c = account.contents.get(sid);
    if (!c) continue;
    if (!c.approval) throw new Error(`${sid} was never submitted for approval`);
    if (status !== "rejected" && c.approval.forcedRejection) throw new Error(`WhatsApp rejects ${sid}: ${c.approval.forcedRejection}`);
    c.approval.status = status;
    c.approval.rejectionReason = status === "rejected" ? (reason ?? ctx.config.contentApproval.rejectionReason) : status === "paused" ? (reason ?? "") : "";
    return c;
  }
  throw new Error(`no content ${sid}`);
}

function resource(c: SimContent) {
  const url = `https://content.twilio.com/v1/Content/${c.sid}`;
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    language: c.language,
    variables: c.variables,
    types: c.types,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    url,
    links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
  };
}

function approvalView(c: SimContent, a: SimContent["approval"]) {
  const contentType = Object.keys(c.types)[0] ?? null;
  return a
    ? { type: "whatsapp", name: a.name, category: a.category, content_type: contentType, status: a.status, rejection_reason: a.rejectionReason, allow_category_change: true }
    : { type: "whatsapp", name: "", category: "", content_type: contentType, status: "unsubmitted", rejection_reason: "", allow_category_change: true };
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = JSON.parse(await readBody(req, 64 * 1024));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function validTypes(types: unknown): string | null {
  if (typeof types !== "object" || types === null || Array.isArray(types) || Object.keys(types).length === 0) return "types";
  for (const [name, t] of Object.entries(types as Record<string, unknown>)) {
    const v = t as { body?: unknown; actions?: unknown };
    if (typeof v !== "object" || v === null) return name;
    if (name === "twilio/text" && (typeof v.body !== "string" || v.body.length === 0 || v.body.length > 1600)) return name;
    if (name === "twilio/quick-reply") {
      if (typeof v.body !== "string" || v.body.length === 0 || v.body.length > 1024) return name;
      if (!Array.isArray(v.actions) || v.actions.length < 1 || v.actions.length > 10) return name;
      if (!v.actions.every((a: { title?: unknown }) => typeof a?.title === "string" && a.title.length > 0 && a.title.length <= 20)) return name;
    }
  }
  return null;
}

/** Handles /v1/Content… for the calling account (Content v1 takes the account from the credentials). */
export async function handleContent(ctx: SimContext, account: SimAccount, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const m = CONTENT_ROUTE.exec(path);
  if (!m) return apiError(res, 404, 20404, `The requested resource ${path} was not found`);
  const [, sid, approvals] = m;
  if (!sid) {
    if (req.method === "GET") {
      const contents = [...account.contents.values()].map(resource);
      return sendJson(res, 200, { contents, meta: { page: 0, page_size: 50, first_page_url: "https://content.twilio.com/v1/Content?PageSize=50&Page=0", previous_page_url: null, next_page_url: null, key: "contents", url: "https://content.twilio.com/v1/Content?PageSize=50&Page=0" } });
    }
    if (req.method !== "POST") return apiError(res, 405, 20004, "Method not allowed");
    const body = await readJsonBody(req);
    if (!body) return apiError(res, 400, 20001, "Invalid JSON body");
    if (body.types === undefined) return apiError(res, 400, 92001, "'types' Parameter Required");
    const bad = validTypes(body.types);
    if (bad) return apiError(res, 400, 20001, `Invalid content type ${bad}`);
    if (typeof body.language !== "string" || !/^[a-z]{2}(_[A-Z]{2})?$/.test(body.language)) return apiError(res, 400, 20001, "Invalid language");
    const variables = (typeof body.variables === "object" && body.variables !== null && !Array.isArray(body.variables) ? body.variables : {}) as Record<string, unknown>;
    const now = ctx.now();
    const content: SimContent = {
      sid: newSid("HX"),
      accountSid: account.sid,
      friendlyName: typeof body.friendly_name === "string" ? body.friendly_name : "",
      language: body.language,
      variables: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
      types: body.types as SimContent["types"],
      dateCreated: now,
      dateUpdated: now,
      approval: null,
    };
    account.contents.set(content.sid, content);
    return sendJson(res, 201, resource(content));
  }
  const content = account.contents.get(sid);
  // Another account's template is not found: a Content SID belongs to one account.
  if (!content) return apiError(res, 404, 20404, `The requested resource ${path} was not found`);
  if (!approvals) {
    if (req.method === "GET") return sendJson(res, 200, resource(content));
    if (req.method === "DELETE") {
      account.contents.delete(sid);
      res.writeHead(204).end();
      return;
    }
    return apiError(res, 405, 20004, "Method not allowed");
  }
  if (approvals === "/ApprovalRequests") {
    if (req.method !== "GET") return apiError(res, 405, 20004, "Method not allowed");
    return sendJson(res, 200, { sid: content.sid, account_sid: content.accountSid, whatsapp: approvalView(content, currentApproval(ctx, content)), url: `https://content.twilio.com/v1/Content/${content.sid}/ApprovalRequests` });
  }
  if (req.method !== "POST") return apiError(res, 405, 20004, "Method not allowed");
  const body = await readJsonBody(req);
  if (!body) return apiError(res, 400, 20001, "Invalid JSON body");
  if (typeof body.name !== "string" || !NAME_RE.test(body.name)) return apiError(res, 400, 20001, "Invalid name: use lowercase letters, digits and underscores");
  if (typeof body.category !== "string" || !CATEGORIES.has(body.category)) return apiError(res, 400, 20001, "Invalid category");
  // One WhatsApp approval request per template: a changed text is a new template.
  if (content.approval) return apiError(res, 400, 20001, "An approval request was already submitted for this content");
  content.approval = { name: body.name, category: body.category, status: "received", rejectionReason: "", submittedAt: ctx.now(), forcedRejection: null };
  content.approval.forcedRejection = formatRejection(content);
  content.dateUpdated = ctx.now();
  return sendJson(res, 201, approvalView(content, content.approval));
}
