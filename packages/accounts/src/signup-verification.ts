// Sign-up verified by an SMS code to the owner's phone (SPEC §17, decision 024).
//
// 1. startSignUp: the form's answer never depends on whether the email has an account. Every valid
//    request within the caps creates an ownerless workspace, one `signup_verifications` row (the
//    owner's name, email and password hash wait there; only an HMAC of the code is kept) and the code's
//    SMS through the send protocol (the caller's `sendCode`, an outbox row in this transaction).
// 2. confirmSignUp: the right code, in time and within the attempts, creates the owner and grants the
//    FREE credits, once per workspace and never twice for the same phone. Only then does an email that
//    already has an account say so, to someone who proved the phone and spent a capped code.
// Codes sent are capped per phone, per number prefix and per client IP, counted on these rows under
// one advisory lock, so parallel requests cannot pass a cap together.
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { ensureDefaultTemplates, hashPassword, Role, User, Workspace, workspaceEm } from "@rm/db";
import { destinationRejection, normalizePhone, phonePrefix } from "@rm/domain";
import { coded, type Coded } from "@rm/catalogue";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError, ValidationError } from "./errors.ts";
import { code, emailField, nameField, parseOrThrow, passwordField } from "./validation.ts";

export interface SignupVerificationPolicy {
  /** Key of the codes' HMAC (the web's session secret): a stolen table does not give the codes away. */
  secret: string;
  /** How long a code is valid (default 10 minutes). */
  codeTtlMs: number;
  /** Wrong codes before a code is spent (default 5). */
  maxAttempts: number;
  /** Codes sent to one phone in 24 hours (default 3). */
  perPhonePerDay: number;
  /** Codes sent to one number prefix in an hour (default 10). */
  perPrefixPerHour: number;
  /** National digits after the country code that make the prefix (default 4: "+593 9912…" → "+5939912"). */
  prefixDigits: number;
  /** Codes requested from one client IP in an hour (default 5). */
  perIpPerHour: number;
}

export const DEFAULT_SIGNUP_POLICY: Omit<SignupVerificationPolicy, "secret"> = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 5,
  perPhonePerDay: 3,
  perPrefixPerHour: 10,
  prefixDigits: 4,
  perIpPerHour: 5,
};

/** Sends the code through the send protocol in the caller's transaction; returns the message id. */
export type SendCode = (em: EntityManager, code: { workspaceId: string; phone: string; code: string; locale: "es" | "en"; now: Date }) => Promise<string>;

export const signUpRequestSchema = z.object({
  workspaceName: nameField,
  name: nameField,
  email: emailField,
  password: passwordField,
  phone: z.string({ error: code("signup.phone.required") }).trim().min(1, code("signup.phone.required")).max(40, code("signup.phone.required")),
});

export interface StartSignUpOptions {
  policy: SignupVerificationPolicy;
  sendCode: SendCode;
  locale: "es" | "en";
  ip: string | null;
  now: Date;
}

/** Error codes of this flow; the web shows each from the catalogue in the visitor's language. */
export const SIGNUP_ERRORS = {
  limit: "signup_limit",
  wrongCode: "signup_code_wrong",
  expired: "signup_code_expired",
  spent: "signup_code_spent",
  none: "signup_none",
} as const;
export type SignUpErrorCode = (typeof SIGNUP_ERRORS)[keyof typeof SIGNUP_ERRORS];

const LOCK_KEY = 724_024; // pg_advisory_xact_lock key of the caps' count

function hashCode(secret: string, id: string, code: string): string {
  return createHmac("sha256", secret).update(`${id}:${code}`).digest("hex");
}

function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/** The phone as E.164, or a field error; it must be a number the new workspace's country may text. */
function parsePhone(input: string, country: string): { e164: string } {
  const phone = normalizePhone(input, country as never);
  if (!phone.ok) throw new ValidationError({ phone: coded(`accounts.phone.${phone.reason}`) });
  if (!phone.reachable) throw new ValidationError({ phone: coded("accounts.phone.LANDLINE") });
  // The destination allowlist (the new workspace's own country) applies to the code's SMS too.
  if (destinationRejection(phone.e164, { ownCountry: country })) throw new ValidationError({ phone: coded("signup.phone.country", { country }) });
  return { e164: phone.e164 };
}

