// The inbox list's filters, read from a page's search params. Unknown values are refused with a
// clear message rather than silently widened to "everything".
import { z } from "zod";
import { InboxError, UUID } from "./viewer.ts";

import { SOURCES, STATUS_TABS, type InboxSource, type StatusTab } from "./constants.ts";

export { SOURCES, STATUS_TABS, type InboxSource, type StatusTab };

export interface InboxFilters {
  /** `open` (default) = NEW + IN_PROGRESS. */
  status: StatusTab;
  source: InboxSource | null;
  /** Only items from detractors (@rm/domain's band). */
  detractors: boolean;
  practiceId: string | null;
  /** Keyset cursor: items older than this one. */
  after: Cursor | null;
}

export interface Cursor {
  createdAt: string;
  id: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`, "utf8").toString("base64url");
}

export function decodeCursor(value: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return null;
  const [createdAt, id, ...rest] = Buffer.from(value, "base64url").toString("utf8").split("|");
  if (rest.length || !createdAt || !id || !CURSOR_TIME.test(createdAt) || !UUID.test(id)) return null;
  if (Number.isNaN(new Date(createdAt).getTime())) return null;
  return { createdAt, id };
}

const schema = z.object({
  status: z.enum(STATUS_TABS, { error: "Estado desconocido." }).default("open"),
  source: z.enum(SOURCES, { error: "Origen desconocido." }).nullable().default(null),
  detractors: z.enum(["1", "true", "on"], { error: "Valor de detractores desconocido." }).nullable().default(null),
  practice: z.string().regex(UUID, "Consultorio desconocido.").nullable().default(null),
  after: z.string().nullable().default(null),
});

/** Search params → filters; empty values mean "no filter"; anything else unknown throws InboxError("invalid"). */
export function parseInboxFilters(params: URLSearchParams | Record<string, string | null | undefined>): InboxFilters {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return v == null || v.trim() === "" ? undefined : v.trim();
  };
  const parsed = schema.safeParse({ status: get("status"), source: get("source"), detractors: get("detractors"), practice: get("practice"), after: get("after") });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InboxError("invalid", issue.message, String(issue.path[0] ?? ""));
  }
  const after = parsed.data.after ? decodeCursor(parsed.data.after) : null;
  if (parsed.data.after && !after) throw new InboxError("invalid", "Enlace de página no válido.", "after");
  return { status: parsed.data.status, source: parsed.data.source, detractors: parsed.data.detractors !== null, practiceId: parsed.data.practice, after };
}

/** The statuses a tab shows. */
export function statusesOf(tab: StatusTab): string[] {
  switch (tab) {
    case "open":
      return ["NEW", "IN_PROGRESS"];
    case "all":
      return ["NEW", "IN_PROGRESS", "RESOLVED"];
    default:
      return [tab];
  }
}
