// Runtime settings of the simulator: start-up values come from the environment (main.ts) or the
// caller (tests), and POST /_sim/config changes them while it runs.
import { DEFAULT_CONTENT_APPROVAL, type ContentApprovalConfig } from "./content.ts";
import { CONTENT_SID, LOCAL_PLATFORM_CONTENT_SIDS, platformTemplatesBySid, type ContentButton, type PlatformContentSids } from "@rm/domain";

export interface FailRule {
  /** Exact address ("+593990000001", "whatsapp:+593…" also matches its bare number) or a prefix ending in "*". */
  to: string;
  /** 21211-style codes answer the create call with 400; 429/500/503 answer with that HTTP status;
   * 30xxx codes are accepted and then end in a failed/undelivered callback with that ErrorCode;
   * 63003 / 63016 / 63024 (WhatsApp only: a number without WhatsApp, the window, an invalid
   * recipient) are accepted and then end in a failed callback, as Twilio reports them. */
  code: number;
  /** For callback codes; default "failed" for 30008 and the WhatsApp codes, else "undelivered". */
  status?: "failed" | "undelivered";
  /** Apply this many times, then the rule is spent (e.g. one 500, then success). Unlimited when absent. */
  times?: number;
}

export interface AutoReply {
  body?: string;
  /** WhatsApp quick-reply button; on SMS the button text is sent as the body instead. */
  buttonPayload?: string;
  buttonText?: string;
  weight: number;
}

/** An approved Content API template: its text with {{1}}… placeholders and its quick-reply buttons. */
export interface ApprovedContent {
  /** Absent: the message list shows the SID and the variables (a template whose text the simulator does not know). */
  body?: string;
  buttons?: ContentButton[];
}

/**
 * SIDs the repository's tests and demo seed use as a workspace's own templates. They stand for
 * templates a real account would have had approved; any other unknown SID is refused.
 */
export const PLACEHOLDER_CONTENT_SIDS: readonly string[] = [
  "HX00000000000000000000000000000001",
  "HX00000000000000000000000000000002",
  "HX00000000000000000000000000000003",
  "HX00000000000000000000000000000004",
  "HX0123456789abcdef0123456789abcdef",
  ...["0", "1", "2", "a", "b", "c"].map((c) => `HX${c.repeat(32)}`),
];

/** The approved templates for a platform configuration (WHATSAPP_DEFAULT_CONTENT_SIDS) plus extra SIDs without a known text. */
export function approvedContentFor(platform: PlatformContentSids, extraSids: readonly string[] = PLACEHOLDER_CONTENT_SIDS): Record<string, ApprovedContent> {
  const out: Record<string, ApprovedContent> = {};
  for (const sid of extraSids) out[sid] = {};
  for (const [sid, t] of platformTemplatesBySid(platform)) out[sid] = t.buttons ? { body: t.body, buttons: t.buttons } : { body: t.body };
  return out;
}

export interface SimulatorConfig {
  accountSid: string;
  /** Any authenticates; the first signs status callbacks and inbound webhooks, as Twilio's primary token does. */
  authTokens: string[];
  inboundUrl: string;
  throughputMode: boolean;
  /** Throughput mode only: still post one final status callback per message. */
  throughputFinalCallback: boolean;
  callbackDelayMs: number;
  callbackJitterMs: number;
  undeliveredShare: number;
  failedShare: number;
  /** WhatsApp messages that are delivered and then read. */
  whatsappReadShare: number;
  /** Create-message requests per second; 0 = unlimited. */
  rateLimitPerSecond: number;
  blockedPrefixes: string[];
  failRules: FailRule[];
  autoReplyShare: number;
  autoReplyDelayMs: number;
  autoReplies: AutoReply[];
  /** False (default): a patient auto-replies only to the first message a sender sends them. */
  autoReplyEveryMessage: boolean;
  callbackConcurrency: number;
  maxStoredMessages: number;
  /** Number a messaging service (MG…) sends from; "whatsapp:" is prepended for WhatsApp. */
  serviceSender: string;
  whatsappWindowMs: number;
  /**
   * Content API templates this account has approved, by content SID. A create call with any other
   * ContentSid is refused with 21655, as Twilio refuses a SID that does not exist in the account.
   */
  approvedContent: Record<string, ApprovedContent>;
  /** How WhatsApp decides templates submitted through the Content API (content.ts). */
  contentApproval: ContentApprovalConfig;
}

