// The contacts pages' glue: who is looking (for @rm/contacts), and its errors as HTTP answers.
import { data } from "@remix-run/node";
import { ContactsError, type ContactsViewer } from "@rm/contacts";
import { notFound, type StaffContext } from "./auth.server.ts";

export function contactsViewerOf(staff: StaffContext): ContactsViewer {
  return { workspaceId: staff.workspace.id, userId: staff.user.id, role: staff.user.role };
}

/** not_found → 404 (another workspace's contact, or not the doctor's), forbidden → 403; anything else is rethrown. */
export function throwContactsAccessError(error: unknown): never {
  if (error instanceof ContactsError && error.code === "not_found") notFound();
  if (error instanceof ContactsError && error.code === "forbidden") throw data({ error: "No tiene permiso para esta acción." }, { status: 403, statusText: "Forbidden" });
  throw error;
}

/** A contact error the form shows (bad input, a name taken), or null for one that is an HTTP answer. */
export function contactsFormError(error: unknown): { code: string; text: ContactsError["text"]; field: string | null } | null {
  if (error instanceof ContactsError && (error.code === "invalid" || error.code === "conflict")) return { code: error.code, text: error.text, field: error.field ?? null };
  return null;
}
