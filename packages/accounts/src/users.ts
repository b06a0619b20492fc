// Users of a workspace (SPEC §3): invitations by link, role changes, removal, password resets by
// one-time link and password changes. Every function takes an EntityManager scoped to the actor's
// workspace (workspaceEm) and writes its audit entry in the same transaction.
import { LockMode, type EntityManager } from "@mikro-orm/postgresql";
import { hashPassword, Invitation, Role, User, verifyPassword, Workspace, workspaceEm } from "@rm/db";
import { coded, createMsg } from "@rm/catalogue";
import { canAddUser, isPlan } from "@rm/domain";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { endUserSessions } from "./sessions.ts";
import { AccountsError } from "./errors.ts";
import { hashToken, isTokenShape, newToken } from "./tokens.ts";
import { code, emailField, nameField, parseOrThrow, passwordField } from "./validation.ts";

export const INVITATION_TTL_DAYS = 7;
export const RESET_TTL_HOURS = 24;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Actor {
  user: User;
  ip?: string | null;
  now?: Date;
  /** The actor's own session id (cookie), kept when they end their other sessions. */
  sessionId?: string | null;
}

const roleField = z.enum([Role.OWNER, Role.DOCTOR, Role.RECEPTIONIST], { error: code("accounts.role.required") });

function requireOwner(actor: Actor): void {
  if (actor.user.role !== Role.OWNER) throw new AccountsError("forbidden", "Solo el propietario puede administrar usuarios.");
}

function workspaceIdOf(actor: Actor): string {
  return actor.user.workspace.id;
}

async function tx<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as EntityManager));
}

/** Locks the workspace row: user-count and owner-count checks cannot race each other. */
async function lockWorkspace(em: EntityManager, workspaceId: string): Promise<Workspace> {
  const workspace = await em.findOne(Workspace, { id: workspaceId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!workspace) throw new AccountsError("not_found", "No encontrado.");
  return workspace;
}

async function seatsInUse(em: EntityManager, now: Date): Promise<number> {
  const users = await em.count(User, {});
  const pending = await em.count(Invitation, { acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } });
  return users + pending;
}

export const FREE_LIMIT_MESSAGE = createMsg("es")("accounts.users.freeLimit");

export const inviteSchema = z.object({ email: emailField, role: roleField });

export interface CreatedInvitation {
  invitation: Invitation;
  /** Shown once to the owner as a link; never stored. */
  token: string;
}

export async function inviteUser(em: EntityManager, actor: Actor, input: Record<string, unknown>): Promise<CreatedInvitation> {
  requireOwner(actor);
  const data = parseOrThrow(inviteSchema, input);
  const now = actor.now ?? new Date();
  return tx(em, async (tem) => {
    const workspace = await lockWorkspace(tem, workspaceIdOf(actor));
    const plan = isPlan(workspace.plan) ? workspace.plan : "FREE";
    if (!canAddUser(plan, await seatsInUse(tem, now))) throw new AccountsError("plan_limit", coded("accounts.users.freeLimit"));
    const existing = await tem.count(User, { email: data.email }, { filters: { workspace: false } });
    if (existing > 0) throw new AccountsError("email_taken", coded("accounts.users.emailTaken"), "email");
    // A new link for the same email replaces the older, still-open one.
    const open = await tem.find(Invitation, { email: data.email, acceptedAt: null, revokedAt: null });
    for (const inv of open) inv.revokedAt = now;
    const token = newToken();
    const invitation = tem.create(Invitation, {
      workspace,
      email: data.email,
      role: data.role,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * DAY_MS),
      invitedBy: actor.user,
    });
    recordAudit(tem, {
      workspaceId: workspace.id,
      actorId: actor.user.id,
      action: "user.invited",
      entityType: "invitation",
      entityId: invitation.id,
      ip: actor.ip ?? null,
      details: { email: data.email, role: data.role },
    });
    await tem.flush();
    return { invitation, token };
  });
}

