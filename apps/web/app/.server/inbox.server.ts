// The staff inbox's glue: who is looking (for @rm/inbox), and its errors as HTTP answers.
import { data } from "@remix-run/node";
import { InboxError, type InboxViewer } from "@rm/inbox";
import { notFound, type StaffContext } from "./auth.server.ts";

export function viewerOf(staff: StaffContext): InboxViewer {
  return { workspaceId: staff.workspace.id, userId: staff.user.id, role: staff.user.role };
}

/** not_found → 404 (also another workspace's or another doctor's item), forbidden → 403; anything else is rethrown. */
export function throwInboxAccessError(error: unknown): never {
  if (error instanceof InboxError && error.code === "not_found") notFound();
  if (error instanceof InboxError && error.code === "forbidden") throw data({ error: error.message }, { status: 403, statusText: "Forbidden" });
  throw error;
}
