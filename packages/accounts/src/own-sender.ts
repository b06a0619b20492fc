// The practice's own sender (SPEC §12): a workspace connects its own Twilio account — or a
// subaccount the platform creates for it — chooses one of that account's numbers or Messaging
// Services, and from then on its SMS go through that account and sender while its callbacks are
// verified with that account's auth token.
//
// Why the auth token and not an API key: requests could authenticate with an API key and secret,
// but Twilio signs every webhook (X-Twilio-Signature) with the account's primary auth token
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security), so the token is what verifies
// the account's callbacks. It is checked live (a fetch of the account) before it is saved, kept only
// sealed (credentials-cipher.ts), and never shown again: the page shows the SID and its last 4.
//
// Token rotation at Twilio: promoting the secondary token makes Twilio sign with the new one at
// once, while callbacks already queued may still carry the old signature. When the owner enters a
// new token for the same account, the old one is kept sealed as `previous_token` for
// OWN_SENDER_TOKEN_GRACE_HOURS and both verify; afterwards only the new one does. docs/own-sender.md.
import type { EntityManager } from "@mikro-orm/postgresql";
import { TwilioAccount, Workspace, workspaceEm } from "@rm/db";
import { createTwilioClient, isTwilioRestException, type TwilioClient } from "@rm/twilio";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import type { CredentialsCipher, Sealed } from "./credentials-cipher.ts";

export const ACCOUNT_SID_RE = /^AC[0-9a-fA-F]{32}$/;
const TOKEN_RE = /^[0-9a-fA-F]{32}$/;
const NUMBER_SID_RE = /^PN[0-9a-fA-F]{32}$/;
const SERVICE_SID_RE = /^MG[0-9a-fA-F]{32}$/;

export interface OwnSenderDeps {
  cipher: CredentialsCipher;
  /** TWILIO_API_URL: the real API or the simulator. */
  apiUrl: string;
  /** The platform's account, which creates subaccounts and must never be connected as a workspace's own. */
  platform: { accountSid: string; authToken: string };
  /** PUBLIC_URL: the inbound and status-callback URLs set on the chosen sender hang off it. */
  publicUrl: string;
  timeoutMs?: number;
  /** How long a replaced token still verifies callbacks; default 24 h. */
  tokenGraceMs?: number;
  now?: () => Date;
}

export interface OwnSenderActor {
  workspaceId: string;
  userId: string;
  ip?: string | null;
}

export interface OwnSenderSummary {
  accountSid: string;
  kind: "OWN" | "SUBACCOUNT";
  tokenLast4: string;
  phoneNumber: string | null;
  messagingServiceSid: string | null;
  connectedAt: Date;
}

export interface AccountSenders {
  numbers: { sid: string; phoneNumber: string; friendlyName: string; smsUrl: string | null }[];
  services: { sid: string; friendlyName: string; inboundRequestUrl: string | null }[];
}

const tokenContext = (accountSid: string) => `twilio_accounts.token:${accountSid}`;
export const ownInboundUrl = (publicUrl: string) => `${publicUrl}/webhooks/twilio/inbound`;
export const ownStatusUrl = (publicUrl: string) => `${publicUrl}/webhooks/twilio/status`;

function client(deps: OwnSenderDeps, accountSid: string, authToken: string): TwilioClient {
  return createTwilioClient({ accountSid, authToken, apiUrl: deps.apiUrl, timeoutMs: deps.timeoutMs ?? 10_000, maxSockets: 4 });
}

/** Twilio's answer to a refused credential or resource, as the owner's error; anything else is a provider fault. */
function providerError(err: unknown, field: string): AccountsError {
  if (isTwilioRestException(err) && (err.status === 401 || err.status === 403 || err.status === 404)) {
    return new AccountsError("own_sender.refused", "Twilio rechazó estas credenciales", field);
  }
  return new AccountsError("own_sender.unreachable", "No se pudo comprobar la cuenta con Twilio; inténtelo de nuevo", field);
}

/** Live check: the account answers to these credentials and is active. */
async function verifyLive(deps: OwnSenderDeps, accountSid: string, authToken: string): Promise<void> {
  let status: string;
  try {
    status = (await client(deps, accountSid, authToken).api.v2010.accounts(accountSid).fetch()).status;
  } catch (err) {
    throw providerError(err, "authToken");
  }
  if (status !== "active") throw new AccountsError("own_sender.inactive", "La cuenta de Twilio no está activa", "accountSid");
}

