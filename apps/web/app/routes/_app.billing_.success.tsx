// Return page after a paid Stripe Checkout. The plan changes when Stripe's webhook has been applied
// (usually within seconds), so this page says so instead of pretending it already happened.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireUser } from "../.server/staff.server.ts";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Pago recibido · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  return { plan: workspace.plan, applied: workspace.plan !== "FREE" && Boolean(workspace.stripeSubscriptionId) };
}

const PLAN_CODES = { FREE: "billing.plan.FREE", STARTER: "billing.plan.STARTER", PROFESSIONAL: "billing.plan.PROFESSIONAL", ENTERPRISE: "billing.plan.ENTERPRISE" } as const;

export default function BillingSuccess() {
  const { plan, applied } = useLoaderData<typeof loader>();
  const msg = useMsg();
  const planName = plan in PLAN_CODES ? msg(PLAN_CODES[plan as keyof typeof PLAN_CODES]) : plan;
  const revalidator = useRevalidator();
  useEffect(() => {
    if (applied) return;
    // Poll briefly until the worker has applied the subscription.
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [applied, revalidator]);
  return (
    <section className="card" aria-labelledby="success-title">
      <h1 id="success-title">{msg("billing.success.title")}</h1>
      {applied ? (
        <p role="status">{msg("billing.success.applied", { plan: planName })}</p>
      ) : (
        <p role="status">{msg("billing.success.activating")}</p>
      )}
      <p>
        <Link to="/billing">{msg("billing.back")}</Link>
      </p>
    </section>
  );
}
