// Starting a session for a user who just proved who they are (sign-in, sign-up, invitation, reset).
import { redirect } from "@remix-run/node";
import { ensureCsrfToken } from "./csrf.server.ts";
import { getSession, sessionStorage } from "./session.server.ts";

export async function startSession(
  request: Request,
  user: { userId: string; workspaceId: string; sessionVersion: number },
  redirectTo: string,
): Promise<never> {
  const session = await getSession(request);
  session.set("userId", user.userId);
  session.set("workspaceId", user.workspaceId);
  session.set("sessionVersion", user.sessionVersion);
  ensureCsrfToken(session);
  throw redirect(redirectTo, { headers: { "Set-Cookie": await sessionStorage.commitSession(session) } });
}