async function checkCaps(em: EntityManager, policy: SignupVerificationPolicy, c: { phone: string; prefix: string; ip: string | null; now: Date }): Promise<void> {
  await em.execute("select pg_advisory_xact_lock(?)", [LOCK_KEY]);
  const hour = new Date(c.now.getTime() - 3_600_000);
  const day = new Date(c.now.getTime() - 86_400_000);
  const [row] = await em.execute<{ phone: string; prefix: string; ip: string }[]>(
    `select (select count(*) from signup_verifications where phone = ? and created_at > ?)::text as phone,
            (select count(*) from signup_verifications where phone_prefix = ? and created_at > ?)::text as prefix,
            (select count(*) from signup_verifications where ip = ? and created_at > ?)::text as ip`,
    [c.phone, day, c.prefix, hour, c.ip ?? "", hour],
  );
  const overPhone = Number(row!.phone) >= policy.perPhonePerDay;
  const overPrefix = Number(row!.prefix) >= policy.perPrefixPerHour;
  const overIp = c.ip !== null && Number(row!.ip) >= policy.perIpPerHour;
  if (overPhone || overPrefix || overIp) {
    throw new AccountsError(SIGNUP_ERRORS.limit, ERROR_TEXT[SIGNUP_ERRORS.limit]);
  }
}

interface Pending {
  workspaceId: string;
  phone: string;
  prefix: string;
  email: string;
  name: string;
  passwordHash: string;
  locale: "es" | "en";
}

async function issueCode(em: EntityManager, p: Pending, o: { policy: SignupVerificationPolicy; sendCode: SendCode; ip: string | null; now: Date }): Promise<void> {
  const code = newCode();
  const [row] = await em.execute<{ id: string }[]>(
    `insert into signup_verifications (id, workspace_id, phone, phone_prefix, ip, email, name, password_hash, locale, code_hash, expires_at, created_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?) returning id`,
    [p.workspaceId, p.phone, p.prefix, o.ip, p.email, p.name, p.passwordHash, p.locale, new Date(o.now.getTime() + o.policy.codeTtlMs), o.now],
  );
  const messageId = await o.sendCode(em, { workspaceId: p.workspaceId, phone: p.phone, code, locale: p.locale, now: o.now });
  await em.execute("update signup_verifications set code_hash = ?, message_id = ? where id = ?", [hashCode(o.policy.secret, row!.id, code), messageId, row!.id], "run");
}

/**
 * Asks for a sign-up: a new ownerless workspace and a code by SMS. The same answer (the workspace to
 * confirm) whether or not the email has an account. Throws ValidationError for bad fields and
 * AccountsError(signup_limit) past a cap.
 */
export async function startSignUp(em: EntityManager, input: Record<string, unknown>, o: StartSignUpOptions): Promise<{ workspaceId: string }> {
  const data = parseOrThrow(signUpRequestSchema, input);
  // A new workspace's own country: the only one its first message (this code) may go to.
  const country = "EC";
  const phone = parsePhone(data.phone, country);
  const prefix = phonePrefix(phone.e164, o.policy.prefixDigits);
  // Hashed before the transaction, and for a taken email too: the answer takes as long either way.
  const passwordHash = await hashPassword(data.password);
  return em.fork().transactional(async (tem) => {
    await checkCaps(tem as EntityManager, o.policy, { phone: phone.e164, prefix, ip: o.ip, now: o.now });
    const workspace = tem.create(Workspace, { name: data.workspaceName, defaultCountry: country });
    await tem.flush();
    await issueCode(tem as EntityManager, { workspaceId: workspace.id, phone: phone.e164, prefix, email: data.email, name: data.name, passwordHash, locale: o.locale }, o);
    return { workspaceId: workspace.id };
  });
}

