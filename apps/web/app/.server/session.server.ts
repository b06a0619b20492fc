// Staff sessions (SPEC §3, §17): the cookie (httpOnly, secure in production, sameSite=lax, signed
// with every secret in SESSION_SECRET: the first signs, all verify) carries a random session id, the
// workspace and the CSRF token; the session itself is a row in PostgreSQL (@rm/accounts sessions.ts),
// so logout and the idle and absolute timeouts end it on the server. Visitors who are not signed in
// have a cookie with only their CSRF token.
import { createCookieSessionStorage, redirect, type Session } from "@remix-run/node";
import { endStaffSession, type SessionPolicy } from "@rm/accounts";
import type { EntityManager } from "@mikro-orm/postgresql";
import { getEnv } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

export { safeRedirect } from "./redirect.server.ts";

export interface SessionData {
  /** The server-side session's id (only its hash is stored); set once signed in. */
  sid: string;
  /** The signed-in user's workspace: scopes the session lookup (and the staff request limit). */
  workspaceId: string;
  /** CSRF token for this browser session (csrf.server.ts). */
  csrf: string;
  /** A visitor's sign-up waiting for its SMS code (decision 024): the ownerless workspace. */
  signupWorkspaceId: string;
}

export type AppSession = Session<SessionData>;

/** The idle and absolute timeouts from the environment (SESSION_IDLE_TIMEOUT_MINUTES, SESSION_ABSOLUTE_TIMEOUT_HOURS). */
export function sessionPolicy(): SessionPolicy {
  const env = getEnv();
  return { idleTimeoutMs: env.SESSION_IDLE_TIMEOUT_MINUTES * 60_000, absoluteTimeoutMs: env.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3_600_000 };
}

export const sessionStorage = singleton("web.sessionStorage", () => {
  const env = getEnv();
  return createCookieSessionStorage<SessionData>({
    cookie: {
      name: "__session",
      httpOnly: true,
      path: "/",
      sameSite: "lax",
      secure: env.NODE_ENV === "production",
      secrets: env.SESSION_SECRET,
      // The browser may drop it when the server would refuse it anyway.
      maxAge: env.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600,
    },
  });
});

export function getSession(request: Request): Promise<AppSession> {
  return sessionStorage.getSession(request.headers.get("Cookie"));
}

/** Whether the cookie claims a signed-in session (not checked against the server: for redirects only). */
export function looksSignedIn(session: AppSession): boolean {
  return typeof session.get("sid") === "string";
}

/** Ends the session on the server and in the browser, and sends the browser to the login page. */
export async function logout(request: Request, em: EntityManager): Promise<never> {
  const session = await getSession(request);
  await endStaffSession(em, session.get("sid"));
  throw redirect("/login", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}
