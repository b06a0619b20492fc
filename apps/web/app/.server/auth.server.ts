// Email + password sign-in with remix-auth 4 (FormStrategy). remix-auth only verifies; the
// session is ours (session.server.ts).
import type { EntityManager } from "@mikro-orm/postgresql";
import { data, redirect, type AppLoadContext } from "@remix-run/node";
import { findStaffSession } from "@rm/accounts";
import { hashPassword, User, verifyPassword, workspaceEm, type Role, type Workspace } from "@rm/db";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { isMutation, verifyCsrf } from "./csrf.server.ts";
import { getSession, sessionPolicy, sessionStorage, type AppSession } from "./session.server.ts";
import { singleton } from "./singleton.server.ts";

/** The one message for every failed sign-in: never reveals whether the email exists. */
export const INVALID_CREDENTIALS = "Correo o contraseña incorrectos";

export const FORM_STRATEGY = "email-password";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a successful sign-in yields and the session keeps. */
export interface AuthenticatedUser {
  userId: string;
  workspaceId: string;
  /** User.sessionVersion at sign-in: bumping it ("log out everywhere") ends every older session. */
  sessionVersion: number;
}

/** A failed sign-in the login page shows to the user (anything else is a server error). */
export class LoginError extends Error {
  override name = "LoginError";
}

const loginForm = z.object({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  password: z.string().min(1).max(1024),
});

// Compared against when the email is unknown, so a miss costs as much time as a wrong password.
const dummyHash = singleton("web.auth.dummyHash", () => hashPassword("not-a-real-password-4f1c"));

export async function verifyLogin(em: EntityManager, form: FormData): Promise<AuthenticatedUser> {
  const parsed = loginForm.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) throw new LoginError(INVALID_CREDENTIALS);
  const { email, password } = parsed.data;
  // Sign-in happens before the tenant is known: the tenant filter is off for this one lookup.
  const user = await em.findOne(User, { email }, { filters: { workspace: false } });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
  if (!user || !ok) throw new LoginError(INVALID_CREDENTIALS);
  user.lastLoginAt = new Date();
  await em.flush();
  return { userId: user.id, workspaceId: user.workspace.id, sessionVersion: user.sessionVersion };
}

/** An authenticator bound to the request's EntityManager. */
export function createAuthenticator(em: EntityManager): Authenticator<AuthenticatedUser> {
  const authenticator = new Authenticator<AuthenticatedUser>();
  authenticator.use(new FormStrategy(({ form }) => verifyLogin(em, form)), FORM_STRATEGY);
  return authenticator;
}

/** What a staff loader or action gets from `requireUser`. */
export interface StaffContext {
  user: User;
  workspace: Workspace;
  /** An EntityManager scoped to the user's workspace (tenant filter on). */
  em: EntityManager;
  session: AppSession;
  /** The server-side session's id (the cookie's), e.g. to keep it when ending the user's other sessions. */
  sessionId: string;
  /** The request's client address (for audit entries). */
  ip: string;
}

export interface RequireUserOptions {
  /** Roles allowed here; anyone else in the workspace gets 403. Default: every role. */
  roles?: readonly Role[];
  /**
   * CSRF check for mutations (POST/PUT/PATCH/DELETE). "auto" (default) reads `_csrf` from a clone
   * of the form body or the X-CSRF-Token header; "manual" leaves it to the caller (`verifyCsrf`
   * with the token it read itself, e.g. from a streamed upload).
   */
  csrf?: "auto" | "manual";
}

/**
 * The signed-in staff member, or: a redirect to /login (keeping where they were going) when nobody
 * is signed in or the session ended on the server (logout, idle or absolute timeout, "log out
 * everywhere", a password change or reset, the user removed); 403 when their role is not allowed;
 * 403 when a mutation lacks the CSRF token. Use in every staff loader and action. From here on the
 * response is marked private and never stored (server/remix.ts).
 */
export async function requireUser(
  request: Request,
  context: Pick<AppLoadContext, "em" | "clientAddress" | "authenticated">,
  options: RequireUserOptions = {},
): Promise<StaffContext> {
  const session = await getSession(request);
  const sid = session.get("sid");
  const workspaceId = session.get("workspaceId");
  let user: User | null = null;
  let em: EntityManager | null = null;
  if (typeof sid === "string" && typeof workspaceId === "string" && UUID.test(workspaceId)) {
    em = workspaceEm(context.em, workspaceId);
    user = (await findStaffSession(em, sid, { policy: sessionPolicy() }))?.user ?? null;
  }
  if (!user || !em || typeof sid !== "string") {
    if (isMutation(request)) throw data({ error: "Su sesión terminó. Inicie sesión de nuevo." }, { status: 401 });
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    const params = redirectTo === "/" ? "" : `?${new URLSearchParams({ redirectTo })}`;
    // A cookie whose session ended on the server is cleared on the way out.
    throw redirect(`/login${params}`, {
      headers: sid ? { "Set-Cookie": await sessionStorage.destroySession(session) } : {},
    });
  }
  context.authenticated = true;
  if (isMutation(request) && (options.csrf ?? "auto") === "auto") await verifyCsrf(request, session);
  if (options.roles && !options.roles.includes(user.role)) {
    throw data({ error: "No tiene permiso para esta acción." }, { status: 403, statusText: "Forbidden" });
  }
  return { user, workspace: user.workspace, em, session, sessionId: sid, ip: context.clientAddress };
}

/** 403 for a same-tenant role denial inside a route (e.g. a mutation only owners may do). */
export function requireRole(staff: StaffContext, roles: readonly Role[]): void {
  if (!roles.includes(staff.user.role)) {
    throw data({ error: "No tiene permiso para esta acción." }, { status: 403, statusText: "Forbidden" });
  }
}

export function notFound(): never {
  throw data({ error: "No encontrado." }, { status: 404, statusText: "Not Found" });
}

