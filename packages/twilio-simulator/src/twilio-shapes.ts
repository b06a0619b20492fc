// JSON and form shapes exactly as Twilio's 2010-04-01 Messages API and webhooks use them.
import { randomBytes } from "node:crypto";
import type { SimAccount, SimNumber, SimService } from "./accounts.ts";
import { bareAddress, type InboundRecord, type MessageRecord, type MessageStatus } from "./store.ts";

export const API_VERSION = "2010-04-01";

// Sids are SM + 32 hex: a random per-process prefix plus a counter is unique and costs no syscall.
const sidPrefix = randomBytes(8).toString("hex");
let sidCounter = 0;
export function newSid(prefix = "SM"): string {
  sidCounter++;
  return prefix + sidPrefix + sidCounter.toString(16).padStart(16, "0");
}

/** RFC 2822 date as Twilio writes it: "Wed, 19 Nov 2025 14:03:07 +0000". */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace("GMT", "+0000");
}

export function messageUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

export function messageResource(rec: MessageRecord, accountSid: string) {
  const uri = messageUri(accountSid, rec.sid);
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: rec.body,
    date_created: rfc2822(rec.dateCreated),
    date_sent: rec.dateSent === null ? null : rfc2822(rec.dateSent),
    date_updated: rfc2822(rec.dateUpdated),
    direction: "outbound-api",
    error_code: rec.errorCode,
    error_message: rec.errorMessage,
    from: rec.from,
    messaging_service_sid: rec.messagingServiceSid,
    num_media: "0",
    num_segments: String(rec.numSegments),
    price: null,
    price_unit: "USD",
    sid: rec.sid,
    status: rec.status,
    subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
    to: rec.to,
    uri,
  };
}

/**
 * A patient's message to one of our numbers, as the Messages list shows it: direction inbound,
 * status received, date_sent = when Twilio posted it to the webhook (here: when it arrived).
 */
export function inboundResource(rec: InboundRecord, accountSid: string) {
  const uri = messageUri(accountSid, rec.sid);
  return {
    account_sid: accountSid,
    api_version: API_VERSION,
    body: rec.body,
    date_created: rfc2822(rec.dateCreated),
    date_sent: rfc2822(rec.dateCreated),
    date_updated: rfc2822(rec.dateCreated),
    direction: "inbound",
    error_code: null,
    error_message: null,
    from: rec.from,
    messaging_service_sid: rec.messagingServiceSid ?? null,
    num_media: "0",
    num_segments: "1",
    price: null,
    price_unit: "USD",
    sid: rec.sid,
    status: "received",
    subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
    to: rec.to,
    uri,
  };
}

export interface ListPageInput {
  accountSid: string;
  resources: unknown[];
  /** Query parameters that select the list (To, From, DateSent…), repeated in the paging URIs. */
  filterQuery: URLSearchParams;
  page: number;
  pageSize: number;
  start: number;
  nextPageToken: string | null;
}

export function listPage({ accountSid, resources, filterQuery, page, pageSize, start, nextPageToken }: ListPageInput) {
  const base = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const uriFor = (p: number, token?: string) => {
    const q = new URLSearchParams(filterQuery);
    q.set("PageSize", String(pageSize));
    q.set("Page", String(p));
    if (token) q.set("PageToken", token);
    return `${base}?${q.toString()}`;
  };
  return {
    end: resources.length === 0 ? start : start + resources.length - 1,
    first_page_uri: uriFor(0),
    messages: resources,
    next_page_uri: nextPageToken ? uriFor(page + 1, nextPageToken) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    start,
    uri: uriFor(page),
  };
}

/** Status callback form parameters (SMS and WhatsApp). */
export function statusCallbackParams(rec: MessageRecord, status: MessageStatus, accountSid: string): Record<string, string> {
  const p: Record<string, string> = {
    AccountSid: accountSid,
    ApiVersion: API_VERSION,
    From: rec.from ?? "",
    MessageSid: rec.sid,
    MessageStatus: status,
    SmsSid: rec.sid,
    SmsStatus: status,
    To: rec.to,
  };
  if (rec.messagingServiceSid) p.MessagingServiceSid = rec.messagingServiceSid;
  if (rec.errorCode !== null && (status === "failed" || status === "undelivered")) p.ErrorCode = String(rec.errorCode);
  if (rec.channel === "whatsapp") {
    p.ChannelPrefix = "whatsapp";
    p.ChannelToAddress = bareAddress(rec.to);
    p.ChannelInstallSid = "XE" + "0".repeat(32);
  }
  return p;
}