export async function revokeInvitation(em: EntityManager, actor: Actor, invitationId: string): Promise<void> {
  requireOwner(actor);
  await tx(em, async (tem) => {
    const invitation = await tem.findOne(Invitation, { id: invitationId });
    if (!invitation) throw new AccountsError("not_found", "No encontrado.");
    if (invitation.acceptedAt || invitation.revokedAt) return;
    invitation.revokedAt = actor.now ?? new Date();
    recordAudit(tem, {
      workspaceId: workspaceIdOf(actor),
      actorId: actor.user.id,
      action: "user.invitation_revoked",
      entityType: "invitation",
      entityId: invitation.id,
      ip: actor.ip ?? null,
      details: { email: invitation.email },
    });
    await tem.flush();
  });
}

export const INVALID_LINK = createMsg("es")("accounts.users.invalidLink");

/** The open invitation for a link token (cross-tenant lookup by hash), or null. */
export async function findInvitation(em: EntityManager, token: string, now = new Date()): Promise<Invitation | null> {
  if (!isTokenShape(token)) return null;
  const invitation = await em.fork().findOne(
    Invitation,
    { tokenHash: hashToken(token) },
    { filters: { workspace: false }, populate: ["workspace"] },
  );
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) return null;
  return invitation;
}

export const acceptSchema = z.object({ name: nameField, password: passwordField });

