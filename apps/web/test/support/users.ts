// Test data through the real ORM: a workspace and a user who can sign in.
import { hashPassword, initOrm, User, Workspace } from "@rm/db";

export interface TestUser {
  email: string;
  password: string;
  name: string;
  workspaceName: string;
}

export async function createUser(databaseUrl: string, user: TestUser): Promise<void> {
  const orm = await initOrm({ databaseUrl });
  try {
    const em = orm.em.fork();
    const workspace = em.create(Workspace, { name: user.workspaceName });
    em.create(User, {
      workspace,
      email: user.email.toLowerCase(),
      passwordHash: await hashPassword(user.password),
      name: user.name,
      role: "OWNER",
    });
    await em.flush();
  } finally {
    await orm.close(true);
  }
}