async function store(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, accountSid: string, authToken: string, kind: "OWN" | "SUBACCOUNT"): Promise<void> {
  const now = (deps.now ?? (() => new Date()))();
  const taken = await em.execute<{ workspace_id: string }[]>("select workspace_id from twilio_accounts where account_sid = ?", [accountSid]);
  if (taken[0] && taken[0].workspace_id !== actor.workspaceId) {
    throw new AccountsError("own_sender.taken", "Esta cuenta de Twilio ya está conectada a otro espacio de trabajo", "accountSid");
  }
  const wem = workspaceEm(em, actor.workspaceId);
  const sealed = deps.cipher.seal(authToken, tokenContext(accountSid));
  const existing = await wem.findOne(TwilioAccount, { workspace: actor.workspaceId });
  let rotated = false;
  if (existing && existing.accountSid === accountSid) {
    // The same account with a new token: the old one keeps verifying callbacks for the grace period.
    const oldToken = deps.cipher.open({ keyId: existing.tokenKeyId, ciphertext: existing.tokenCiphertext }, tokenContext(accountSid));
    rotated = oldToken !== authToken;
    if (rotated) {
      existing.previousTokenCiphertext = existing.tokenCiphertext;
      existing.previousTokenKeyId = existing.tokenKeyId;
      existing.previousTokenUntil = new Date(now.getTime() + (deps.tokenGraceMs ?? 24 * 3600_000));
    }
    existing.tokenCiphertext = sealed.ciphertext;
    existing.tokenKeyId = sealed.keyId;
    existing.tokenLast4 = authToken.slice(-4);
    existing.connectedBy = actor.userId;
  } else {
    if (existing) wem.remove(existing);
    await wem.flush();
    wem.create(TwilioAccount, {
      workspace: wem.getReference(Workspace, actor.workspaceId),
      accountSid,
      kind,
      tokenCiphertext: sealed.ciphertext,
      tokenKeyId: sealed.keyId,
      tokenLast4: authToken.slice(-4),
      connectedBy: actor.userId,
    });
  }
  recordAudit(wem, {
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: rotated ? "own_sender.token_rotated" : "own_sender.connected",
    entityType: "twilio_account",
    entityId: accountSid,
    ip: actor.ip ?? null,
    details: { accountSid, kind },
  });
  await wem.flush();
}

/** Connects the practice's own account (owner only: the route checks the role) after a live check. */
export async function connectOwnAccount(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, input: { accountSid: string; authToken: string }): Promise<void> {
  const accountSid = input.accountSid.trim();
  const authToken = input.authToken.trim();
  if (!ACCOUNT_SID_RE.test(accountSid)) throw new AccountsError("own_sender.sid_format", "El Account SID empieza por AC y tiene 34 caracteres", "accountSid");
  if (!TOKEN_RE.test(authToken)) throw new AccountsError("own_sender.token_format", "El Auth Token tiene 32 caracteres hexadecimales", "authToken");
  if (accountSid === deps.platform.accountSid) throw new AccountsError("own_sender.platform", "Esa es la cuenta de la plataforma, no la de su consulta", "accountSid");
  await verifyLive(deps, accountSid, authToken);
  await store(em, deps, actor, accountSid, authToken, "OWN");
}

/** Creates a subaccount under the platform's account for the workspace (Accounts API) and connects it. */
export async function createOwnSubaccount(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, friendlyName: string): Promise<string> {
  let created: { sid: string; authToken: string };
  try {
    // POST /2010-04-01/Accounts.json (https://www.twilio.com/docs/iam/api/account): a subaccount of
    // the requesting account, answered with its own sid and auth_token.
    created = await client(deps, deps.platform.accountSid, deps.platform.authToken).api.v2010.accounts.create({ friendlyName: friendlyName.slice(0, 64) });
  } catch (err) {
    throw providerError(err, "friendlyName");
  }
  await store(em, deps, actor, created.sid, created.authToken, "SUBACCOUNT");
  return created.sid;
}

export interface DisconnectResult {
  disconnected: boolean;
  /** The chosen number or service whose webhook URLs this app set and could not clear at Twilio. */
  notCleared: string | null;
}

/**
 * Disconnects: the workspace sends on the platform senders again. Before the token is forgotten,
 * the URLs this app set on the chosen sender are cleared through the API — only those still
 * pointing at this app, so a URL the practice set since is left alone — best effort: a failure
 * is reported (`notCleared`) and the disconnection goes ahead. The subaccount itself is left open.
 */
