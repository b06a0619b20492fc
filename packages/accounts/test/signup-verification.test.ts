// Sign-up verified by an SMS code (SPEC §17, decision 024) against a real PostgreSQL database: the
// same answer for a taken email, nothing usable before the code, the code hashed, short-lived and
// attempt-limited, the caps per phone, prefix and IP (also under parallel requests), the FREE credits
// once per workspace and once per phone, and the destination allowlist on the phone.
import { randomUUID } from "node:crypto";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { initOrm, verifyPassword } from "@rm/db";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AccountsError,
  confirmSignUp,
  DEFAULT_SIGNUP_POLICY,
  pendingSignUp,
  resendSignUpCode,
  signUp,
  startSignUp,
  ValidationError,
  type SendCode,
  type SignupVerificationPolicy,
} from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let n = 0;
let ipCounter = 0;

const policy: SignupVerificationPolicy = { ...DEFAULT_SIGNUP_POLICY, secret: "test-secret-0123456789" };
/** The codes the fake send step was handed, newest last, by phone. */
let sent: { workspaceId: string; phone: string; code: string }[] = [];
const sendCode: SendCode = async (_em, c) => {
  sent.push({ workspaceId: c.workspaceId, phone: c.phone, code: c.code });
  return randomUUID();
};
let grants = 0;
const startPlan = async (em: EntityManager, workspaceId: string) => {
  grants++;
  await grantCredits(em, { workspaceId, amount: 50, reference: "free:signup", reason: "FREE" });
};

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 8 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});
beforeEach(() => {
  sent = [];
  grants = 0;
});

/** A fresh mobile number in Ecuador, each test its own prefix block so caps do not leak across tests. */
function phone(block = ++n, last = 0): string {
  return `+59399${String(10 + (block % 90)).padStart(2, "0")}${String(last).padStart(5, "0")}`;
}
const ip = () => `203.0.113.${++ipCounter % 250}`;
const form = (p: string, email = `duena${++n}@example.ec`) => ({ workspaceName: "Clínica Código", name: "Dra. Código", email, password: "clave-segura-1", phone: p });
const start = (input: Record<string, unknown>, o: { ip?: string | null; now?: Date; policy?: SignupVerificationPolicy } = {}) =>
  startSignUp(orm.em.fork(), input, { policy: o.policy ?? policy, sendCode, locale: "es", ip: o.ip === undefined ? ip() : o.ip, now: o.now ?? new Date() });
const confirm = (workspaceId: string, code: string, now = new Date()) => confirmSignUp(orm.em.fork(), workspaceId, code, { policy, startPlan, ip: "203.0.113.1", now });
const sql = <T extends object>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);
const codeOf = (workspaceId: string) => sent.filter((s) => s.workspaceId === workspaceId).at(-1)!.code;

function rejectsWith(promise: Promise<unknown>, code: string) {
  return expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AccountsError && e.code === code);
}

