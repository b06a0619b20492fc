// Cookie sessions (SPEC §3): httpOnly, secure in production, sameSite=lax, signed with every
// secret in SESSION_SECRET (the first signs, all verify — rotation without logging everyone out).
import { createCookieSessionStorage, redirect, type Session } from "@remix-run/node";
import { getEnv } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

export { safeRedirect } from "./redirect.server.ts";

export interface SessionData {
  userId: string;
  workspaceId: string;
  sessionVersion: number;
  /** CSRF token for this browser session (csrf.server.ts). */
  csrf: string;
}

export type AppSession = Session<SessionData>;

const SESSION_MAX_AGE_SECONDS = 60 * 60 * 24 * 14;

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
      maxAge: SESSION_MAX_AGE_SECONDS,
    },
  });
});

export function getSession(request: Request): Promise<AppSession> {
  return sessionStorage.getSession(request.headers.get("Cookie"));
}

/** Ends the session and sends the browser to the login page. */
export async function logout(request: Request): Promise<never> {
  const session = await getSession(request);
  throw redirect("/login", { headers: { "Set-Cookie": await sessionStorage.destroySession(session) } });
}