export interface InboundInput {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  messagingServiceSid?: string | null;
  profileName?: string;
  buttonPayload?: string | null;
  buttonText?: string | null;
  /** WhatsApp button replies name the message whose button was tapped. */
  repliedTo?: MessageRecord;
  /** Attached media: its URL at the simulator (as Twilio's under api.twilio.com) and MIME type. */
  media?: { url: string; contentType: string }[];
}

/** Inbound-message webhook parameters as Twilio posts them. */
export function inboundParams(i: InboundInput): Record<string, string> {
  const p: Record<string, string> = {
    AccountSid: i.accountSid,
    ApiVersion: API_VERSION,
    Body: i.body,
    From: i.from,
    MessageSid: i.sid,
    NumMedia: String(i.media?.length ?? 0),
    NumSegments: "1",
    SmsMessageSid: i.sid,
    SmsSid: i.sid,
    SmsStatus: "received",
    To: i.to,
  };
  if (i.messagingServiceSid) p.MessagingServiceSid = i.messagingServiceSid;
  // One MediaUrlN / MediaContentTypeN pair per item, numbered from 0, NumMedia the count
  // (https://www.twilio.com/docs/messaging/guides/webhook-request, "Media related parameters").
  for (const [n, m] of (i.media ?? []).entries()) {
    p[`MediaContentType${n}`] = m.contentType;
    p[`MediaUrl${n}`] = m.url;
  }
  if (i.from.startsWith("whatsapp:")) {
    p.ProfileName = i.profileName ?? "Paciente";
    p.WaId = bareAddress(i.from).replace(/^\+/, "");
    p.ReferralNumMedia = "0";
    p.MessageType = i.buttonPayload ? "button" : "text";
    if (i.buttonPayload) {
      p.ButtonPayload = i.buttonPayload;
      p.ButtonText = i.buttonText ?? i.body;
      if (i.repliedTo) {
        p.OriginalRepliedMessageSid = i.repliedTo.sid;
        p.OriginalRepliedMessageSender = i.repliedTo.from ?? "";
      }
    }
  }
  return p;
}

/** An Account as GET /Accounts/{Sid}.json answers; the auth token only in the creation answer. */
export function accountResource(a: SimAccount, withToken: boolean) {
  const uri = `/${API_VERSION}/Accounts/${a.sid}.json`;
  return {
    auth_token: withToken ? a.authTokens[0]! : null,
    date_created: rfc2822(a.dateCreated),
    date_updated: rfc2822(a.dateUpdated),
    friendly_name: a.friendlyName,
    owner_account_sid: a.ownerAccountSid,
    sid: a.sid,
    status: a.status,
    subresource_uris: { incoming_phone_numbers: uri.replace(/\.json$/, "/IncomingPhoneNumbers.json"), messages: uri.replace(/\.json$/, "/Messages.json") },
    type: "Full",
    uri,
  };
}

export function numberResource(a: SimAccount, n: SimNumber) {
  return {
    account_sid: a.sid,
    api_version: API_VERSION,
    capabilities: { mms: false, sms: true, voice: true, fax: false },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    friendly_name: n.friendlyName,
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl ?? "",
    status_callback: n.statusCallback ?? "",
    status_callback_method: "POST",
    status: "in-use",
    uri: `/${API_VERSION}/Accounts/${a.sid}/IncomingPhoneNumbers/${n.sid}.json`,
  };
}

export function serviceResource(a: SimAccount, s: SimService) {
  return {
    account_sid: a.sid,
    sid: s.sid,
    friendly_name: s.friendlyName,
    inbound_request_url: s.inboundRequestUrl,
    inbound_method: s.inboundMethod,
    status_callback: s.statusCallback,
    use_inbound_webhook_on_number: s.useInboundWebhookOnNumber,
    date_created: new Date(s.dateCreated).toISOString(),
    date_updated: new Date(s.dateUpdated).toISOString(),
    url: `https://messaging.twilio.com/v1/Services/${s.sid}`,
  };
}

/** A one-page v2010 list (every item fits: accounts here hold a handful of numbers). */
export function simplePage(uri: string, key: string, items: unknown[]) {
  return {
    [key]: items,
    end: Math.max(0, items.length - 1),
    first_page_uri: `${uri}?PageSize=50&Page=0`,
    next_page_uri: null,
    page: 0,
    page_size: 50,
    previous_page_uri: null,
    start: 0,
    uri: `${uri}?PageSize=50&Page=0`,
  };
}