describe("sign-up verified by an SMS code", () => {
  it("answers a taken email exactly as a new one, and creates no user before the code", async () => {
    const taken = `tomado${++n}@example.ec`;
    await signUp(orm.em.fork(), { workspaceName: "Existente", name: "Dueño", email: taken, password: "clave-segura-1" }, { startPlan: async () => {} });
    const fresh = await start(form(phone()));
    const again = await start(form(phone(), taken));
    // Same shape: a workspace to confirm, a code sent; nothing says which email had an account.
    expect(Object.keys(fresh)).toEqual(Object.keys(again));
    expect(sent.map((s) => s.workspaceId)).toEqual([fresh.workspaceId, again.workspaceId]);
    for (const w of [fresh.workspaceId, again.workspaceId]) {
      expect(await sql("select id from users where workspace_id = ?", [w])).toEqual([]);
      expect(await sql("select id from credit_ledger_entries where workspace_id = ?", [w])).toEqual([]);
    }
    expect(grants).toBe(0);
  });

  it("keeps only a keyed hash of the code", async () => {
    const { workspaceId } = await start(form(phone()));
    const code = codeOf(workspaceId);
    expect(code).toMatch(/^\d{6}$/);
    const [row] = await sql<{ code_hash: string }>("select code_hash from signup_verifications where workspace_id = ?", [workspaceId]);
    expect(row!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.code_hash).not.toContain(code);
  });

  it("the right code creates the owner, who can sign in, and grants the FREE credits once", async () => {
    const input = form(phone());
    const { workspaceId } = await start(input);
    const result = await confirm(workspaceId, ` ${codeOf(workspaceId).slice(0, 3)} ${codeOf(workspaceId).slice(3)} `);
    expect(result).toMatchObject({ kind: "verified", workspaceId, creditsGranted: true });
    const [user] = await sql<{ email: string; role: string; password_hash: string }>("select email, role, password_hash from users where workspace_id = ?", [workspaceId]);
    expect(user).toMatchObject({ email: input.email, role: "OWNER" });
    expect(await verifyPassword(user!.password_hash, input.password)).toBe(true);
    expect(await getCreditBalance(orm.em.fork(), workspaceId)).toMatchObject({ available: 50 });
    // The same code again, or any code: nothing more is created or granted.
    await rejectsWith(confirm(workspaceId, codeOf(workspaceId)), "signup_none");
    expect(grants).toBe(1);
    expect(await sql("select id from users where workspace_id = ?", [workspaceId])).toHaveLength(1);
    expect((await pendingSignUp(orm.em.fork(), workspaceId))?.verified).toBe(true);
  });

  it("counts wrong codes and spends the code after the last attempt, even for the right code then", async () => {
    const { workspaceId } = await start(form(phone()));
    const right = codeOf(workspaceId);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 1; i < policy.maxAttempts; i++) await rejectsWith(confirm(workspaceId, wrong), "signup_code_wrong");
    await rejectsWith(confirm(workspaceId, wrong), "signup_code_spent");
    await rejectsWith(confirm(workspaceId, right), "signup_code_spent");
    expect(await sql("select id from users where workspace_id = ?", [workspaceId])).toEqual([]);
    // A new code (within the caps) works again, and the old one does not.
    await resendSignUpCode(orm.em.fork(), workspaceId, { policy, sendCode, ip: ip(), now: new Date() });
    expect(codeOf(workspaceId)).not.toBe(undefined);
    await expect(confirm(workspaceId, codeOf(workspaceId))).resolves.toMatchObject({ kind: "verified" });
  });

  it("refuses an expired code", async () => {
    const { workspaceId } = await start(form(phone()), { now: new Date(Date.now() - policy.codeTtlMs - 1000) });
    await rejectsWith(confirm(workspaceId, codeOf(workspaceId)), "signup_code_expired");
  });

  it("a resent code replaces the previous one", async () => {
    const { workspaceId } = await start(form(phone()));
    const first = codeOf(workspaceId);
    await resendSignUpCode(orm.em.fork(), workspaceId, { policy, sendCode, ip: ip(), now: new Date() });
    const second = codeOf(workspaceId);
    if (first !== second) await rejectsWith(confirm(workspaceId, first), "signup_code_wrong");
    await expect(confirm(workspaceId, second)).resolves.toMatchObject({ kind: "verified" });
  });

  it("grants the FREE credits once per phone: a second workspace verified with it starts without", async () => {
    const p = phone();
    const a = await start(form(p));
    await expect(confirm(a.workspaceId, codeOf(a.workspaceId))).resolves.toMatchObject({ creditsGranted: true });
    const b = await start(form(p));
    await expect(confirm(b.workspaceId, codeOf(b.workspaceId))).resolves.toMatchObject({ kind: "verified", creditsGranted: false });
    expect(grants).toBe(1);
    expect(await getCreditBalance(orm.em.fork(), b.workspaceId)).toMatchObject({ available: 0 });
  });

  it("says a taken email only after the phone is proven, creates nothing, and tells the account's workspace", async () => {
    const taken = `otra${++n}@example.ec`;
    const existing = await signUp(orm.em.fork(), { workspaceName: "Existente", name: "Dueño", email: taken, password: "clave-segura-1" }, { startPlan: async () => {} });
    const { workspaceId } = await start(form(phone(), taken));
    await expect(confirm(workspaceId, codeOf(workspaceId))).resolves.toEqual({ kind: "email_taken" });
    expect(await sql("select id from users where workspace_id = ?", [workspaceId])).toEqual([]);
    expect(grants).toBe(0);
    const audit = await sql<{ action: string }>("select action from audit_logs where workspace_id = ? and action = 'signup.email_reused'", [existing.workspaceId]);
    expect(audit).toHaveLength(1);
  });

  it("caps the codes per phone in a day", async () => {
    const p = phone();
    for (let i = 0; i < policy.perPhonePerDay; i++) await start(form(p));
    await rejectsWith(start(form(p)), "signup_limit");
    expect(sent).toHaveLength(policy.perPhonePerDay);
  });

  it("caps the codes per number prefix: rotating the last digits does not help", async () => {
    const block = ++n;
    for (let i = 0; i < policy.perPrefixPerHour; i++) await start(form(phone(block, i)));
    await rejectsWith(start(form(phone(block, 999))), "signup_limit");
    // Another prefix is not affected.
    await expect(start(form(phone()))).resolves.toHaveProperty("workspaceId");
  });

  it("caps the codes per client IP, also when the requests arrive together", async () => {
    const from = "198.51.100.7";
    const results = await Promise.allSettled(Array.from({ length: policy.perIpPerHour + 3 }, () => start(form(phone()), { ip: from })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(policy.perIpPerHour);
    expect(results.filter((r) => r.status === "rejected").every((r) => r.reason instanceof AccountsError && r.reason.code === "signup_limit")).toBe(true);
    // A resend from that IP is capped too.
    const other = await start(form(phone()));
    await rejectsWith(resendSignUpCode(orm.em.fork(), other.workspaceId, { policy, sendCode, ip: from, now: new Date() }), "signup_limit");
  });

  it("sends codes only to the new workspace's own country, and only to mobiles", async () => {
    const before = sent.length;
    const colombian = await start(form("+573001234567")).catch((e: unknown) => e);
    expect(colombian).toBeInstanceOf(ValidationError);
    expect((colombian as ValidationError).fieldErrors.phone).toMatch(/solo se puede crear una cuenta con un celular de: EC/);
    const landline = await start(form("+59322345678")).catch((e: unknown) => e);
    expect((landline as ValidationError).fieldErrors.phone).toMatch(/teléfono fijo/);
    const missing = await start({ ...form(""), phone: "" }).catch((e: unknown) => e);
    expect((missing as ValidationError).fieldErrors.phone).toBe("Ingrese su número de celular.");
    expect(sent.length).toBe(before);
  });
});
