// Return page after a paid Stripe Checkout. The plan changes when Stripe's webhook has been applied
// (usually within seconds), so this page says so instead of pretending it already happened.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireUser } from "../.server/staff.server.ts";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Pago recibido · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { workspace } = await requireUser(request, context, { roles: ROLES.OWNER });
  return { plan: workspace.plan, applied: workspace.plan !== "FREE" && Boolean(workspace.stripeSubscriptionId) };
}

const PLAN_NAMES: Record<string, string> = { FREE: "Gratis", STARTER: "Starter", PROFESSIONAL: "Professional", ENTERPRISE: "Enterprise" };

export default function BillingSuccess() {
  const { plan, applied } = useLoaderData<typeof loader>();
  const t = useT();
  const revalidator = useRevalidator();
  useEffect(() => {
    if (applied) return;
    // Poll briefly until the worker has applied the subscription.
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [applied, revalidator]);
  return (
    <section className="card" aria-labelledby="success-title">
      <h1 id="success-title">{t("¡Gracias! Recibimos su pago", "Thank you! We received your payment")}</h1>
      {applied ? (
        <p role="status">{t(`Su plan ahora es ${PLAN_NAMES[plan] ?? plan}. Los créditos del período ya están disponibles.`, `Your plan is now ${PLAN_NAMES[plan] ?? plan}. This period's credits are available.`)}</p>
      ) : (
        <p role="status">{t("Estamos activando su plan; esto suele tardar unos segundos.", "We are activating your plan; this usually takes a few seconds.")}</p>
      )}
      <p>
        <Link to="/billing">{t("Volver a Facturación", "Back to Billing")}</Link>
      </p>
    </section>
  );
}
