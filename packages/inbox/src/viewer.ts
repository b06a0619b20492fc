// Who looks at the inbox: the workspace, the user, and whether the user sees every item (OWNER) or
// only those of the campaigns assigned to them (DOCTOR). Receptionists have no inbox (SPEC §3).
import type { Role } from "@rm/db";

export interface InboxViewer {
  workspaceId: string;
  userId: string;
  role: Role;
}

export class InboxError extends Error {
  override name = "InboxError";
  /** not_found: missing, another workspace's or outside a doctor's campaigns; invalid: bad input; conflict: changed meanwhile; forbidden: role. */
  readonly code: "not_found" | "invalid" | "conflict" | "forbidden";
  readonly field: string | undefined;
  constructor(code: InboxError["code"], message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Throws unless the viewer's role has an inbox. */
export function assertInboxRole(viewer: InboxViewer): void {
  if (viewer.role !== "OWNER" && viewer.role !== "DOCTOR") throw new InboxError("forbidden", "No tiene permiso para ver la bandeja.");
}

/**
 * The doctor scope as SQL on the appointment's doctor (`column`, the patient's `doctor_id`: the file's
 * doctor column, else the campaign's doctor, written at import): nothing for an owner, their own
 * appointments for a doctor. Returned with its parameters so callers append both in order.
 */
export function doctorScope(viewer: InboxViewer, column = "p.doctor_id"): { sql: string; params: unknown[] } {
  assertInboxRole(viewer);
  return viewer.role === "DOCTOR" ? { sql: ` and ${column} = ?`, params: [viewer.userId] } : { sql: "", params: [] };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A timestamptz as text with microseconds (JS dates stop at milliseconds; keyset cursors and versions must not). */
export const MICROS = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
