// Campaigns: placeholder until the section is built; the navigation already links it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireUser } from "../.server/auth.server.ts";
import { ComingSoon } from "../components/coming-soon.tsx";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Campañas · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.ALL });
  return null;
}

export default function Placeholder() {
  const t = useT();
  return (
    <ComingSoon
      title={t("Campañas", "Campaigns")}
      description={t(
        "Aquí verá sus campañas, podrá subir un CSV de citas y enviar una solicitud a un paciente. Esta sección llega pronto.",
        "Here you will see your campaigns, upload an appointments CSV and send a request to one patient. This section is coming soon.",
      )}
    />
  );
}
