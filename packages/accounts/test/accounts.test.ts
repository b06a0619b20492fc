// @rm/accounts against a real PostgreSQL database: sign-up, invitations, roles, resets, password
// changes, settings (the `gated` rule), practices, templates and the audit trail.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { AuditLog, initOrm, Invitation, Practice, Template, User, verifyPassword, Workspace, workspaceEm } from "@rm/db";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountsError,
  acceptInvitation,
  analyzeTemplate,
  changePassword,
  changeRole,
  createPractice,
  findInvitation,
  inviteUser,
  issuePasswordReset,
  listAudit,
  removeUser,
  resetOwnerPasswordByEmail,
  resetPasswordWithToken,
  signUp,
  updateSettings,
  updateTemplate,
  ValidationError,
  type Actor,
} from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

const freeGrant = (em: EntityManager, workspaceId: string) => grantCredits(em, { workspaceId, amount: 50, reference: "free:signup", reason: "FREE" });

async function newWorkspace(plan: "FREE" | "STARTER" = "FREE") {
  const email = `owner${++counter}@example.ec`;
  const result = await signUp(orm.em.fork(), { workspaceName: `Clínica ${counter}`, name: `Dueña ${counter}`, email, password: "clave-segura-1" }, { startPlan: freeGrant, ip: "10.0.0.1" });
  const em = workspaceEm(orm.em.fork(), result.workspaceId);
  if (plan !== "FREE") {
    await em.nativeUpdate(Workspace, { id: result.workspaceId }, { plan });
  }
  const owner = await em.findOneOrFail(User, { id: result.userId }, { populate: ["workspace"] });
  return { ...result, email, em, actor: { user: owner, ip: "10.0.0.1" } satisfies Actor };
}

function rejectsWith(promise: Promise<unknown>, code: string) {
  return expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AccountsError && e.code === code);
}

describe("sign-up", () => {
  it("creates the workspace, its owner, the default templates, the credits and an audit entry", async () => {
    const ws = await newWorkspace();
    expect(ws.actor.user.role).toBe("OWNER");
    expect(await verifyPassword(ws.actor.user.passwordHash, "clave-segura-1")).toBe(true);
    expect(await ws.em.count(Template, { isDefault: true })).toBe(6);
    expect((await getCreditBalance(ws.em, ws.workspaceId)).available).toBe(50);
    expect((await listAudit(ws.em)).rows.map((r) => r.action)).toContain("workspace.created");
  });

  it("refuses a taken email (any case) and leaves nothing behind when the plan step fails", async () => {
    const ws = await newWorkspace();
    await rejectsWith(signUp(orm.em.fork(), { workspaceName: "Otra", name: "X", email: ws.email.toUpperCase(), password: "clave-segura-1" }, { startPlan: freeGrant }), "email_taken");
    const before = await orm.em.fork().count(Workspace, {}, { filters: false });
    await expect(
      signUp(orm.em.fork(), { workspaceName: "Rota", name: "X", email: "rota@example.ec", password: "clave-segura-1" }, {
        startPlan: async () => {
          throw new Error("plan service down");
        },
      }),
    ).rejects.toThrow("plan service down");
    expect(await orm.em.fork().count(Workspace, {}, { filters: false })).toBe(before);
    expect(await orm.em.fork().count(User, { email: "rota@example.ec" }, { filters: false })).toBe(0);
  });

  it("validates every field with a message per field", async () => {
    const err = await signUp(orm.em.fork(), { workspaceName: "", name: "", email: "no-es-correo", password: "corta" }, { startPlan: freeGrant }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fieldErrors).sort()).toEqual(["email", "name", "password", "workspaceName"]);
  });
});

