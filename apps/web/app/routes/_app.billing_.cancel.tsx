// Return page when the owner leaves Stripe Checkout without paying: nothing was charged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireUser } from "../.server/staff.server.ts";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Pago cancelado · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.OWNER });
  return null;
}

export default function BillingCancel() {
  const t = useT();
  return (
    <section className="card" aria-labelledby="cancel-title">
      <h1 id="cancel-title">{t("Pago cancelado", "Payment cancelled")}</h1>
      <p role="status">{t("No se realizó ningún cobro y su plan no cambió.", "Nothing was charged and your plan did not change.")}</p>
      <p>
        <Link to="/billing">{t("Volver a Facturación", "Back to Billing")}</Link>
      </p>
    </section>
  );
}
