// Keyset cursors: the sort key of the last row of a page, opaque in the URL. The time is carried as
// PostgreSQL wrote it (microseconds, which a JS Date would round away and so skip rows). A cursor
// that does not decode is treated as no cursor (the first page), never as an error page.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL for a timestamptz column as a cursor key (UTC, microseconds). */
export function cursorKeySql(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

export interface Cursor {
  /** UTC time with microseconds, as cursorKeySql writes it. */
  key: string;
  id: string;
}

export function encodeCursor(key: string, id: string): string {
  return Buffer.from(`${key}|${id}`, "utf8").toString("base64url");
}

export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 200) return null;
  const [key, id] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (!key || !id || !KEY.test(key) || !UUID.test(id) || Number.isNaN(new Date(key).getTime())) return null;
  return { key, id };
}
