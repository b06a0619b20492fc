// The workspace's own rows as the staff pages list and open them. Every function takes an
// EntityManager scoped to the staff member's workspace (workspaceEm): another tenant's id is simply
// not found, and an id that is not a UUID is not looked up at all (a 404, never a 500).
import type { EntityManager } from "@mikro-orm/postgresql";
import { Invitation, Practice, Template, TemplateType, User } from "@rm/db";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace's practices by name. */
export function listPractices(em: EntityManager): Promise<Practice[]> {
  return em.find(Practice, {}, { orderBy: { name: "asc" } });
}

export async function findPractice(em: EntityManager, id: string | undefined): Promise<Practice | null> {
  return id && UUID.test(id) ? em.findOne(Practice, { id }) : null;
}

/** The workspace's templates in the order of the flow (initial, reminder, follow-ups…), then by age. */
export async function listTemplates(em: EntityManager): Promise<Template[]> {
  const templates = await em.find(Template, {}, { orderBy: { createdAt: "asc" } });
  const order: string[] = Object.values(TemplateType);
  return templates.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

export async function findTemplate(em: EntityManager, id: string | undefined): Promise<Template | null> {
  return id && UUID.test(id) ? em.findOne(Template, { id }) : null;
}

/** The workspace's users, oldest first (the users page) or by name (filters). */
export function listUsers(em: EntityManager, order: "createdAt" | "name" = "createdAt"): Promise<User[]> {
  return em.find(User, {}, { orderBy: { [order]: "asc" } });
}

/** Doctors (id and name), for the analytics filter. */
export function listDoctors(em: EntityManager): Promise<Pick<User, "id" | "name">[]> {
  return em.find(User, { role: "DOCTOR" }, { orderBy: { name: "asc" }, fields: ["id", "name"] });
}

/** Invitations still open at `now` (not accepted, revoked or expired), newest first. */
export function listOpenInvitations(em: EntityManager, now: Date): Promise<Invitation[]> {
  return em.find(Invitation, { acceptedAt: null, revokedAt: null, expiresAt: { $gt: now } }, { orderBy: { createdAt: "desc" } });
}

export async function findUser(em: EntityManager, id: string | undefined): Promise<User | null> {
  return id && UUID.test(id) ? em.findOne(User, { id }) : null;
}

export async function findInvitationById(em: EntityManager, id: string | undefined): Promise<Invitation | null> {
  return id && UUID.test(id) ? em.findOne(Invitation, { id }) : null;
}

/** A workspace's plan by id (the web tier's request limits, outside any workspace scope), or null. */
export async function workspacePlan(em: EntityManager, workspaceId: string): Promise<string | null> {
  if (!UUID.test(workspaceId)) return null;
  const rows = await em.execute<{ plan: string }[]>("select plan from workspaces where id = ?", [workspaceId]);
  return rows[0]?.plan ?? null;
}
