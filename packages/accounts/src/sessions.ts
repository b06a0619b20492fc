// Server-side staff sessions (SPEC §17). The cookie carries a random session id; the row keyed by
// its sha256 is the session. A request is signed in only while the row exists, the user's
// sessionVersion is the one the row was started with, the last request was within the idle timeout
// and sign-in within the absolute timeout. Logout deletes the row, so a copied cookie dies with it.
import type { EntityManager } from "@mikro-orm/postgresql";
import { StaffSession, type User } from "@rm/db";
import { hashToken, newToken } from "./tokens.ts";

export interface SessionPolicy {
  /** A session ends after this long without an authenticated request. */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in, however active. */
  absoluteTimeoutMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 12 * 60 * 60 * 1000,
  absoluteTimeoutMs: 7 * 24 * 60 * 60 * 1000,
};

/** last_seen_at is written at most this often per session: the idle check needs no write per request. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** Session ids have the shape of newToken(); anything else never reaches the database. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface StartedSession {
  /** Goes into the (signed, httpOnly) cookie; only its hash is stored. */
  sessionId: string;
}

/**
 * Starts a session for a user who just proved who they are. `em` may be any EntityManager (sign-in
 * happens before a workspace scope exists); the user's ended sessions are cleared on the way.
 */
export async function startStaffSession(
  em: EntityManager,
  user: { userId: string; workspaceId: string; sessionVersion: number },
  { now = new Date(), policy = DEFAULT_SESSION_POLICY }: { now?: Date; policy?: SessionPolicy } = {},
): Promise<StartedSession> {
  const sessionId = newToken();
  await em.execute(
    "insert into staff_sessions (id, workspace_id, user_id, session_version, created_at, last_seen_at) values (?, ?, ?, ?, ?, ?)",
    [hashToken(sessionId), user.workspaceId, user.userId, user.sessionVersion, now, now],
  );
  await deleteEndedSessions(em, user.userId, now, policy);
  return { sessionId };
}

/** Rows of `userId` that can never sign anyone in again (timed out or of an older sessionVersion). */
async function deleteEndedSessions(em: EntityManager, userId: string, now: Date, policy: SessionPolicy): Promise<void> {
  await em.execute(
    `delete from staff_sessions s using users u
      where s.user_id = ? and u.id = s.user_id
        and (s.session_version <> u.session_version or s.last_seen_at < ? or s.created_at < ?)`,
    [userId, new Date(now.getTime() - policy.idleTimeoutMs), new Date(now.getTime() - policy.absoluteTimeoutMs)],
  );
}

/**
 * The live session for a cookie's session id, with its user and workspace populated, or null (and
 * the row deleted) when it ended. `em` is scoped to the cookie's workspace (workspaceEm), so a row
 * of another workspace is never found. Updates last_seen_at when it is older than a minute.
 */
export async function findStaffSession(
  em: EntityManager,
  sessionId: unknown,
  { now = new Date(), policy = DEFAULT_SESSION_POLICY }: { now?: Date; policy?: SessionPolicy } = {},
): Promise<StaffSession | null> {
  if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) return null;
  const id = hashToken(sessionId);
  const session = await em.findOne(StaffSession, { id }, { populate: ["user", "user.workspace"] });
  if (!session) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime();
  const age = now.getTime() - session.createdAt.getTime();
  if (session.sessionVersion !== session.user.sessionVersion || idle > policy.idleTimeoutMs || age > policy.absoluteTimeoutMs) {
    await em.execute("delete from staff_sessions where id = ?", [id]);
    return null;
  }
  if (idle >= SESSION_TOUCH_INTERVAL_MS) {
    await em.execute("update staff_sessions set last_seen_at = ? where id = ?", [now, id]);
    session.lastSeenAt = now;
  }
  return session;
}

/** Logout: the session ends on the server (a replayed copy of the cookie is refused). */
export async function endStaffSession(em: EntityManager, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) return;
  await em.execute("delete from staff_sessions where id = ?", [hashToken(sessionId)]);
}

/**
 * Ends every session of a user except `keep` (a session id), which moves to the user's current
 * sessionVersion. Called in the transaction that bumps the version (users.ts).
 */
export async function endUserSessions(em: EntityManager, user: User, keep?: string | null): Promise<void> {
  const kept = keep && SESSION_ID.test(keep) ? hashToken(keep) : null;
  await em.execute("delete from staff_sessions where user_id = ? and id is distinct from ?", [user.id, kept]);
  if (kept) await em.execute("update staff_sessions set session_version = ? where id = ? and user_id = ?", [user.sessionVersion, kept, user.id]);
}