describe("invitations and roles", () => {
  it("FREE allows one user: the owner cannot invite", async () => {
    const ws = await newWorkspace("FREE");
    await rejectsWith(inviteUser(ws.em, ws.actor, { email: "doc@example.ec", role: "DOCTOR" }), "plan_limit");
  });

  it("an invitation link works once, creates the user with the role and expires", async () => {
    const ws = await newWorkspace("STARTER");
    const { token, invitation } = await inviteUser(ws.em, ws.actor, { email: `Doc${counter}@Example.ec`, role: "DOCTOR" });
    const stored = await ws.em.fork().findOneOrFail(Invitation, { id: invitation.id });
    expect(stored.tokenHash).not.toContain(token);
    expect(stored.email).toBe(`doc${counter}@example.ec`);
    const joined = await acceptInvitation(orm.em.fork(), token, { name: "Dr. Uno", password: "clave-doctor-1" });
    const doctor = await ws.em.fork().findOneOrFail(User, { id: joined.userId });
    expect(doctor.role).toBe("DOCTOR");
    await rejectsWith(acceptInvitation(orm.em.fork(), token, { name: "Otra vez", password: "clave-doctor-1" }), "invalid_link");

    const late = await inviteUser(ws.em, ws.actor, { email: `late${counter}@example.ec`, role: "RECEPTIONIST" });
    const eightDaysLater = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    expect(await findInvitation(orm.em.fork(), late.token, eightDaysLater)).toBeNull();
    await rejectsWith(acceptInvitation(orm.em.fork(), late.token, { name: "Tarde", password: "clave-tarde-12" }, { now: eightDaysLater }), "invalid_link");
    await rejectsWith(acceptInvitation(orm.em.fork(), "not-a-token", { name: "X", password: "clave-tarde-12" }), "invalid_link");
  });

  it("only owners manage users; the last owner cannot be demoted or removed", async () => {
    const ws = await newWorkspace("STARTER");
    await rejectsWith(changeRole(ws.em, ws.actor, ws.userId, "DOCTOR"), "last_owner");
    await rejectsWith(removeUser(ws.em, ws.actor, ws.userId), "last_owner");
    const { token } = await inviteUser(ws.em, ws.actor, { email: `second${counter}@example.ec`, role: "OWNER" });
    const second = await acceptInvitation(orm.em.fork(), token, { name: "Segunda", password: "clave-segunda-1" });
    // With two owners one can step down; the demoted user's sessions end.
    await changeRole(ws.em, ws.actor, second.userId, "RECEPTIONIST");
    const demoted = await ws.em.fork().findOneOrFail(User, { id: second.userId }, { populate: ["workspace"] });
    expect(demoted.role).toBe("RECEPTIONIST");
    expect(demoted.sessionVersion).toBe(1);
    await rejectsWith(inviteUser(ws.em, { user: demoted }, { email: "x@example.ec", role: "OWNER" }), "forbidden");
    await removeUser(ws.em, ws.actor, second.userId);
    expect(await ws.em.fork().count(User, {})).toBe(1);
    const actions = (await listAudit(ws.em.fork())).rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["user.invited", "user.joined", "user.role_changed", "user.removed"]));
  });

  it("never touches another workspace's user", async () => {
    const a = await newWorkspace("STARTER");
    const b = await newWorkspace("STARTER");
    await rejectsWith(changeRole(a.em, a.actor, b.userId, "DOCTOR"), "not_found");
    await rejectsWith(issuePasswordReset(a.em, a.actor, b.userId), "not_found");
  });
});

describe("passwords", () => {
  it("a reset link sets a new password once and ends the user's sessions", async () => {
    const ws = await newWorkspace();
    const { token } = await issuePasswordReset(ws.em, ws.actor, ws.userId);
    await expect(resetPasswordWithToken(orm.em.fork(), token, { password: "nueva-clave-123", confirm: "otra" })).rejects.toBeInstanceOf(ValidationError);
    const done = await resetPasswordWithToken(orm.em.fork(), token, { password: "nueva-clave-123", confirm: "nueva-clave-123" });
    expect(done.sessionVersion).toBe(1);
    const user = await ws.em.fork().findOneOrFail(User, { id: ws.userId });
    expect(await verifyPassword(user.passwordHash, "nueva-clave-123")).toBe(true);
    await rejectsWith(resetPasswordWithToken(orm.em.fork(), token, { password: "tercera-clave-1", confirm: "tercera-clave-1" }), "invalid_link");
  });

  it("changing one's password needs the current one and bumps the session version", async () => {
    const ws = await newWorkspace();
    await rejectsWith(changePassword(ws.em, ws.actor, { current: "mala", password: "nueva-clave-123", confirm: "nueva-clave-123" }), "wrong_password");
    const { sessionVersion } = await changePassword(ws.em, ws.actor, { current: "clave-segura-1", password: "nueva-clave-123", confirm: "nueva-clave-123" });
    expect(sessionVersion).toBe(1);
  });

  it("the command-line reset works for owners only", async () => {
    const ws = await newWorkspace();
    await resetOwnerPasswordByEmail(orm.em.fork(), ws.email.toUpperCase(), "clave-de-consola-1");
    const user = await ws.em.fork().findOneOrFail(User, { id: ws.userId });
    expect(await verifyPassword(user.passwordHash, "clave-de-consola-1")).toBe(true);
    expect(user.sessionVersion).toBe(1);
    await rejectsWith(resetOwnerPasswordByEmail(orm.em.fork(), "nadie@example.ec", "clave-de-consola-1"), "not_found");
  });
});

