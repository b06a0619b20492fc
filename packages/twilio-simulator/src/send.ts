// The create-message call: validates like Twilio (first failing rule wins, same order as Twilio
// checks), decides the message's eventual fate, and records it.
import { renderContent } from "@rm/domain";
import { DELIVERY_ERRORS, isDeliveryCode, twilioError, WHATSAPP_CALLBACK_ERRORS, type SimError } from "./errors.ts";
import type { SimAccount } from "./accounts.ts";
import type { SimContext } from "./context.ts";
import { smsSegments } from "./segments.ts";
import { contentBody, contentButtons, currentApproval } from "./content.ts";
import type { FailRule } from "./sim-config.ts";
import { bareAddress, NO_CALLBACKS, type MessageRecord, type MessageStatus } from "./store.ts";
import { newSid } from "./twilio-shapes.ts";

const E164 = /^\+[1-9]\d{6,14}$/;

export interface Fate {
  status: Extract<MessageStatus, "delivered" | "read" | "undelivered" | "failed">;
  errorCode: number | null;
}

export type CreateResult = { ok: true; rec: MessageRecord; fate: Fate } | { ok: false; error: SimError };

function matchRule(rules: FailRule[], to: string): FailRule | undefined {
  const bare = bareAddress(to);
  const whatsapp = to.startsWith("whatsapp:");
  for (const r of rules) {
    // "No WhatsApp on this number" says nothing about SMS to it.
    if (!whatsapp && WHATSAPP_CALLBACK_ERRORS.has(r.code)) continue;
    if (r.to.endsWith("*")) {
      const prefix = r.to.slice(0, -1);
      if (to.startsWith(prefix) || bare.startsWith(prefix)) return r;
    } else if (r.to === to || r.to === bare) return r;
  }
  return undefined;
}

function spend(ctx: SimContext, rule: FailRule): void {
  if (rule.times === undefined) return;
  rule.times--;
  if (rule.times <= 0) ctx.config.failRules = ctx.config.failRules.filter((r) => r !== rule);
}

function fail(ctx: SimContext, code: number, detail?: string): CreateResult {
  const error = twilioError(code, detail);
  ctx.store.reject(error.body.code);
  return { ok: false, error };
}

