// Inbox: placeholder until the section is built; the navigation already links it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireUser } from "../.server/auth.server.ts";
import { ComingSoon } from "../components/coming-soon.tsx";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Bandeja · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context, { roles: ROLES.STAFF });
  return null;
}

export default function Placeholder() {
  const t = useT();
  return (
    <ComingSoon
      title={t("Bandeja", "Inbox")}
      description={t(
        "Aquí llegarán los comentarios privados, las respuestas sin calificación y las calificaciones bajas. Esta sección llega pronto.",
        "Private feedback, unparsed replies and low ratings will arrive here. This section is coming soon.",
      )}
    />
  );
}
