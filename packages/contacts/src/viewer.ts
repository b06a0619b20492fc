import type { MessageCode } from "@rm/catalogue";
// Who looks at contacts (SPEC §3, §13): owners and receptionists see every contact of the workspace, a
// doctor only the contacts with an appointment of theirs (anything else answers 404, as another
// workspace's contact does). What each may change is decision 019.
export type ContactsRole = "OWNER" | "DOCTOR" | "RECEPTIONIST";

export interface ContactsViewer {
  workspaceId: string;
  userId: string;
  role: ContactsRole;
}

export class ContactsError extends Error {
  override name = "ContactsError";
  /** not_found: missing, another workspace's or not the doctor's; invalid: bad input; conflict: exists already; forbidden: role. */
  readonly code: "not_found" | "invalid" | "conflict" | "forbidden";
  readonly field: string | undefined;
  /** What staff read, from the catalogue (the route translates it). */
  readonly text: MessageCode;
  constructor(code: ContactsError["code"], text: MessageCode, field?: string) {
    super(text);
    this.code = code;
    this.text = text;
    this.field = field;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the viewer creates and deletes the workspace's labels (a setting: the owner). */
export function canManageLabels(viewer: ContactsViewer): boolean {
  return viewer.role === "OWNER";
}

/**
 * Whether the viewer changes a contact's consent, erases it or downloads its data: the owner, and a
 * doctor for their own patients (as on the campaign page); reception sees and labels, never these.
 */
export function canActOnPatientData(viewer: ContactsViewer): boolean {
  return viewer.role === "OWNER" || viewer.role === "DOCTOR";
}

/** The doctor scope on a contacts row aliased `alias`, with its parameters: nothing for owners and reception. */
export function contactScope(viewer: ContactsViewer, alias = "c"): { sql: string; params: unknown[] } {
  return viewer.role === "DOCTOR"
    ? { sql: ` and exists (select 1 from patients ps where ps.workspace_id = ${alias}.workspace_id and ps.contact_id = ${alias}.id and ps.doctor_id = ?)`, params: [viewer.userId] }
    : { sql: "", params: [] };
}

/** A timestamptz as text with microseconds (JS dates stop at milliseconds; keyset cursors must not). */
export const MICROS = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export interface Cursor {
  key: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.key}|${c.id}`, "utf8").toString("base64url");
}

/** A cursor that does not decode is no cursor (the first page), never an error page. */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 200) return null;
  const [key, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (!key || !id || !KEY.test(key) || !UUID.test(id) || Number.isNaN(new Date(key).getTime())) return null;
  return { key, id };
}
