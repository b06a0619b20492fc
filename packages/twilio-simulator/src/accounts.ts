// Several Twilio accounts in one simulator, each with its own auth token, incoming numbers and
// Messaging Services; the account of the configuration (accountSid/authTokens) is the main one.
//
// Modelled on Twilio's documentation:
// - Accounts: POST /2010-04-01/Accounts.json creates a subaccount of the requesting account and
//   answers with its sid and its own auth_token; GET /Accounts/{Sid}.json fetches one
//   (https://www.twilio.com/docs/iam/api/account).
// - Who may act on what: a main account's credentials reach its own resources and the v2010
//   resources of its subaccounts; a subaccount's credentials reach only that subaccount — never the
//   main account nor another subaccount (https://www.twilio.com/docs/iam/api/subaccounts). Only a
//   main account creates subaccounts. Messaging v1 (Services) takes the account from the credentials.
// - IncomingPhoneNumbers: list, fetch and update SmsUrl/SmsMethod/StatusCallback
//   (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
// - Messaging Services: list, fetch and update InboundRequestUrl/InboundMethod/StatusCallback/
//   UseInboundWebhookOnNumber; with that flag off the service's inbound URL wins over the number's
//   (https://www.twilio.com/docs/messaging/services/api).
// - Sending from an account: From must be one of that account's numbers, else 21606
//   (https://www.twilio.com/docs/api/errors/21606); a MessagingServiceSid that is not one of its
//   services is refused with 21705 (https://www.twilio.com/docs/api/errors/21705). The main account
//   keeps the simulator's historic leniency about From (the platform's configured senders).
// - Webhooks of an account are signed with that account's auth token
//   (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
import { randomBytes } from "node:crypto";
import type { SimContent } from "./content.ts";
import { newSid } from "./twilio-shapes.ts";

export interface SimNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string | null;
  smsMethod: string;
  statusCallback: string | null;
  dateCreated: number;
  dateUpdated: number;
}

export interface SimService {
  sid: string;
  friendlyName: string;
  inboundRequestUrl: string | null;
  inboundMethod: string;
  statusCallback: string | null;
  useInboundWebhookOnNumber: boolean;
  /** Phone numbers (E.164) in the service's sender pool. */
  numbers: string[];
  dateCreated: number;
  dateUpdated: number;
}

export interface SimAccount {
  sid: string;
  /** The first signs webhooks (Twilio's primary token); any authenticates. */
  authTokens: string[];
  friendlyName: string;
  ownerAccountSid: string;
  status: "active" | "suspended" | "closed";
  dateCreated: number;
  dateUpdated: number;
  numbers: Map<string, SimNumber>;
  services: Map<string, SimService>;
  /** Content API templates this account created (content.ts), by HX sid. */
  contents: Map<string, SimContent>;
  /** The main account of the configuration accepts any From (the platform's configured senders). */
  anyFrom: boolean;
}

export interface AddAccountInput {
  sid?: string;
  authToken?: string;
  friendlyName?: string;
  /** A subaccount of this (main) account. */
  ownerAccountSid?: string;
  numbers?: string[];
  services?: { friendlyName: string; numbers: string[] }[];
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const basic = (sid: string, token: string) => "Basic " + Buffer.from(`${sid}:${token}`).toString("base64");

export class SimAccounts {
  readonly bySid = new Map<string, SimAccount>();
  readonly #byAuth = new Map<string, SimAccount>();
  /** Bare phone number → the account and number that own it. */
  readonly #byNumber = new Map<string, { account: SimAccount; number: SimNumber }>();
  readonly mainSid: string;

