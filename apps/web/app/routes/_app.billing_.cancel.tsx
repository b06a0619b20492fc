// Return page when the owner leaves Stripe Checkout without paying: nothing was charged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireUser } from "../.server/staff.server.ts";
import { useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Pago cancelado · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.OWNER });
  return null;
}

export default function BillingCancel() {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="cancel-title">
      <h1 id="cancel-title">{msg("billing.cancel.title")}</h1>
      <p role="status">{msg("billing.cancel.nothingCharged")}</p>
      <p>
        <Link to="/billing">{msg("billing.back")}</Link>
      </p>
    </section>
  );
}