describe("settings", () => {
  const base = { name: "Clínica", timezone: "America/Guayaquil", quietHoursEnabled: "on", quietHoursStart: "21:00", quietHoursEnd: "07:30", contactCooldownDays: "30", defaultChannel: "SMS", reviewPolicy: "open" };

  it("saves validated settings and refuses bad ones field by field", async () => {
    const ws = await newWorkspace();
    await updateSettings(ws.em, ws.actor, { ...base, smsSender: "+593991234567", contentSid_INITIAL: "HX0123456789abcdef0123456789abcdef" });
    const saved = await ws.em.fork().findOneOrFail(Workspace, { id: ws.workspaceId });
    expect([saved.quietHoursStart, saved.quietHoursEnd, saved.contactCooldownDays, saved.defaultChannel, saved.smsSender]).toEqual(["21:00", "07:30", 30, "SMS", "+593991234567"]);
    expect(saved.whatsappContentSids).toEqual({ INITIAL: "HX0123456789abcdef0123456789abcdef" });
    const err = await updateSettings(ws.em, ws.actor, { ...base, timezone: "Mars/Olympus", quietHoursStart: "25:00", contactCooldownDays: "-1", contentSid_HELP: "nope" }).catch((e: unknown) => e);
    expect(Object.keys((err as ValidationError).fieldErrors).sort()).toEqual(["contactCooldownDays", "contentSid_HELP", "quietHoursStart", "timezone"]);
  });

  it("the patients' language is Spanish until the owner picks English; a form without the field keeps it; anything else is refused", async () => {
    const ws = await newWorkspace();
    const language = async () => (await ws.em.fork().findOneOrFail(Workspace, { id: ws.workspaceId })).defaultLanguage;
    expect(await language()).toBe("es");
    await updateSettings(ws.em, ws.actor, { ...base, defaultLanguage: "en" });
    expect(await language()).toBe("en");
    await updateSettings(ws.em, ws.actor, base);
    expect(await language()).toBe("en");
    const err = await updateSettings(ws.em, ws.actor, { ...base, defaultLanguage: "fr" }).catch((e: unknown) => e);
    expect(Object.keys((err as ValidationError).fieldErrors)).toEqual(["defaultLanguage"]);
  });

  it("a workspace texts only its own country until the owner adds others; the change is audited, unknown codes refused", async () => {
    const ws = await newWorkspace();
    const extra = async () => (await ws.em.fork().findOneOrFail(Workspace, { id: ws.workspaceId })).extraDestinationCountries;
    expect(await extra()).toEqual([]);
    await updateSettings(ws.em, ws.actor, { ...base, extraDestinationCountries: "pe, CO; co EC" });
    // Its own country (EC) is always allowed, so it is not stored among the extra ones.
    expect(await extra()).toEqual(["CO", "PE"]);
    const entry = await ws.em.fork().findOneOrFail(AuditLog, { workspace: ws.workspaceId, action: "settings.destination_countries_changed" });
    expect(entry.details).toEqual({ from: [], to: ["CO", "PE"] });
    await updateSettings(ws.em, ws.actor, base);
    expect(await extra()).toEqual(["CO", "PE"]);
    const err = await updateSettings(ws.em, ws.actor, { ...base, extraDestinationCountries: "CO, XX, Colombia" }).catch((e: unknown) => e);
    expect((err as ValidationError).fieldErrors.extraDestinationCountries).toContain("XX, COLOMBIA");
    expect(await extra()).toEqual(["CO", "PE"]);
    await updateSettings(ws.em, ws.actor, { ...base, extraDestinationCountries: "" });
    expect(await extra()).toEqual([]);
  });

  it("gated needs the confirmation; it records who confirmed and audits the change", async () => {
    const ws = await newWorkspace();
    const err = await updateSettings(ws.em, ws.actor, { ...base, reviewPolicy: "gated" }).catch((e: unknown) => e);
    expect((err as ValidationError).fieldErrors.reviewPolicy).toMatch(/confirmar/);
    expect((await ws.em.fork().findOneOrFail(Workspace, { id: ws.workspaceId })).reviewPolicy).toBe("open");
    await updateSettings(ws.em, ws.actor, { ...base, reviewPolicy: "gated", confirmGated: "on" });
    const saved = await ws.em.fork().findOneOrFail(Workspace, { id: ws.workspaceId });
    expect(saved.reviewPolicy).toBe("gated");
    expect(saved.gatedConfirmedBy).toBe(ws.userId);
    const entry = await ws.em.fork().findOneOrFail(AuditLog, { action: "settings.review_policy_changed" });
    expect(entry.details).toMatchObject({ from: "open", to: "gated", warningConfirmed: true });
    expect(entry.ip).toBe("10.0.0.1");
  });

  it("normalises the staff alert phone of the workspace's practices", async () => {
    const ws = await newWorkspace();
    const practice = await createPractice(ws.em, ws.actor, { name: "Sede", timezone: "America/Guayaquil" });
    await updateSettings(ws.em, ws.actor, base, { [practice.id]: "099 123 4567" });
    expect((await ws.em.fork().findOneOrFail(Practice, { id: practice.id })).staffAlertPhone).toBe("+593991234567");
    const err = await updateSettings(ws.em, ws.actor, base, { [practice.id]: "123" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
  });
});

describe("templates", () => {
  it("analysis: GSM-7 until an accented letter, then UCS-2 with the culprit, a variant and credits", () => {
    const plain = analyzeTemplate("Hola {{name}}, califique su visita del 1 al 5: {{ratingLink}}");
    expect([plain.encoding, plain.segments, plain.nonGsmCharacters]).toEqual(["GSM7", 1, []]);
    const accented = analyzeTemplate("Hola {{name}}, califique su atención del 1 al 5: {{ratingLink}}");
    expect(accented.encoding).toBe("UCS2");
    expect(accented.nonGsmCharacters).toEqual(["ó"]);
    expect(accented.segments).toBe(2);
    expect(accented.credits).toEqual({ SMS: 2, WHATSAPP: 1 });
    expect(accented.gsmVariant?.text).toContain("atencion");
    expect(accented.gsmVariant?.segments).toBe(1);
    expect(analyzeTemplate("Su {{appointmentType}} y su biopsia").procedureMentions).toEqual(["{{appointmentType}}", "biopsia"]);
    expect(analyzeTemplate("Hola {{nombre}}").unknownVariables).toEqual(["nombre"]);
  });

  it("refuses unknown variables before saving and audits an edit", async () => {
    const ws = await newWorkspace();
    const tpl = await ws.em.findOneOrFail(Template, { type: "INITIAL" });
    const err = await updateTemplate(ws.em, ws.actor, tpl, { body: "Hola {{nombre}}" }).catch((e: unknown) => e);
    expect((err as ValidationError).fieldErrors.body).toContain("{{nombre}}");
    expect((await ws.em.fork().findOneOrFail(Template, { id: tpl.id })).body).not.toContain("{{nombre}}");
    await updateTemplate(ws.em, ws.actor, tpl, { body: "Hola {{name}} {{ratingLink}}", smsBody: "" });
    expect((await ws.em.fork().findOneOrFail(Template, { id: tpl.id })).body).toBe("Hola {{name}} {{ratingLink}}");
    expect((await listAudit(ws.em.fork(), { action: "template" })).rows).toHaveLength(1);
  });
});