interface VerificationRow {
  id: string;
  workspace_id: string;
  phone: string;
  phone_prefix: string;
  email: string;
  name: string;
  password_hash: string;
  locale: "es" | "en";
  code_hash: string;
  expires_at: Date | string;
  attempts: number;
  verified_at: Date | string | null;
  message_id: string | null;
}

async function latestRow(em: EntityManager, workspaceId: string, lock: boolean): Promise<VerificationRow | undefined> {
  const rows = await em.execute<VerificationRow[]>(
    `select id, workspace_id, phone, phone_prefix, email, name, password_hash, locale, code_hash, expires_at, attempts, verified_at, message_id
       from signup_verifications where workspace_id = ? and superseded_at is null
      order by created_at desc limit 1${lock ? " for update" : ""}`,
    [workspaceId],
  );
  return rows[0];
}

/** What the verification page shows: where the code went (masked) and the code's SMS status. */
export async function pendingSignUp(em: EntityManager, workspaceId: string): Promise<{ maskedPhone: string; messageId: string | null; verified: boolean; expiresAt: Date } | null> {
  const row = await latestRow(em.fork(), workspaceId, false);
  if (!row) return null;
  return { maskedPhone: maskPhone(row.phone), messageId: row.message_id, verified: row.verified_at !== null, expiresAt: new Date(row.expires_at) };
}

/** "+593 ••• ••• 234": enough for the owner to recognise their number. */
export function maskPhone(e164: string): string {
  return `${e164.slice(0, 4)} ••• ••• ${e164.slice(-3)}`;
}

/** A new code for a pending sign-up (the old one stops working), within the same caps. */
export async function resendSignUpCode(em: EntityManager, workspaceId: string, o: Omit<StartSignUpOptions, "locale">): Promise<void> {
  await em.fork().transactional(async (tem) => {
    const row = await latestRow(tem as EntityManager, workspaceId, true);
    if (!row || row.verified_at) throw new AccountsError(SIGNUP_ERRORS.none, "No hay un registro pendiente. Empiece de nuevo.");
    await checkCaps(tem as EntityManager, o.policy, { phone: row.phone, prefix: row.phone_prefix, ip: o.ip, now: o.now });
    await tem.execute("update signup_verifications set superseded_at = ? where id = ?", [o.now, row.id], "run");
    await issueCode(tem as EntityManager, { workspaceId, phone: row.phone, prefix: row.phone_prefix, email: row.email, name: row.name, passwordHash: row.password_hash, locale: row.locale }, o);
  });
}

export type ConfirmSignUpResult =
  | { kind: "verified"; userId: string; workspaceId: string; sessionVersion: number; creditsGranted: boolean; locale: "es" | "en" }
  /** The phone is verified but the email already had an account: nothing was created. */
  | { kind: "email_taken" };

export interface ConfirmSignUpOptions {
  policy: SignupVerificationPolicy;
  /** Grants the FREE plan's credits in the confirming transaction (@rm/stripe-billing's startFreePlan). */
  startPlan: (em: EntityManager, workspaceId: string) => Promise<unknown>;
  ip: string | null;
  now: Date;
}

/**
 * Checks the code; the right one creates the owner and, the first time this phone verifies any
 * workspace, grants the FREE credits. A wrong code counts an attempt (committed) and throws.
 */