export async function disconnectOwnAccount(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor): Promise<DisconnectResult> {
  const wem = workspaceEm(em, actor.workspaceId);
  const row = await wem.findOne(TwilioAccount, { workspace: actor.workspaceId });
  if (!row) return { disconnected: false, notCleared: null };
  const notCleared = await clearSenderUrls(deps, row);
  wem.remove(row);
  recordAudit(wem, {
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "own_sender.disconnected",
    entityType: "twilio_account",
    entityId: row.accountSid,
    ip: actor.ip ?? null,
    details: { accountSid: row.accountSid, ...(notCleared ? { urlsNotCleared: notCleared } : {}) },
  });
  await wem.flush();
  return { disconnected: true, notCleared };
}

/** Clears the inbound/status URLs chooseOwnSender set; returns the sender when that failed. */
async function clearSenderUrls(deps: OwnSenderDeps, row: TwilioAccount): Promise<string | null> {
  const sender = row.phoneNumberSid ?? row.messagingServiceSid;
  if (!sender) return null;
  const inboundUrl = ownInboundUrl(deps.publicUrl);
  const statusUrl = ownStatusUrl(deps.publicUrl);
  try {
    const token = deps.cipher.open({ keyId: row.tokenKeyId, ciphertext: row.tokenCiphertext }, tokenContext(row.accountSid));
    const twilio = client(deps, row.accountSid, token);
    if (row.phoneNumberSid) {
      const number = await twilio.incomingPhoneNumbers(row.phoneNumberSid).fetch();
      // An empty value removes the URL (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
      if (number.smsUrl === inboundUrl) await twilio.incomingPhoneNumbers(row.phoneNumberSid).update({ smsUrl: "" });
    } else if (row.messagingServiceSid) {
      const service = await twilio.messaging.v1.services(row.messagingServiceSid).fetch();
      const update: { inboundRequestUrl?: string; statusCallback?: string } = {};
      if (service.inboundRequestUrl === inboundUrl) update.inboundRequestUrl = "";
      if (service.statusCallback === statusUrl) update.statusCallback = "";
      if (Object.keys(update).length > 0) await twilio.messaging.v1.services(row.messagingServiceSid).update(update);
    }
    return null;
  } catch {
    // A revoked token, a deleted number or Twilio down: say so, never block the disconnection.
    return row.phoneNumber ?? sender;
  }
}

export async function ownSenderSummary(em: EntityManager, workspaceId: string): Promise<OwnSenderSummary | null> {
  const row = await workspaceEm(em, workspaceId).findOne(TwilioAccount, { workspace: workspaceId });
  if (!row) return null;
  return {
    accountSid: row.accountSid,
    kind: row.kind as "OWN" | "SUBACCOUNT",
    tokenLast4: row.tokenLast4,
    phoneNumber: row.phoneNumber ?? null,
    messagingServiceSid: row.messagingServiceSid ?? null,
    connectedAt: row.createdAt,
  };
}

/** The client of a connected account, its token opened from the row. */
export function connectedAccountClient(deps: OwnSenderDeps, row: { accountSid: string; tokenKeyId: string; tokenCiphertext: string }): TwilioClient {
  return client(deps, row.accountSid, deps.cipher.open({ keyId: row.tokenKeyId, ciphertext: row.tokenCiphertext }, tokenContext(row.accountSid)));
}

/**
 * The credentials of the workspace's own account when it is the account `accountSid` (a patient's
 * photo or voice note was received there and is read with them), else null: another account's sid,
 * or none connected. The current token only.
 */
export async function ownAccountAuth(em: EntityManager, cipher: CredentialsCipher, workspaceId: string, accountSid: string): Promise<{ accountSid: string; authToken: string } | null> {
  if (!ACCOUNT_SID_RE.test(accountSid)) return null;
  const row = await workspaceEm(em, workspaceId).findOne(TwilioAccount, { workspace: workspaceId, accountSid });
  if (!row) return null;
  return { accountSid: row.accountSid, authToken: cipher.open({ keyId: row.tokenKeyId, ciphertext: row.tokenCiphertext }, tokenContext(row.accountSid)) };
}

/** `wem`: already scoped to the workspace (the row is flushed through it). */
async function connectedClient(wem: EntityManager, deps: OwnSenderDeps, workspaceId: string): Promise<{ row: TwilioAccount; twilio: TwilioClient }> {
  const row = await wem.findOne(TwilioAccount, { workspace: workspaceId });
  if (!row) throw new AccountsError("own_sender.not_connected", "Conecte primero una cuenta de Twilio");
  const token = deps.cipher.open({ keyId: row.tokenKeyId, ciphertext: row.tokenCiphertext }, tokenContext(row.accountSid));
  return { row, twilio: client(deps, row.accountSid, token) };
}