  constructor(mainSid: string, mainTokens: string[], now: number) {
    this.mainSid = mainSid;
    this.#register({
      sid: mainSid,
      authTokens: [...mainTokens],
      friendlyName: "Platform",
      ownerAccountSid: mainSid,
      status: "active",
      dateCreated: now,
      dateUpdated: now,
      numbers: new Map(),
      services: new Map(),
      contents: new Map(),
      anyFrom: true,
    });
  }

  #register(account: SimAccount): SimAccount {
    this.bySid.set(account.sid, account);
    for (const t of account.authTokens) this.#byAuth.set(basic(account.sid, t), account);
    return account;
  }

  add(input: AddAccountInput, now: number): SimAccount {
    const sid = input.sid ?? `AC${hex(16)}`;
    if (!/^AC[0-9a-fA-F]{32}$/.test(sid)) throw new Error("sid must be AC + 32 hex digits");
    if (this.bySid.has(sid)) throw new Error(`account ${sid} exists`);
    const owner = input.ownerAccountSid ?? sid;
    if (owner !== sid && this.bySid.get(owner)?.ownerAccountSid !== owner) throw new Error("ownerAccountSid must be a main account");
    const account = this.#register({
      sid,
      authTokens: [input.authToken ?? hex(16)],
      friendlyName: input.friendlyName ?? `SubAccount Created at ${new Date(now).toISOString()}`,
      ownerAccountSid: owner,
      status: "active",
      dateCreated: now,
      dateUpdated: now,
      numbers: new Map(),
      services: new Map(),
      contents: new Map(),
      anyFrom: false,
    });
    for (const n of input.numbers ?? []) this.addNumber(account, n, now);
    for (const s of input.services ?? []) this.addService(account, s.friendlyName, s.numbers, now);
    return account;
  }

  addNumber(account: SimAccount, phoneNumber: string, now: number): SimNumber {
    if (this.#byNumber.has(phoneNumber)) throw new Error(`${phoneNumber} already belongs to an account`);
    const number: SimNumber = { sid: newSid("PN"), phoneNumber, friendlyName: phoneNumber, smsUrl: null, smsMethod: "POST", statusCallback: null, dateCreated: now, dateUpdated: now };
    account.numbers.set(number.sid, number);
    this.#byNumber.set(phoneNumber, { account, number });
    return number;
  }

  addService(account: SimAccount, friendlyName: string, numbers: string[], now: number): SimService {
    for (const n of numbers) if (![...account.numbers.values()].some((x) => x.phoneNumber === n)) this.addNumber(account, n, now);
    const service: SimService = {
      sid: newSid("MG"),
      friendlyName,
      inboundRequestUrl: null,
      inboundMethod: "POST",
      statusCallback: null,
      useInboundWebhookOnNumber: false,
      numbers: [...numbers],
      dateCreated: now,
      dateUpdated: now,
    };
    account.services.set(service.sid, service);
    return service;
  }

  /**
   * A new primary auth token, as after promoting the secondary one: requests with the old token
   * fail from then on, and webhooks are signed with the new one
   * (https://www.twilio.com/docs/iam/api/authtoken).
   */
  setAuthToken(sid: string, token: string): void {
    const account = this.bySid.get(sid);
    if (!account) throw new Error(`no account ${sid}`);
    for (const t of account.authTokens) this.#byAuth.delete(basic(sid, t));
    account.authTokens = [token];
    this.#byAuth.set(basic(sid, token), account);
  }

  authenticate(authorization: string | undefined): SimAccount | null {
    const account = authorization ? this.#byAuth.get(authorization) : undefined;
    return account && account.status === "active" ? account : null;
  }

  /** Whether `caller`'s credentials reach `target`'s v2010 resources. */
  canAct(caller: SimAccount, target: SimAccount): boolean {
    return caller.sid === target.sid || (target.ownerAccountSid === caller.sid && caller.ownerAccountSid === caller.sid);
  }

  ownerOfNumber(phoneNumber: string): { account: SimAccount; number: SimNumber } | null {
    return this.#byNumber.get(phoneNumber) ?? null;
  }

  /** The service whose sender pool holds `phoneNumber`, if any. */
  serviceOf(account: SimAccount, phoneNumber: string): SimService | null {
    for (const s of account.services.values()) if (s.numbers.includes(phoneNumber)) return s;
    return null;
  }
}
