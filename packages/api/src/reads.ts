// GET /practices, /doctors, /messages, /ratings (SPEC §15): a read model over other packages' tables
// (listed in ARCHITECTURE.md's ownership table), workspace-scoped, keyset-paged newest first.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { ApiProblem } from "./problem.ts";

export interface ListOptions {
  since?: string | undefined;
  practice_id?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

const iso = (d: Date | string | null): string | null => (d == null ? null : new Date(d).toISOString());

/** Cursor: base64url of "<ISO time>|<uuid>" of the last item of the page. */
function decodeCursor(cursor: string | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const when = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(when.getTime())) throw new ApiProblem("validation_failed", "Invalid cursor.", [{ path: "cursor", message: "not a cursor of this API" }]);
  return { at: when, id };
}
const encodeCursor = (at: Date | string, id: string): string => Buffer.from(`${new Date(at).toISOString()}|${id}`).toString("base64url");

export async function apiPractices(em: EntityManager, workspaceId: string) {
  const rows = await scopedQuery<{ id: string; name: string; timezone: string | null }>(em, workspaceId, "select id, name, timezone from practices where workspace_id = ? order by name, id", []);
  return { data: rows.map((r) => ({ id: r.id, name: r.name, timezone: r.timezone })) };
}

export async function apiDoctors(em: EntityManager, workspaceId: string) {
  const rows = await scopedQuery<{ id: string; name: string; role: "OWNER" | "DOCTOR" }>(
    em,
    workspaceId,
    "select id, name, role from users where workspace_id = ? and role in ('OWNER', 'DOCTOR') order by name, id",
    [],
  );
  return { data: rows.map((r) => ({ id: r.id, name: r.name, role: r.role })) };
}

export async function apiMessages(em: EntityManager, workspaceId: string, o: ListOptions) {
  const after = decodeCursor(o.cursor);
  const rows = await scopedQuery<{ id: string; type: string; channel: "SMS" | "WHATSAPP"; status: string; practice_id: string; doctor_id: string | null; external_id: string | null; error_code: number | null; created_at: Date; sent_at: Date | null }>(
    em,
    workspaceId,
    `select m.id, m.type, m.channel, m.status, c.practice_id, p.doctor_id, a.external_id, m.error_code, m.created_at, m.sent_at
       from messages m
       join patients p on p.id = m.patient_id
       join campaigns c on c.id = p.campaign_id
       left join api_appointments a on a.workspace_id = m.workspace_id and a.patient_id = p.id
      where m.workspace_id = ?
        and (?::timestamptz is null or m.created_at >= ?::timestamptz)
        and (?::uuid is null or c.practice_id = ?::uuid)
        and (?::timestamptz is null or (m.created_at, m.id) < (?::timestamptz, ?::uuid))
      order by m.created_at desc, m.id desc
      limit ?`,
    [o.since ?? null, o.since ?? null, o.practice_id ?? null, o.practice_id ?? null, after?.at ?? null, after?.at ?? null, after?.id ?? null, o.limit + 1],
  );
  const page = rows.slice(0, o.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      type: r.type,
      channel: r.channel,
      status: r.status,
      practice_id: r.practice_id,
      doctor_id: r.doctor_id,
      external_id: r.external_id,
      error_code: r.error_code == null ? null : Number(r.error_code),
      created_at: iso(r.created_at)!,
      sent_at: iso(r.sent_at),
    })),
    next_cursor: rows.length > o.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

export async function apiRatings(em: EntityManager, workspaceId: string, o: ListOptions) {
  const after = decodeCursor(o.cursor);
  const rows = await scopedQuery<{ id: string; rating: number; rated_at: Date; practice_id: string; doctor_id: string | null; external_id: string | null; appointment_at: Date }>(
    em,
    workspaceId,
    `select p.id, p.rating, p.rated_at, c.practice_id, p.doctor_id, a.external_id, p.appointment_at
       from patients p
       join campaigns c on c.id = p.campaign_id
       left join api_appointments a on a.workspace_id = p.workspace_id and a.patient_id = p.id
      where p.workspace_id = ? and p.rating is not null and p.rated_at is not null
        and (?::timestamptz is null or p.rated_at >= ?::timestamptz)
        and (?::uuid is null or c.practice_id = ?::uuid)
        and (?::timestamptz is null or (p.rated_at, p.id) < (?::timestamptz, ?::uuid))
      order by p.rated_at desc, p.id desc
      limit ?`,
    [o.since ?? null, o.since ?? null, o.practice_id ?? null, o.practice_id ?? null, after?.at ?? null, after?.at ?? null, after?.id ?? null, o.limit + 1],
  );
  const page = rows.slice(0, o.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({ patient_id: r.id, rating: Number(r.rating), rated_at: iso(r.rated_at)!, practice_id: r.practice_id, doctor_id: r.doctor_id, external_id: r.external_id, appointment_at: iso(r.appointment_at)! })),
    next_cursor: rows.length > o.limit && last ? encodeCursor(last.rated_at, last.id) : null,
  };
}
