// Re-exports for staff routes: one import for the guard, the 404 helper and the actor.
import type { Actor } from "@rm/accounts";
import type { StaffContext } from "./auth.server.ts";

export { requireUser, requireRole, notFound, type StaffContext, type RequireUserOptions } from "./auth.server.ts";

/** The acting user for @rm/accounts calls (with the request's address for the audit log and their session). */
export function actorOf(staff: StaffContext): Actor {
  return { user: staff.user, ip: staff.ip, sessionId: staff.sessionId };
}