/** Creates the invited user; the link works once. */
export async function acceptInvitation(
  em: EntityManager,
  token: string,
  input: Record<string, unknown>,
  { ip = null, now = new Date() }: { ip?: string | null; now?: Date } = {},
): Promise<{ userId: string; workspaceId: string; sessionVersion: number }> {
  const data = parseOrThrow(acceptSchema, input);
  const found = await findInvitation(em, token, now);
  if (!found) throw new AccountsError("invalid_link", coded("accounts.users.invalidLink"));
  const workspaceId = found.workspace.id;
  const passwordHash = await hashPassword(data.password);
  return workspaceEm(em, workspaceId).transactional(async (tem) => {
    await lockWorkspace(tem as EntityManager, workspaceId);
    const invitation = await tem.findOne(Invitation, { id: found.id }, { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) {
      throw new AccountsError("invalid_link", coded("accounts.users.invalidLink"));
    }
    if ((await tem.count(User, { email: invitation.email }, { filters: { workspace: false } })) > 0) {
      throw new AccountsError("email_taken", coded("accounts.users.emailTaken"));
    }
    invitation.acceptedAt = now;
    const user = tem.create(User, {
      workspace: tem.getReference(Workspace, workspaceId),
      email: invitation.email,
      passwordHash,
      name: data.name,
      role: invitation.role,
    });
    recordAudit(tem as EntityManager, {
      workspaceId,
      actorId: user.id,
      action: "user.joined",
      entityType: "user",
      entityId: user.id,
      ip,
      details: { email: invitation.email, role: invitation.role },
    });
    await tem.flush();
    return { userId: user.id, workspaceId, sessionVersion: user.sessionVersion };
  });
}

async function ownerCount(em: EntityManager): Promise<number> {
  return em.count(User, { role: Role.OWNER });
}

export const LAST_OWNER_MESSAGE = createMsg("es")("accounts.users.lastOwner");

export async function changeRole(em: EntityManager, actor: Actor, userId: string, role: string): Promise<void> {
  requireOwner(actor);
  const newRole = parseOrThrow(z.object({ role: roleField }), { role }).role;
  await tx(em, async (tem) => {
    await lockWorkspace(tem, workspaceIdOf(actor));
    const user = await tem.findOne(User, { id: userId });
    if (!user) throw new AccountsError("not_found", "No encontrado.");
    if (user.role === newRole) return;
    if (user.role === Role.OWNER && (await ownerCount(tem)) <= 1) throw new AccountsError("last_owner", coded("accounts.users.lastOwner"));
    const from = user.role;
    user.role = newRole;
    // A demoted user's open sessions end (their next request signs in with the new role).
    user.sessionVersion += 1;
    await endUserSessions(tem, user);
    recordAudit(tem, {
      workspaceId: workspaceIdOf(actor),
      actorId: actor.user.id,
      action: "user.role_changed",
      entityType: "user",
      entityId: user.id,
      ip: actor.ip ?? null,
      details: { email: user.email, from, to: newRole },
    });
    await tem.flush();
  });
}

export async function removeUser(em: EntityManager, actor: Actor, userId: string): Promise<void> {
  requireOwner(actor);
  await tx(em, async (tem) => {
    await lockWorkspace(tem, workspaceIdOf(actor));
    const user = await tem.findOne(User, { id: userId });
    if (!user) throw new AccountsError("not_found", "No encontrado.");
    if (user.role === Role.OWNER && (await ownerCount(tem)) <= 1) throw new AccountsError("last_owner", coded("accounts.users.lastOwner"));
    recordAudit(tem, {
      workspaceId: workspaceIdOf(actor),
      actorId: actor.user.id,
      action: "user.removed",
      entityType: "user",
      entityId: user.id,
      ip: actor.ip ?? null,
      details: { email: user.email, role: user.role },
    });
    tem.remove(user);
    await tem.flush();
  });
}

/** An owner issues a one-time reset link for a user of the workspace (no email is sent). */
export async function issuePasswordReset(em: EntityManager, actor: Actor, userId: string): Promise<{ token: string; expiresAt: Date }> {
  requireOwner(actor);
  const now = actor.now ?? new Date();
  return tx(em, async (tem) => {
    const user = await tem.findOne(User, { id: userId });
    if (!user) throw new AccountsError("not_found", "No encontrado.");
    const token = newToken();
    user.passwordResetTokenHash = hashToken(token);
    user.passwordResetExpiresAt = new Date(now.getTime() + RESET_TTL_HOURS * 60 * 60 * 1000);
    recordAudit(tem, {
      workspaceId: workspaceIdOf(actor),
      actorId: actor.user.id,
      action: "user.password_reset_issued",
      entityType: "user",
      entityId: user.id,
      ip: actor.ip ?? null,
      details: { email: user.email },
    });
    await tem.flush();
    return { token, expiresAt: user.passwordResetExpiresAt };
  });
}

/** The user a reset link belongs to (cross-tenant lookup by hash), or null when invalid/expired. */
export async function findResetUser(em: EntityManager, token: string, now = new Date()): Promise<User | null> {
  if (!isTokenShape(token)) return null;
  const user = await em.fork().findOne(User, { passwordResetTokenHash: hashToken(token) }, { filters: { workspace: false }, populate: ["workspace"] });
  if (!user?.passwordResetExpiresAt || user.passwordResetExpiresAt <= now) return null;
  return user;
}

export const resetSchema = z
  .object({ password: passwordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: code("accounts.password.mismatch"), path: ["confirm"] });

/** Sets a new password through a reset link; the link works once and every session ends. */
export async function resetPasswordWithToken(
  em: EntityManager,
  token: string,
  input: Record<string, unknown>,
  { ip = null, now = new Date() }: { ip?: string | null; now?: Date } = {},
): Promise<{ userId: string; workspaceId: string; sessionVersion: number }> {
  const data = parseOrThrow(resetSchema, input);
  const found = await findResetUser(em, token, now);
  if (!found) throw new AccountsError("invalid_link", coded("accounts.users.invalidLink"));
  const passwordHash = await hashPassword(data.password);
  const workspaceId = found.workspace.id;
  return workspaceEm(em, workspaceId).transactional(async (tem) => {
    const user = await tem.findOne(User, { id: found.id, passwordResetTokenHash: hashToken(token) }, { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!user) throw new AccountsError("invalid_link", coded("accounts.users.invalidLink"));
    user.passwordHash = passwordHash;
    user.passwordResetTokenHash = null;
    user.passwordResetExpiresAt = null;
    user.sessionVersion += 1;
    await endUserSessions(tem as EntityManager, user);
    recordAudit(tem as EntityManager, {
      workspaceId,
      actorId: user.id,
      action: "user.password_reset",
      entityType: "user",
      entityId: user.id,
      ip,
    });
    await tem.flush();
    return { userId: user.id, workspaceId, sessionVersion: user.sessionVersion };
  });
}

export const changePasswordSchema = z
  .object({ current: z.string().min(1, code("accounts.password.currentRequired")), password: passwordField, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: code("accounts.password.mismatch"), path: ["confirm"] });

/** Changes the actor's own password; bumps sessionVersion (every other session ends). */
export async function changePassword(em: EntityManager, actor: Actor, input: Record<string, unknown>): Promise<{ sessionVersion: number }> {
  const data = parseOrThrow(changePasswordSchema, input);
  const user = await em.findOne(User, { id: actor.user.id }, { refresh: true });
  if (!user || !(await verifyPassword(user.passwordHash, data.current))) {
    throw new AccountsError("wrong_password", coded("accounts.password.wrong"), "current");
  }
  const passwordHash = await hashPassword(data.password);
  return tx(em, async (tem) => {
    const row = await tem.findOneOrFail(User, { id: user.id }, { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE });
    row.passwordHash = passwordHash;
    row.sessionVersion += 1;
    await endUserSessions(tem, row, actor.sessionId);
    recordAudit(tem, {
      workspaceId: workspaceIdOf(actor),
      actorId: row.id,
      action: "user.password_changed",
      entityType: "user",
      entityId: row.id,
      ip: actor.ip ?? null,
    });
    await tem.flush();
    return { sessionVersion: row.sessionVersion };
  });
}

/** "Log out everywhere": every other session of the user ends; the actor's own session stays. */
export async function logoutEverywhere(em: EntityManager, actor: Actor): Promise<{ sessionVersion: number }> {
  return tx(em, async (tem) => {
    const user = await tem.findOne(User, { id: actor.user.id }, { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!user) throw new AccountsError("not_found", "No encontrado.");
    user.sessionVersion += 1;
    await endUserSessions(tem, user, actor.sessionId);
    recordAudit(tem, { workspaceId: workspaceIdOf(actor), actorId: user.id, action: "user.logged_out_everywhere", entityType: "user", entityId: user.id, ip: actor.ip ?? null });
    await tem.flush();
    return { sessionVersion: user.sessionVersion };
  });
}

/**
 * Command-line reset for owners who cannot sign in (no email is sent anywhere): sets a new
 * password for an OWNER found by email and ends their sessions. Cross-tenant by design (operator tool).
 */
export async function resetOwnerPasswordByEmail(em: EntityManager, email: string, password: string): Promise<{ userId: string; workspaceId: string }> {
  const data = parseOrThrow(z.object({ email: emailField, password: passwordField }), { email, password });
  const user = await em.fork().findOne(User, { email: data.email }, { filters: { workspace: false }, populate: ["workspace"] });
  if (!user) throw new AccountsError("not_found", `No user with email ${data.email}.`);
  if (user.role !== Role.OWNER) throw new AccountsError("not_owner", `${data.email} is not an owner; an owner resets it from the Users page.`);
  const workspaceId = user.workspace.id;
  const scoped = workspaceEm(em, workspaceId);
  await scoped.transactional(async (tem) => {
    const row = await tem.findOneOrFail(User, { id: user.id }, { refresh: true });
    row.passwordHash = await hashPassword(data.password);
    row.passwordResetTokenHash = null;
    row.passwordResetExpiresAt = null;
    row.sessionVersion += 1;
    await endUserSessions(tem as EntityManager, row);
    recordAudit(tem as EntityManager, { workspaceId, actorId: null, action: "user.password_reset_cli", entityType: "user", entityId: row.id, details: { email: row.email } });
    await tem.flush();
  });
  return { userId: user.id, workspaceId };
}
