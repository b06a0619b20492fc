// Analytics: placeholder until the section is built; the navigation already links it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireUser } from "../.server/auth.server.ts";
import { ComingSoon } from "../components/coming-soon.tsx";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Analítica · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.STAFF });
  return null;
}

export default function Placeholder() {
  const t = useT();
  return (
    <ComingSoon
      title={t("Analítica", "Analytics")}
      description={t(
        "Aquí verá NPS, tasa de respuesta, entregas y clics a reseñas. Esta sección llega pronto.",
        "NPS, response rate, delivery and review clicks will be shown here. This section is coming soon.",
      )}
    />
  );
}