/** The account's incoming numbers and Messaging Services, read from Twilio (first 100 of each). */
export async function listAccountSenders(em: EntityManager, deps: OwnSenderDeps, workspaceId: string): Promise<AccountSenders> {
  const { twilio } = await connectedClient(workspaceEm(em, workspaceId), deps, workspaceId);
  try {
    const [numbers, services] = await Promise.all([twilio.incomingPhoneNumbers.list({ limit: 100 }), twilio.messaging.v1.services.list({ limit: 100 })]);
    return {
      numbers: numbers.map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber, friendlyName: n.friendlyName, smsUrl: n.smsUrl ?? null })),
      services: services.map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, inboundRequestUrl: s.inboundRequestUrl ?? null })),
    };
  } catch (err) {
    throw providerError(err, "sender");
  }
}

/**
 * Chooses the sender and points it at this app through the API, so nobody edits the Twilio console:
 * a number's SmsUrl (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource), or a
 * Messaging Service's inbound request URL and status callback, with the number-level webhook turned
 * off so the service's applies (https://www.twilio.com/docs/messaging/services/api). Each message
 * also carries its own StatusCallback, which is what the send path relies on.
 */
export async function chooseOwnSender(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, senderSid: string): Promise<void> {
  const wem = workspaceEm(em, actor.workspaceId);
  const { row, twilio } = await connectedClient(wem, deps, actor.workspaceId);
  const inboundUrl = ownInboundUrl(deps.publicUrl);
  const statusUrl = ownStatusUrl(deps.publicUrl);
  try {
    if (NUMBER_SID_RE.test(senderSid)) {
      const updated = await twilio.incomingPhoneNumbers(senderSid).update({ smsUrl: inboundUrl, smsMethod: "POST" });
      row.phoneNumber = updated.phoneNumber;
      row.phoneNumberSid = updated.sid;
      row.messagingServiceSid = null;
    } else if (SERVICE_SID_RE.test(senderSid)) {
      const updated = await twilio.messaging.v1.services(senderSid).update({ inboundRequestUrl: inboundUrl, inboundMethod: "POST", statusCallback: statusUrl, useInboundWebhookOnNumber: false });
      row.messagingServiceSid = updated.sid;
      row.phoneNumber = null;
      row.phoneNumberSid = null;
    } else {
      throw new AccountsError("own_sender.sender_unknown", "Elija un número o un servicio de mensajería de la lista", "sender");
    }
  } catch (err) {
    if (err instanceof AccountsError) throw err;
    throw providerError(err, "sender");
  }
  recordAudit(wem, {
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "own_sender.sender_chosen",
    entityType: "twilio_account",
    entityId: row.accountSid,
    ip: actor.ip ?? null,
    details: { senderSid },
  });
  await wem.flush();
}

export interface OwnAccountCredentials {
  workspaceId: string;
  accountSid: string;
  /** The current token first, then the previous one while its grace period lasts. */
  authTokens: string[];
}

/**
 * Deliberately cross-tenant (a webhook carries no workspace, only its AccountSid): the connected
 * account with that sid and the tokens its callbacks may be signed with; null when no workspace
 * connected it. Runs on the webhook path with the pool, outside the ORM.
 */
export async function ownAccountCredentials(
  pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> },
  cipher: CredentialsCipher,
  accountSid: string,
  now: Date,
): Promise<OwnAccountCredentials | null> {
  const { rows } = await pool.query(
    `select workspace_id::text as workspace_id, token_ciphertext, token_key_id, previous_token_ciphertext, previous_token_key_id, previous_token_until
       from twilio_accounts where account_sid = $1`,
    [accountSid],
  );
  const r = rows[0] as
    | { workspace_id: string; token_ciphertext: string; token_key_id: string; previous_token_ciphertext: string | null; previous_token_key_id: string | null; previous_token_until: Date | null }
    | undefined;
  if (!r) return null;
  const authTokens = [cipher.open({ keyId: r.token_key_id, ciphertext: r.token_ciphertext }, tokenContext(accountSid))];
  if (r.previous_token_ciphertext && r.previous_token_key_id && r.previous_token_until && r.previous_token_until > now) {
    authTokens.push(cipher.open({ keyId: r.previous_token_key_id, ciphertext: r.previous_token_ciphertext }, tokenContext(accountSid)));
  }
  return { workspaceId: r.workspace_id, accountSid, authTokens };
}

