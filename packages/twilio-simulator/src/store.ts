// What the simulator has seen: outbound messages (for fetch/list and duplicate detection),
// simulated inbound messages, opt-outs and WhatsApp windows, and counters for /_sim/stats.

export type Channel = "sms" | "whatsapp";

export type MessageStatus = "accepted" | "queued" | "sending" | "sent" | "delivered" | "read" | "undelivered" | "failed";

export interface MessageRecord {
  sid: string;
  /** The account that sent it (its credentials made the create call). */
  accountSid: string;
  to: string;
  /** Null until a messaging service picks a sender. */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  contentSid: string | null;
  contentVariables: string | null;
  /** Quick-reply buttons of the template, as the patient saw them (WhatsApp templates only). */
  buttons: string[] | null;
  statusCallback: string | null;
  channel: Channel;
  status: MessageStatus;
  numSegments: number;
  errorCode: number | null;
  errorMessage: string | null;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  /** Statuses whose callback was answered 2xx, in order (tests check ordering). Shared empty list until the first. */
  callbacksDelivered: readonly MessageStatus[];
}

export interface InboundRecord {
  sid: string;
  from: string;
  to: string;
  body: string;
  buttonPayload: string | null;
  messagingServiceSid?: string | null;
  dateCreated: number;
  /** HTTP status of the webhook post, or null when it could not be delivered. */
  webhookStatus: number | null;
}

/** The patient's bare number: "whatsapp:+593…" → "+593…". */
export function bareAddress(address: string): string {
  return address.startsWith("whatsapp:") ? address.slice(9) : address;
}

/** Initial callbacksDelivered of every record: no array per message on the hot path. */
export const NO_CALLBACKS: readonly MessageStatus[] = Object.freeze([]);

export class SimStore {
  /** In arrival order; capped at maxStored (only counts beyond that). */
  messages: MessageRecord[] = [];
  bySid = new Map<string, MessageRecord>();
  /** Retained messages per exact To address, for list filters and reply threading. */
  byTo = new Map<string, MessageRecord[]>();
  /** Accepted create calls per To address, never capped: duplicates show up as counts > 1. */
  toCounts = new Map<string, number>();
  inbound: InboundRecord[] = [];
  /** Media of inbound messages by path "/2010-04-01/Accounts/{AC}/Messages/{SM}/Media/{ME}". */
  media = new Map<string, { contentType: string; bytes: Buffer }>();
  /** Inbound messages per To address (our sender), for the Messages list. */
  inboundByTo = new Map<string, InboundRecord[]>();
  /** "patient|sender" → time of the patient's last inbound (opens the WhatsApp 24 h window). */
  lastInbound = new Map<string, number>();
  /** bare patient number → time of its last inbound to any sender (messaging-service sends). */
  lastInboundAny = new Map<string, number>();
  /** bare patient number → SMS senders it replied STOP to. */
  optOuts = new Map<string, Set<string>>();

  total = 0;
  byStatus: Record<string, number> = {};
  byChannel: Record<Channel, number> = { sms: 0, whatsapp: 0 };
  rejected: Record<string, number> = {};
  rateLimited = 0;
  /** Requests an apiFault answered with a 5xx, held until they timed out, or slowed; creates it took before failing. */
  apiFaults = { "5xx": 0, timeout: 0, slow: 0, acceptedBeforeFailure: 0 };
  callbacks = { posted: 0, failed: 0, retries: 0, inFlight: 0 };
  inboundWebhooks = { posted: 0, failed: 0, retries: 0, inFlight: 0 };

  add(rec: MessageRecord, maxStored: number): void {
    this.total++;
    this.byChannel[rec.channel]++;
    this.byStatus[rec.status] = (this.byStatus[rec.status] ?? 0) + 1;
    this.toCounts.set(rec.to, (this.toCounts.get(rec.to) ?? 0) + 1);
    if (this.messages.length >= maxStored) return;
    this.messages.push(rec);
    this.bySid.set(rec.sid, rec);
    const list = this.byTo.get(rec.to);
    if (list) list.push(rec);
    else this.byTo.set(rec.to, [rec]);
  }

  setStatus(rec: MessageRecord, status: MessageStatus, at: number): void {
    this.byStatus[rec.status]!--;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    rec.status = status;
    rec.dateUpdated = at;
  }

  reject(code: number): void {
    this.rejected[code] = (this.rejected[code] ?? 0) + 1;
  }

  recordInbound(rec: InboundRecord): void {
    this.inbound.push(rec);
    const list = this.inboundByTo.get(rec.to);
    if (list) list.push(rec);
    else this.inboundByTo.set(rec.to, [rec]);
    const patient = bareAddress(rec.from);
    this.lastInbound.set(`${patient}|${rec.to}`, rec.dateCreated);
    this.lastInboundAny.set(patient, rec.dateCreated);
  }

  /** Time of the patient's last message to this sender (any sender for a messaging service). */
  lastInboundAt(to: string, sender: string | null): number | undefined {
    const patient = bareAddress(to);
    return sender ? this.lastInbound.get(`${patient}|${sender}`) : this.lastInboundAny.get(patient);
  }

  optOut(patient: string, sender: string): void {
    const set = this.optOuts.get(patient);
    if (set) set.add(sender);
    else this.optOuts.set(patient, new Set([sender]));
  }

  optIn(patient: string, sender: string): void {
    const set = this.optOuts.get(patient);
    if (!set) return;
    set.delete(sender);
    if (set.size === 0) this.optOuts.delete(patient);
  }

  /** A messaging-service send (sender null) counts as opted out when the patient opted out of any sender. */
  isOptedOut(patient: string, sender: string | null): boolean {
    const set = this.optOuts.get(patient);
    if (!set) return false;
    return sender ? set.has(sender) : set.size > 0;
  }

  /** Most recent retained outbound message from sender to patient address. */
  lastOutbound(to: string, from: string): MessageRecord | undefined {
    const list = this.byTo.get(to);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.from === from) return list[i];
    return undefined;
  }

  stats() {
    let distinctTo = 0;
    let duplicateTo = 0;
    let maxPerTo = 0;
    for (const n of this.toCounts.values()) {
      distinctTo++;
      if (n > 1) duplicateTo++;
      if (n > maxPerTo) maxPerTo = n;
    }
    const byStatus: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.byStatus)) if (v > 0) byStatus[k] = v;
    return {
      total: this.total,
      retained: this.messages.length,
      byStatus,
      byChannel: { ...this.byChannel },
      rejected: { ...this.rejected },
      rateLimited: this.rateLimited,
      apiFaults: { ...this.apiFaults },
      distinctTo,
      duplicateTo,
      duplicates: this.total - distinctTo,
      maxPerTo,
      callbacks: { ...this.callbacks },
      inbound: { total: this.inbound.length, ...this.inboundWebhooks },
      optedOutNumbers: this.optOuts.size,
    };
  }

  /** To addresses with more than one accepted message (duplicate sends). */
  duplicates(limit = 1000): { to: string; count: number }[] {
    const out: { to: string; count: number }[] = [];
    for (const [to, count] of this.toCounts) {
      if (count > 1) out.push({ to, count });
      if (out.length >= limit) break;
    }
    return out;
  }
}

export type SimStats = ReturnType<SimStore["stats"]>;
