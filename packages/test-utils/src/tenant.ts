// A tenant for tests that need one workspace with its owner and a practice and nothing else.
import { type EntityManager, type MikroORM, Plan, Practice, Role, User, Workspace, workspaceEm } from "@rm/db";

let counter = 0;

/** A workspace with an owner and a practice, written through its own scoped EntityManager. */
export async function makeTenant(orm: MikroORM, opts: { plan?: Plan; name?: string } = {}) {
  const n = ++counter;
  const root = orm.em.fork();
  const ws = root.create(Workspace, { name: opts.name ?? `Tenant ${n}`, plan: opts.plan ?? Plan.STARTER });
  await root.flush();
  const em: EntityManager = workspaceEm(orm.em, ws.id);
  const owner = em.create(User, {
    workspace: ws.id,
    email: `owner${n}-${ws.id.slice(0, 8)}@example.com`,
    name: `Owner ${n}`,
    role: Role.OWNER,
    passwordHash: "x",
  });
  const practice = em.create(Practice, { workspace: ws.id, name: `Practice ${n}`, googlePlaceId: `place-${n}` });
  await em.flush();
  return { workspaceId: ws.id, ownerId: owner.id, practiceId: practice.id };
}
