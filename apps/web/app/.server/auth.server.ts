// Email + password sign-in with remix-auth 4 (FormStrategy). remix-auth only verifies; the
// session is ours (session.server.ts).
import type { EntityManager } from "@mikro-orm/postgresql";
import { redirect } from "@remix-run/node";
import { hashPassword, User, verifyPassword, workspaceEm } from "@rm/db";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import { getSession, sessionStorage } from "./session.server.ts";
import { singleton } from "./singleton.server.ts";

/** The one message for every failed sign-in: never reveals whether the email exists. */
export const INVALID_CREDENTIALS = "Correo o contraseña incorrectos";

export const FORM_STRATEGY = "email-password";

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

/** The signed-in user with their workspace, or a redirect to /login (keeping where they were going). */
export async function requireUser(request: Request, em: EntityManager): Promise<User> {
  const session = await getSession(request);
  const userId = session.get("userId");
  const workspaceId = session.get("workspaceId");
  if (userId && workspaceId) {
    const user = await workspaceEm(em, workspaceId).findOne(User, { id: userId }, { populate: ["workspace"] });
    if (user && user.sessionVersion === (session.get("sessionVersion") ?? 0)) return user;
  }
  const url = new URL(request.url);
  const redirectTo = `${url.pathname}${url.search}`;
  const params = redirectTo === "/" ? "" : `?${new URLSearchParams({ redirectTo })}`;
  // A session for a user who no longer exists is cleared on the way out.
  throw redirect(`/login${params}`, {
    headers: userId ? { "Set-Cookie": await sessionStorage.destroySession(session) } : {},
  });
}

/** The user id of a signed-in visitor, without loading anything. */
export async function getSessionUserId(request: Request): Promise<string | undefined> {
  return (await getSession(request)).get("userId");
}
