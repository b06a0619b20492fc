// The billing columns of a workspace (plan, Stripe customer and subscription, past-due since), as
// @rm/stripe-billing reads and changes them while applying Stripe events. Every statement runs in the
// caller's transaction; the locks are the row lock plan changes take (`for no key update`).
import type { EntityManager } from "@mikro-orm/postgresql";

export interface WorkspaceBillingRow {
  id: string;
  plan: string;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  past_due_at: Date | null;
}

const BILLING_COLUMNS = "id, plan, stripe_customer_id, stripe_subscription_id, past_due_at";

/** The workspace with this id, Stripe subscription or Stripe customer, locked; undefined when none. */
export async function lockWorkspaceBilling(
  em: EntityManager,
  by: { id: string } | { stripeSubscriptionId: string } | { stripeCustomerId: string },
): Promise<WorkspaceBillingRow | undefined> {
  const [column, value] =
    "id" in by ? ["id", by.id] : "stripeSubscriptionId" in by ? ["stripe_subscription_id", by.stripeSubscriptionId] : ["stripe_customer_id", by.stripeCustomerId];
  const rows = await em.execute<WorkspaceBillingRow[]>(`select ${BILLING_COLUMNS} from workspaces where ${column} = ? for no key update`, [value]);
  return rows[0];
}

/** The plan of a workspace under its plan-change lock, or null when it does not exist. */
export async function lockWorkspacePlan(em: EntityManager, workspaceId: string): Promise<string | null> {
  const rows = await em.execute<{ plan: string }[]>("select plan from workspaces where id = ? for no key update", [workspaceId]);
  return rows[0]?.plan ?? null;
}

/** The billing columns for the billing page (no lock). */
export async function workspaceBilling(em: EntityManager, workspaceId: string): Promise<WorkspaceBillingRow | undefined> {
  const rows = await em.execute<WorkspaceBillingRow[]>(`select ${BILLING_COLUMNS} from workspaces where id = ?`, [workspaceId]);
  return rows[0];
}

/** Another workspace already linked to this Stripe customer, or null. */
export async function otherWorkspaceOfStripeCustomer(em: EntityManager, customerId: string, workspaceId: string): Promise<string | null> {
  const rows = await em.execute<{ id: string }[]>("select id from workspaces where stripe_customer_id = ? and id <> ?", [customerId, workspaceId]);
  return rows[0]?.id ?? null;
}

export async function setStripeCustomer(em: EntityManager, workspaceId: string, customerId: string): Promise<void> {
  await em.execute("update workspaces set stripe_customer_id = ?, updated_at = now() where id = ?", [customerId, workspaceId], "run");
}

export async function setStripeSubscription(em: EntityManager, workspaceId: string, subscriptionId: string): Promise<void> {
  await em.execute("update workspaces set stripe_subscription_id = ?, updated_at = now() where id = ?", [subscriptionId, workspaceId], "run");
}

/**
 * A paid plan: in good standing (past-due cleared), or past due (the earliest failure of the run
 * keeps its time; otherwise from now).
 */
export async function setPaidPlan(em: EntityManager, workspaceId: string, plan: string, standing: "paid" | "past-due"): Promise<void> {
  const sql =
    standing === "paid"
      ? "update workspaces set plan = ?, past_due_at = null, updated_at = now() where id = ?"
      : "update workspaces set plan = ?, past_due_at = coalesce(past_due_at, now()), updated_at = now() where id = ?";
  await em.execute(sql, [plan, workspaceId], "run");
}

/** A failed payment: past due since `at`, unless it already was. */
export async function markPastDue(em: EntityManager, workspaceId: string, at: Date): Promise<void> {
  await em.execute("update workspaces set past_due_at = coalesce(past_due_at, ?), updated_at = now() where id = ?", [at, workspaceId], "run");
}

/** The subscription ended: back to FREE, no subscription, nothing past due. */
export async function endPaidPlan(em: EntityManager, workspaceId: string): Promise<void> {
  await em.execute("update workspaces set plan = 'FREE', stripe_subscription_id = null, past_due_at = null, updated_at = now() where id = ?", [workspaceId], "run");
}
