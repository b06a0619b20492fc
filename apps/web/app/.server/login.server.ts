// Starting a session for a user who just proved who they are (sign-in, sign-up, invitation): a new
// server-side session and a new cookie with a new CSRF token. Nothing of the visitor's cookie carries
// over (SPEC §17: no session fixation), and a session the browser still had ends on the server.
import type { EntityManager } from "@mikro-orm/postgresql";
import { redirect } from "@remix-run/node";
import { endStaffSession, startStaffSession } from "@rm/accounts";
import { ensureCsrfToken } from "./csrf.server.ts";
import { getSession, sessionPolicy, sessionStorage } from "./session.server.ts";

export async function startSession(
  request: Request,
  em: EntityManager,
  user: { userId: string; workspaceId: string; sessionVersion: number },
  redirectTo: string,
): Promise<never> {
  await endStaffSession(em, (await getSession(request)).get("sid"));
  const { sessionId } = await startStaffSession(em, user, { policy: sessionPolicy() });
  const session = await sessionStorage.getSession();
  session.set("sid", sessionId);
  session.set("workspaceId", user.workspaceId);
  ensureCsrfToken(session);
  throw redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
}