export const DEFAULT_AUTO_REPLIES: AutoReply[] = [
  { body: "5", weight: 30 },
  { body: "cinco", weight: 6 },
  { body: "4 estrellas", weight: 8 },
  { body: "⭐⭐⭐", weight: 5 },
  { body: "2", weight: 4 },
  { body: "1", weight: 3 },
  { buttonPayload: "5", buttonText: "⭐⭐⭐⭐⭐", weight: 10 },
  { buttonPayload: "4", buttonText: "⭐⭐⭐⭐", weight: 5 },
  { body: "STOP", weight: 3 },
  { body: "gracias", weight: 4 },
  { body: "quiero cancelar mi cita", weight: 2 },
];

export function defaultConfig(accountSid: string, authTokens: string[]): SimulatorConfig {
  return {
    accountSid,
    authTokens,
    inboundUrl: "http://127.0.0.1:3000/webhooks/twilio/inbound",
    throughputMode: false,
    throughputFinalCallback: false,
    callbackDelayMs: 100,
    callbackJitterMs: 0,
    undeliveredShare: 0,
    failedShare: 0,
    whatsappReadShare: 1,
    rateLimitPerSecond: 0,
    blockedPrefixes: [],
    failRules: [],
    autoReplyShare: 0,
    autoReplyDelayMs: 500,
    autoReplies: DEFAULT_AUTO_REPLIES,
    autoReplyEveryMessage: false,
    callbackConcurrency: 64,
    maxStoredMessages: 1_000_000,
    serviceSender: "+15005550006",
    whatsappWindowMs: 24 * 60 * 60 * 1000,
    // The platform's templates of local runs and tests, and the tests' placeholder SIDs.
    approvedContent: approvedContentFor(LOCAL_PLATFORM_CONTENT_SIDS),
    contentApproval: { ...DEFAULT_CONTENT_APPROVAL },
  };
}

/** "+593990000001=30008,+593990000002=500x2" → rules. Throws on a malformed entry. */
export function parseFailRules(spec: string | undefined): FailRule[] {
  if (!spec) return [];
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([^=\s]+)=(\d+)(?:x(\d+))?$/.exec(entry);
      if (!m) throw new Error(`bad fail rule "${entry}" (expected number=code or number=codexTIMES)`);
      const rule: FailRule = { to: m[1]!, code: Number(m[2]) };
      if (m[3]) rule.times = Number(m[3]);
      return rule;
    });
}

const SHARES = ["undeliveredShare", "failedShare", "whatsappReadShare", "autoReplyShare"] as const;
const NUMBERS = [
  "callbackDelayMs",
  "callbackJitterMs",
  "rateLimitPerSecond",
  "autoReplyDelayMs",
  "callbackConcurrency",
  "maxStoredMessages",
  "whatsappWindowMs",
] as const;
const BOOLEANS = ["throughputMode", "throughputFinalCallback", "autoReplyEveryMessage"] as const;
const STRINGS = ["inboundUrl", "serviceSender"] as const;

