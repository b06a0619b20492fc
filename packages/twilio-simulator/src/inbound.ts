// Simulated patient messages: recorded (they open the WhatsApp 24-hour window and carry SMS
// opt-out keywords, as Twilio's own keyword handling does) and posted, signed, to the inbound URL.
import type { SimContext } from "./context.ts";
import { bareAddress } from "./store.ts";
import { inboundParams, newSid } from "./twilio-shapes.ts";

// Twilio's default SMS keywords; the whole message must be the keyword.
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]);
const OPT_IN = new Set(["START", "UNSTOP", "YES"]);

export function smsKeyword(body: string): "opt-out" | "opt-in" | null {
  const word = body
    .trim()
    .toUpperCase()
    .replace(/[\s.!¡?¿,;:]+$/u, "");
  if (OPT_OUT.has(word)) return "opt-out";
  if (OPT_IN.has(word)) return "opt-in";
  return null;
}

export interface InboundRequest {
  /** The patient: "+593…" (SMS) or "whatsapp:+593…". */
  from: string;
  /** Our sender: a number, "whatsapp:+1…"; the whatsapp: prefix is added when from has it. */
  to: string;
  body?: string;
  buttonPayload?: string;
  buttonText?: string;
  profileName?: string;
  messagingServiceSid?: string;
  /** Photos, voice notes…: MIME type and the bytes (base64). Twilio takes at most 10 per message. */
  media?: { contentType: string; base64: string }[];
}

export interface InboundResult {
  sid: string;
  from: string;
  to: string;
  keyword: "opt-out" | "opt-in" | null;
  delivered: boolean;
  webhookStatus: number | null;
  error?: string;
}

export function validateInbound(input: unknown): InboundRequest {
  if (typeof input !== "object" || input === null) throw new Error("expected a JSON object {from, to, body?, buttonPayload?}");
  const i = input as Record<string, unknown>;
  for (const k of ["from", "to", "body", "buttonPayload", "buttonText", "profileName", "messagingServiceSid"]) {
    if (i[k] !== undefined && typeof i[k] !== "string") throw new Error(`${k} must be a string`);
  }
  if (i.media !== undefined) {
    const ok = Array.isArray(i.media) && i.media.length <= 10 && i.media.every((m: unknown) => typeof m === "object" && m !== null && typeof (m as { contentType?: unknown }).contentType === "string" && typeof (m as { base64?: unknown }).base64 === "string");
    if (!ok) throw new Error("media must be a list of at most 10 {contentType, base64}");
  }
  if (!i.from || !i.to) throw new Error("from and to are required");
  if (i.body === undefined && i.buttonPayload === undefined && i.media === undefined) throw new Error("body, buttonPayload or media is required");
  return i as unknown as InboundRequest;
}

export async function simulateInbound(ctx: SimContext, req: InboundRequest): Promise<InboundResult> {
  const { store, config } = ctx;
  const whatsapp = req.from.startsWith("whatsapp:");
  const to = whatsapp && !req.to.startsWith("whatsapp:") ? `whatsapp:${req.to}` : req.to;
  // SMS has no buttons: the patient types the button's text instead.
  const button = whatsapp ? (req.buttonPayload ?? null) : null;
  const body = req.body ?? req.buttonText ?? req.buttonPayload ?? "";
  const sid = newSid();
  const rec = { sid, from: req.from, to, body, buttonPayload: button, messagingServiceSid: req.messagingServiceSid ?? null, dateCreated: ctx.now(), webhookStatus: null as number | null };
  store.recordInbound(rec);

  const keyword = whatsapp ? null : smsKeyword(body);
  if (keyword === "opt-out") store.optOut(bareAddress(req.from), to);
  else if (keyword === "opt-in") store.optIn(bareAddress(req.from), to);

  // A number of an added account posts to the URL set on it (or on its Messaging Service, unless
  // the service defers to the number), signed with that account's token; with no URL set Twilio
  // only logs the message (accounts.ts).
  const owner = ctx.accounts.ownerOfNumber(bareAddress(to));
  const service = owner ? ctx.accounts.serviceOf(owner.account, owner.number.phoneNumber) : null;
  // Twilio stores received media as Media subresources of the message and posts their URLs; reading
  // them needs the account's credentials when HTTP basic auth is on for media
  // (https://www.twilio.com/docs/messaging/api/media-resource). The simulator always asks for them:
  // a fake that served media without credentials would be kinder than a locked-down account.
  const accountSid = owner?.account.sid ?? config.accountSid;
  const media = (req.media ?? []).slice(0, 10).map((m) => {
    const path = `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media/${newSid("ME")}`;
    store.media.set(path, { contentType: m.contentType, bytes: Buffer.from(m.base64, "base64") });
    return { url: `${ctx.baseUrl()}${path}`, contentType: m.contentType };
  });
  const url = !owner ? config.inboundUrl : service && !service.useInboundWebhookOnNumber ? service.inboundRequestUrl : owner.number.smsUrl;
  const params = inboundParams({
    sid,
    accountSid,
    from: req.from,
    media,
    to,
    body,
    messagingServiceSid: req.messagingServiceSid ?? service?.sid ?? null,
    ...(req.profileName !== undefined ? { profileName: req.profileName } : {}),
    buttonPayload: button,
    buttonText: req.buttonText ?? null,
    ...(button ? { repliedTo: store.lastOutbound(req.from, to) } : {}),
  });
  if (!url) return { sid, from: req.from, to, keyword, delivered: false, webhookStatus: null, error: "no inbound URL is set on this number" };
  const result = await ctx.poster.post(url, params, store.inboundWebhooks, ctx.abort.signal, owner?.account.authTokens[0]);
  rec.webhookStatus = result.status;
  if (!result.ok) ctx.log.debug({ sid, httpStatus: result.status, error: result.error }, "inbound webhook not delivered");
  return { sid, from: req.from, to, keyword, delivered: result.ok, webhookStatus: result.status, ...(result.error ? { error: result.error } : {}) };
}
