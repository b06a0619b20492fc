// Two tenants with owners, a receptionist and a doctor, a practice and default templates — built
// through the real ORM, for route-level tenancy and role tests.
import { randomBytes } from "node:crypto";
import { ensureDefaultTemplates, hashPassword, initOrm, Practice, Template, User, Workspace, workspaceEm, type Plan } from "@rm/db";

export interface TenantUser {
  email: string;
  password: string;
  id: string;
}

export interface Tenant {
  workspaceId: string;
  owner: TenantUser;
  doctor: TenantUser;
  receptionist: TenantUser;
  practiceId: string;
  templateId: string;
}

/** The names a tenant's workspace, practice and people get; by default they are made from the label. */
export interface TenantNames {
  workspace?: string;
  practice?: string;
  owner?: string;
  doctor?: string;
  receptionist?: string;
}

/**
 * Names a real practice would have, for tests whose pages become README pictures (a picture must
 * not show "Clínica campanas" or "RECEPTIONIST api").
 */
export const CLINIC_NAMES = {
  workspace: "Clínica Dental Sonrisa",
  practice: "Consultorio Centro",
  owner: "Lucía Paredes",
  doctor: "Dra. Silvia Andrade",
  receptionist: "Andrea Vásquez",
} as const satisfies Required<TenantNames>;

export async function createTenant(databaseUrl: string, label: string, plan: Plan = "STARTER", names: TenantNames = {}): Promise<Tenant> {
  const orm = await initOrm({ databaseUrl, poolMax: 2 });
  const run = randomBytes(4).toString("hex");
  const password = `clave-${label}-${run}`;
  const passwordHash = await hashPassword(password);
  try {
    const em = orm.em.fork();
    const workspace = em.create(Workspace, { name: names.workspace ?? `Clínica ${label}`, plan });
    const nameOf = { OWNER: names.owner, DOCTOR: names.doctor, RECEPTIONIST: names.receptionist };
    const mk = (role: "OWNER" | "DOCTOR" | "RECEPTIONIST") =>
      em.create(User, { workspace, email: `${role.toLowerCase()}.${label}.${run}@example.ec`, passwordHash, name: nameOf[role] ?? `${role} ${label}`, role });
    const owner = mk("OWNER");
    const doctor = mk("DOCTOR");
    const receptionist = mk("RECEPTIONIST");
    const practice = em.create(Practice, { workspace, name: names.practice ?? `Consultorio ${label}`, googlePlaceId: "ChIJ-test-place-123" });
    await em.flush();
    const scoped = workspaceEm(em, workspace.id);
    await ensureDefaultTemplates(scoped, workspace);
    await scoped.flush();
    const template = await scoped.findOneOrFail(Template, { type: "INITIAL" });
    const u = (x: User): TenantUser => ({ email: x.email, password, id: x.id });
    return { workspaceId: workspace.id, owner: u(owner), doctor: u(doctor), receptionist: u(receptionist), practiceId: practice.id, templateId: template.id };
  } finally {
    await orm.close(true);
  }
}