/** `account`: whose credentials made the call (default: the main account). */
export function createMessage(ctx: SimContext, form: URLSearchParams, account: SimAccount = ctx.accounts.bySid.get(ctx.accounts.mainSid)!): CreateResult {
  const { config, store } = ctx;
  const to = form.get("To")?.trim() ?? "";
  const from = form.get("From")?.trim() || null;
  const serviceSid = form.get("MessagingServiceSid")?.trim() || null;
  const body = form.get("Body") ?? "";
  const contentSid = form.get("ContentSid")?.trim() || null;
  const contentVariables = form.get("ContentVariables");
  const hasMedia = form.has("MediaUrl");

  if (!to) return fail(ctx, 21604);
  if (!from && !serviceSid) return fail(ctx, 21603);
  if (!body && !contentSid && !hasMedia) return fail(ctx, 21602);
  // An added account sends only from its own numbers and services (accounts.ts cites the errors).
  if (!account.anyFrom) {
    if (serviceSid && !account.services.has(serviceSid)) return fail(ctx, 21705, serviceSid);
    if (from && ![...account.numbers.values()].some((n) => n.phoneNumber === bareAddress(from))) return fail(ctx, 21606, from);
  }
  if (body.length > 1600) return fail(ctx, 21617);
  if (contentVariables) {
    // 21656 "The ContentVariables Parameter is invalid": not a JSON object, a variable set to null
    // or an empty string at the time of send, or a value with a newline, a tab or more than 4
    // consecutive spaces (https://www.twilio.com/docs/api/errors/21656).
    let parsed: unknown;
    try {
      parsed = JSON.parse(contentVariables);
    } catch {
      return fail(ctx, 21656);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail(ctx, 21656);
    const entries = Object.entries(parsed as Record<string, unknown>);
    const empty = entries.find(([, v]) => v === null || v === "");
    if (empty) return fail(ctx, 21656, `variable ${empty[0]} is empty`);
    const malformed = entries.find(([, v]) => typeof v === "string" && /[\n\t]| {5}/.test(v));
    if (malformed) return fail(ctx, 21656, `variable ${malformed[0]} has a newline, a tab or more than 4 spaces`);
  }
  // Twilio refuses a ContentSid that is not a template of the account (mistyped, deleted, another
  // account's, never created) with 21655 "The ContentSid is Invalid":
  // https://www.twilio.com/docs/api/errors/21655
  // A Content SID belongs to the account that created it (content.ts): an added account reaches only
  // the templates it created through the Content API, the main account also the configured ones.
  const created = contentSid ? account.contents.get(contentSid) : undefined;
  const content = created ? { body: contentBody(created), ...(contentButtons(created) ? { buttons: contentButtons(created)! } : {}) } : contentSid && account.anyFrom ? config.approvedContent[contentSid] : undefined;
  if (contentSid && !content) return fail(ctx, 21655, contentSid);
  const statusCallback = form.get("StatusCallback") || null;
  if (statusCallback !== null && !/^https?:\/\//.test(statusCallback)) return fail(ctx, 21609, statusCallback);
  const whatsapp = to.startsWith("whatsapp:");
  const bareTo = bareAddress(to);
  if (!E164.test(bareTo)) return fail(ctx, 21211, bareTo);
  if (from && whatsapp !== from.startsWith("whatsapp:")) return fail(ctx, 63007, from);

  const rule = matchRule(config.failRules, to);
  let ruleFate: Fate | null = null;
  if (rule) {
    spend(ctx, rule);
    if (!isDeliveryCode(rule.code)) return fail(ctx, rule.code, bareTo);
    ruleFate = { status: rule.status ?? (rule.code === 30008 || WHATSAPP_CALLBACK_ERRORS.has(rule.code) ? "failed" : "undelivered"), errorCode: rule.code };
  }
  for (const prefix of config.blockedPrefixes) if (bareTo.startsWith(prefix)) return fail(ctx, 21408, bareTo);
  const now = ctx.now();
  if (!whatsapp && store.isOptedOut(bareTo, from)) return fail(ctx, 21610);
  // Free text outside the 24-hour window is accepted (201, queued) and then fails with 63016 in the
  // status callback, as Twilio does (https://www.twilio.com/docs/api/errors/63016: "This message
  // failed to be delivered to the user because it was sent outside the messaging channel's allowed
  // conversation window"); it is not a create-time error.
  // A template WhatsApp has not approved is no Message Template to WhatsApp: outside the window it
  // fails like free text (63016 above).
  const unapproved = created !== undefined && currentApproval(ctx, created)?.status !== "approved";
  if (whatsapp && (!contentSid || unapproved) && ruleFate === null) {
    const last = store.lastInboundAt(to, from);
    if (last === undefined || now - last > config.whatsappWindowMs) ruleFate = { status: "failed", errorCode: 63016 };
  }

  const rec: MessageRecord = {
    sid: newSid(),
    accountSid: account.sid,
    to,
    from,
    messagingServiceSid: serviceSid,
    // A template's text lives at Twilio: the simulator shows what the patient saw when it knows the
    // template's text, else which template and variables were asked for.
    body: body || (contentSid ? renderApproved(contentSid, content, contentVariables) : ""),
    buttons: !body && content?.buttons ? content.buttons.map((b) => b.title) : null,
    contentSid,
    contentVariables,
    statusCallback,
    channel: whatsapp ? "whatsapp" : "sms",
    status: serviceSid && !from ? "accepted" : "queued",
    numSegments: whatsapp || contentSid ? 1 : smsSegments(body),
    errorCode: null,
    errorMessage: null,
    dateCreated: now,
    dateUpdated: now,
    dateSent: null,
    callbacksDelivered: NO_CALLBACKS,
  };
  store.add(rec, config.maxStoredMessages);
  return { ok: true, rec, fate: ruleFate ?? decideFate(ctx, whatsapp) };
}

function renderApproved(sid: string, content: { body?: string } | undefined, variables: string | null): string {
  if (content?.body === undefined) return `[${sid}]${variables ? " " + variables : ""}`;
  return renderContent(content.body, variables ? (JSON.parse(variables) as Record<string, string>) : null);
}

function decideFate(ctx: SimContext, whatsapp: boolean): Fate {
  const { failedShare, undeliveredShare, whatsappReadShare } = ctx.config;
  if (failedShare > 0 || undeliveredShare > 0) {
    const r = ctx.random();
    if (r < failedShare) return { status: "failed", errorCode: 30008 };
    if (r < failedShare + undeliveredShare) {
      return { status: "undelivered", errorCode: r < failedShare + undeliveredShare / 2 ? 30003 : 30005 };
    }
  }
  if (whatsapp && whatsappReadShare > 0 && (whatsappReadShare >= 1 || ctx.random() < whatsappReadShare)) return { status: "read", errorCode: null };
  return { status: "delivered", errorCode: null };
}

export function errorMessageFor(code: number): string {
  return DELIVERY_ERRORS[code] ?? `Error ${code}`;
}