export async function confirmSignUp(em: EntityManager, workspaceId: string, codeInput: string, o: ConfirmSignUpOptions): Promise<ConfirmSignUpResult> {
  const code = codeInput.replace(/\s+/g, "");
  type Outcome = { error: SignUpErrorCode } | { result: ConfirmSignUpResult };
  const outcome: Outcome = await em.fork().transactional(async (tem): Promise<Outcome> => {
    const row = await latestRow(tem as EntityManager, workspaceId, true);
    if (!row || row.verified_at) return { error: SIGNUP_ERRORS.none };
    if (new Date(row.expires_at).getTime() <= o.now.getTime()) return { error: SIGNUP_ERRORS.expired };
    if (row.attempts >= o.policy.maxAttempts) return { error: SIGNUP_ERRORS.spent };
    const expected = Buffer.from(row.code_hash, "hex");
    const given = Buffer.from(hashCode(o.policy.secret, row.id, code), "hex");
    if (!/^\d{6}$/.test(code) || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      // The attempt is counted in this (committed) transaction: the error is returned, not thrown.
      await tem.execute("update signup_verifications set attempts = attempts + 1 where id = ?", [row.id], "run");
      return { error: row.attempts + 1 >= o.policy.maxAttempts ? SIGNUP_ERRORS.spent : SIGNUP_ERRORS.wrongCode };
    }
    await tem.execute("update signup_verifications set verified_at = ? where id = ?", [o.now, row.id], "run");
    // Emails are unique across workspaces: the check needs every tenant (the unique index is the backstop).
    const existing = await tem.findOne(User, { email: row.email }, { filters: { workspace: false } });
    if (existing) {
      // The account's workspace learns of it in its audit log (no email is sent by this platform).
      const scoped = workspaceEm(tem as EntityManager, existing.workspace.id);
      recordAudit(scoped, {
        workspaceId: existing.workspace.id,
        actorId: null,
        action: "signup.email_reused",
        entityType: "user",
        entityId: existing.id,
        ip: o.ip,
        details: { phone: maskPhone(row.phone) },
      });
      await scoped.flush();
      return { result: { kind: "email_taken" } };
    }
    return { result: await createOwner(tem as EntityManager, row, o) };
  }).catch((err: unknown): Outcome => {
    // Two confirmations racing for one email: the unique index decides.
    if (err instanceof Error && /users_email_unique/.test(err.message)) return { result: { kind: "email_taken" } };
    throw err;
  });
  if ("error" in outcome) throw new AccountsError(outcome.error, ERROR_TEXT[outcome.error], "code");
  return outcome.result;
}

const ERROR_TEXT: Record<SignUpErrorCode, Coded> = {
  [SIGNUP_ERRORS.limit]: coded("signup.error.limit"),
  [SIGNUP_ERRORS.none]: coded("signup.verify.none"),
  [SIGNUP_ERRORS.expired]: coded("signup.error.expired"),
  [SIGNUP_ERRORS.spent]: coded("signup.error.spent"),
  [SIGNUP_ERRORS.wrongCode]: coded("signup.error.wrongCode"),
};

async function createOwner(tem: EntityManager, row: VerificationRow, o: ConfirmSignUpOptions): Promise<ConfirmSignUpResult> {
  const workspace = await tem.findOneOrFail(Workspace, { id: row.workspace_id }, { filters: { workspace: false } });
  const owner = tem.create(User, { workspace, email: row.email, passwordHash: row.password_hash, name: row.name, role: Role.OWNER });
  await tem.flush();
  // FREE's credits once per phone: the partial unique index on phone where credits_granted decides.
  const granted = await tem.execute<{ id: string }[]>(
    `update signup_verifications set credits_granted = true
      where id = ? and not exists (select 1 from signup_verifications where phone = ? and credits_granted) returning id`,
    [row.id, row.phone],
  );
  const scoped = workspaceEm(tem, workspace.id);
  await ensureDefaultTemplates(scoped, workspace);
  recordAudit(scoped, {
    workspaceId: workspace.id,
    actorId: owner.id,
    action: "workspace.created",
    entityType: "workspace",
    entityId: workspace.id,
    ip: o.ip,
    details: { name: workspace.name, phoneVerified: true, freeCredits: granted.length > 0 },
  });
  await scoped.flush();
  if (granted.length > 0) await o.startPlan(tem, workspace.id);
  return { kind: "verified", userId: owner.id, workspaceId: workspace.id, sessionVersion: owner.sessionVersion, creditsGranted: granted.length > 0, locale: row.locale };
}