/** Validates a partial config (from JSON) and returns the merged result; throws Error with a clear message. */
export function mergeConfig(current: SimulatorConfig, patch: unknown): SimulatorConfig {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new Error("config must be a JSON object");
  const p = patch as Record<string, unknown>;
  const next: SimulatorConfig = { ...current };
  const known = new Set<string>([...SHARES, ...NUMBERS, ...BOOLEANS, ...STRINGS, "blockedPrefixes", "failRules", "autoReplies", "failureShare", "approvedContent", "contentApproval"]);
  for (const key of Object.keys(p)) if (!known.has(key)) throw new Error(`unknown config field "${key}"`);
  for (const k of SHARES) {
    if (p[k] === undefined) continue;
    if (typeof p[k] !== "number" || !(p[k] >= 0 && p[k] <= 1)) throw new Error(`${k} must be a number between 0 and 1`);
    next[k] = p[k];
  }
  // Shorthand matching SIMULATOR_FAILURE_SHARE: split evenly between undelivered and failed.
  if (p.failureShare !== undefined) {
    if (typeof p.failureShare !== "number" || !(p.failureShare >= 0 && p.failureShare <= 1)) throw new Error("failureShare must be a number between 0 and 1");
    next.undeliveredShare = p.failureShare / 2;
    next.failedShare = p.failureShare / 2;
  }
  if (next.undeliveredShare + next.failedShare > 1) throw new Error("undeliveredShare + failedShare must not exceed 1");
  for (const k of NUMBERS) {
    if (p[k] === undefined) continue;
    if (typeof p[k] !== "number" || !Number.isFinite(p[k]) || p[k] < 0) throw new Error(`${k} must be a non-negative number`);
    next[k] = p[k];
  }
  if (next.callbackConcurrency < 1) throw new Error("callbackConcurrency must be at least 1");
  for (const k of BOOLEANS) {
    if (p[k] === undefined) continue;
    if (typeof p[k] !== "boolean") throw new Error(`${k} must be true or false`);
    next[k] = p[k];
  }
  for (const k of STRINGS) {
    if (p[k] === undefined) continue;
    if (typeof p[k] !== "string" || !p[k]) throw new Error(`${k} must be a non-empty string`);
    next[k] = p[k];
  }
  if (p.inboundUrl !== undefined) {
    try {
      new URL(next.inboundUrl);
    } catch {
      throw new Error("inboundUrl must be an absolute URL");
    }
  }
  if (p.blockedPrefixes !== undefined) {
    if (!Array.isArray(p.blockedPrefixes) || !p.blockedPrefixes.every((x) => typeof x === "string" && x.length > 0)) {
      throw new Error("blockedPrefixes must be a list of strings");
    }
    next.blockedPrefixes = [...p.blockedPrefixes];
  }
  if (p.failRules !== undefined) {
    if (!Array.isArray(p.failRules)) throw new Error("failRules must be a list");
    next.failRules = p.failRules.map((r, i) => {
      const rule = r as Partial<FailRule>;
      if (typeof rule?.to !== "string" || !rule.to || typeof rule.code !== "number" || !Number.isInteger(rule.code)) {
        throw new Error(`failRules[${i}] needs a "to" string and an integer "code"`);
      }
      if (rule.status !== undefined && rule.status !== "failed" && rule.status !== "undelivered") throw new Error(`failRules[${i}].status must be failed or undelivered`);
      if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) throw new Error(`failRules[${i}].times must be a positive integer`);
      return { ...rule } as FailRule;
    });
  }
  if (p.approvedContent !== undefined) {
    const ac = p.approvedContent;
    if (typeof ac !== "object" || ac === null || Array.isArray(ac)) throw new Error("approvedContent must be an object of content SID → { body, buttons }");
    next.approvedContent = Object.fromEntries(
      Object.entries(ac as Record<string, unknown>).map(([sid, v]) => {
        if (!CONTENT_SID.test(sid)) throw new Error(`approvedContent: "${sid}" is not a content SID (HX + 32 hex digits)`);
        const t = v as Partial<ApprovedContent> | null;
        if (typeof t !== "object" || t === null || (t.body !== undefined && typeof t.body !== "string")) throw new Error(`approvedContent.${sid} must be an object with an optional "body" string`);
        if (t.buttons !== undefined && (!Array.isArray(t.buttons) || !t.buttons.every((b) => typeof b?.id === "string" && typeof b?.title === "string"))) {
          throw new Error(`approvedContent.${sid}.buttons must be a list of { id, title }`);
        }
        return [sid, { ...(t.body !== undefined ? { body: t.body } : {}), ...(t.buttons ? { buttons: t.buttons.map((b) => ({ id: b.id, title: b.title })) } : {}) }];
      }),
    );
  }
  if (p.contentApproval !== undefined) {
    const ca = p.contentApproval as Partial<ContentApprovalConfig> | null;
    if (typeof ca !== "object" || ca === null || Array.isArray(ca)) throw new Error("contentApproval must be an object { outcome, delayMs, rejectionReason }");
    const next2 = { ...next.contentApproval, ...ca };
    if (!["approve", "reject", "manual"].includes(next2.outcome)) throw new Error("contentApproval.outcome must be approve, reject or manual");
    if (typeof next2.delayMs !== "number" || !Number.isFinite(next2.delayMs) || next2.delayMs < 0) throw new Error("contentApproval.delayMs must be a non-negative number");
    if (typeof next2.rejectionReason !== "string" || !next2.rejectionReason) throw new Error("contentApproval.rejectionReason must be a non-empty string");
    next.contentApproval = { outcome: next2.outcome, delayMs: next2.delayMs, rejectionReason: next2.rejectionReason };
  }
  if (p.autoReplies !== undefined) {
    if (!Array.isArray(p.autoReplies) || p.autoReplies.length === 0) throw new Error("autoReplies must be a non-empty list");
    next.autoReplies = p.autoReplies.map((r, i) => {
      const reply = r as Partial<AutoReply>;
      if ((typeof reply?.body !== "string" && typeof reply?.buttonPayload !== "string") || typeof reply.weight !== "number" || reply.weight < 0) {
        throw new Error(`autoReplies[${i}] needs a body or buttonPayload and a non-negative weight`);
      }
      return { ...reply } as AutoReply;
    });
  }
  return next;
}