/** Opens a token the send path read with its message (send-context), for that account's client. */
export function openAccountToken(cipher: CredentialsCipher, accountSid: string, sealed: Sealed): string {
  return cipher.open(sealed, tokenContext(accountSid));
}

/**
 * `npm run credentials:rotate`: every sealed token re-encrypted under the current key, one row per
 * transaction under its lock; returns how many rows changed. Rows already on the current key are
 * left alone, so the command can be re-run after an interruption.
 */
export async function rotateCredentials(em: EntityManager, cipher: CredentialsCipher): Promise<number> {
  const ids = await em.fork().execute<{ id: string }[]>(
    "select id from twilio_accounts where token_key_id <> ? or (previous_token_key_id is not null and previous_token_key_id <> ?) order by id",
    [cipher.currentKeyId, cipher.currentKeyId],
  );
  let changed = 0;
  for (const { id } of ids) {
    await em.fork().transactional(async (tem) => {
      const rows = await tem.execute<{ account_sid: string; token_ciphertext: string; token_key_id: string; previous_token_ciphertext: string | null; previous_token_key_id: string | null }[]>(
        "select account_sid, token_ciphertext, token_key_id, previous_token_ciphertext, previous_token_key_id from twilio_accounts where id = ? for update",
        [id],
      );
      const r = rows[0];
      if (!r) return;
      const ctx = tokenContext(r.account_sid);
      const cur = cipher.reseal({ keyId: r.token_key_id, ciphertext: r.token_ciphertext }, ctx);
      const prev = r.previous_token_ciphertext && r.previous_token_key_id ? cipher.reseal({ keyId: r.previous_token_key_id, ciphertext: r.previous_token_ciphertext }, ctx) : null;
      await tem.execute(
        "update twilio_accounts set token_ciphertext = ?, token_key_id = ?, previous_token_ciphertext = ?, previous_token_key_id = ?, updated_at = now() where id = ?",
        [cur.ciphertext, cur.keyId, prev?.ciphertext ?? null, prev?.keyId ?? null, id],
        "run",
      );
      changed++;
    });
  }
  return changed;
}

/**
 * The worker's clients of own accounts, one per account and sealed token (a rotated token makes a
 * new one); the token is opened once per client, not per message.
 */
export function ownAccountClients(cipher: CredentialsCipher, options: { apiUrl: string; timeoutMs: number; maxSockets?: number }) {
  const clients = new Map<string, { ciphertext: string; client: TwilioClient }>();
  return (account: { accountSid: string; keyId: string; ciphertext: string }): TwilioClient => {
    const cached = clients.get(account.accountSid);
    if (cached && cached.ciphertext === account.ciphertext) return cached.client;
    const authToken = cipher.open({ keyId: account.keyId, ciphertext: account.ciphertext }, tokenContext(account.accountSid));
    const created = createTwilioClient({ accountSid: account.accountSid, authToken, apiUrl: options.apiUrl, timeoutMs: options.timeoutMs, maxSockets: options.maxSockets ?? 32 });
    clients.set(account.accountSid, { ciphertext: account.ciphertext, client: created });
    return created;
  };
}

/**
 * The webhook's lookup of an AccountSid, cached for `ttlMs` (default 5 s) so a burst of callbacks
 * costs one query per account: a token replaced or an account disconnected takes effect within it.
 */
export function ownAccountResolver(
  pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }> },
  cipher: CredentialsCipher,
  options: { ttlMs?: number; now?: () => Date } = {},
): (accountSid: string) => Promise<{ workspaceId: string; authTokens: readonly string[] } | null> {
  const ttlMs = options.ttlMs ?? 5000;
  const now = options.now ?? (() => new Date());
  const cache = new Map<string, { at: number; value: OwnAccountCredentials | null }>();
  return async (accountSid) => {
    // Only well-formed sids are looked up (and cached): a flood of invented ones costs nothing.
    if (!ACCOUNT_SID_RE.test(accountSid)) return null;
    const t = now().getTime();
    const hit = cache.get(accountSid);
    if (hit && t - hit.at < ttlMs) return hit.value;
    const value = await ownAccountCredentials(pool, cipher, accountSid, now());
    if (cache.size > 10_000) cache.clear();
    cache.set(accountSid, { at: t, value });
    return value;
  };
}
