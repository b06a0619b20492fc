// A workspace and its owner at once, without phone verification: for seeding and tests. The sign-up
// page verifies the owner's phone first (signup-verification.ts, decision 024) and tells no one
// whether an email has an account; this function does (email_taken), so no route may call it.
// One transaction: a failure anywhere leaves nothing behind.
import type { EntityManager } from "@mikro-orm/postgresql";
import { coded, formatCoded } from "@rm/catalogue";
import { ensureDefaultTemplates, hashPassword, Role, User, Workspace, workspaceEm } from "@rm/db";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import { emailField, nameField, parseOrThrow, passwordField } from "./validation.ts";

export const signUpSchema = z.object({
  workspaceName: nameField,
  name: nameField,
  email: emailField,
  password: passwordField,
});
export type SignUpInput = z.input<typeof signUpSchema>;

export interface SignUpOptions {
  /**
   * Starts the workspace's plan inside the sign-up transaction (grants FREE's credits and schedules
   * the monthly grant). The web app passes @rm/stripe-billing's `startFreePlan`.
   */
  startPlan: (em: EntityManager, workspaceId: string) => Promise<unknown>;
  ip?: string | null;
}

export interface SignUpResult {
  userId: string;
  workspaceId: string;
  sessionVersion: number;
}

const EMAIL_TAKEN_TEXT = coded("signup.emailTakenDirect");
/** The refusal's Spanish text (logs, the command line). */
export const EMAIL_TAKEN = formatCoded("es", EMAIL_TAKEN_TEXT);

export async function signUp(em: EntityManager, input: Record<string, unknown>, options: SignUpOptions): Promise<SignUpResult> {
  const data = parseOrThrow(signUpSchema, input);
  const passwordHash = await hashPassword(data.password);
  try {
    return await em.fork().transactional(async (tem) => {
      // Emails are unique across workspaces: the check needs every tenant (the unique index is the backstop).
      const taken = await tem.count(User, { email: data.email }, { filters: { workspace: false } });
      if (taken > 0) throw new AccountsError("email_taken", EMAIL_TAKEN_TEXT, "email");
      const workspace = tem.create(Workspace, { name: data.workspaceName });
      const owner = tem.create(User, { workspace, email: data.email, passwordHash, name: data.name, role: Role.OWNER });
      await tem.flush();
      const scoped = workspaceEm(tem as EntityManager, workspace.id);
      await ensureDefaultTemplates(scoped, workspace);
      recordAudit(scoped, {
        workspaceId: workspace.id,
        actorId: owner.id,
        action: "workspace.created",
        entityType: "workspace",
        entityId: workspace.id,
        ip: options.ip ?? null,
        details: { name: workspace.name },
      });
      await scoped.flush();
      await options.startPlan(tem as EntityManager, workspace.id);
      return { userId: owner.id, workspaceId: workspace.id, sessionVersion: owner.sessionVersion };
    });
  } catch (err) {
    // Two sign-ups racing for one email: the unique index decides, the loser gets the same message.
    if (err instanceof Error && /users_email_unique/.test(err.message)) {
      throw new AccountsError("email_taken", EMAIL_TAKEN_TEXT, "email");
    }
    throw err;
  }
}
