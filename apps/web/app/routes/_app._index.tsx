// Inicio: the workspace at a glance and the next step (first practice, templates, users).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { getCreditBalance, Practice } from "@rm/db";
import { requireUser } from "../.server/auth.server.ts";
import { useT } from "../i18n.ts";

export const meta: MetaFunction = () => [{ title: "Inicio · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, workspace, em } = await requireUser(request, context);
  const practices = await em.count(Practice, {});
  const balance = await getCreditBalance(em, workspace.id);
  return {
    user: { name: user.name, email: user.email, role: user.role },
    workspace: { name: workspace.name, plan: workspace.plan },
    practices,
    credits: balance.available,
  };
}

export default function Dashboard() {
  const { user, workspace, practices, credits } = useLoaderData<typeof loader>();
  const t = useT();
  const [params] = useSearchParams();
  return (
    <>
      <h1>
        {t("Hola", "Hello")}, {user.name}
      </h1>
      {params.get("notice") === "joined" ? (
        <p className="notice" role="status">
          {t(`Bienvenido a ${workspace.name}.`, `Welcome to ${workspace.name}.`)}
        </p>
      ) : null}
      <div className="grid">
        <section className="card" aria-labelledby="credits-title">
          <h2 id="credits-title">{t("Créditos disponibles", "Available credits")}</h2>
          <p className="big-number" data-testid="credits">
            {credits}
          </p>
          <p className="muted">
            {t("Plan", "Plan")} {workspace.plan}. {t("Un crédito = un segmento SMS o un mensaje de WhatsApp.", "One credit = one SMS segment or one WhatsApp message.")}
          </p>
        </section>
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">{t("Próximos pasos", "Next steps")}</h2>
          {practices === 0 ? (
            <p>
              {t("Aún no tiene consultorios.", "You have no practices yet.")}{" "}
              {user.role === "OWNER" ? <Link to="/practices/new">{t("Agregue el primero", "Add the first one")}</Link> : null}
            </p>
          ) : (
            <ul>
              <li>
                <Link to="/campaigns">{t("Ver campañas", "See campaigns")}</Link>
              </li>
              <li>
                <Link to="/templates">{t("Revisar las plantillas de mensajes", "Review message templates")}</Link>
              </li>
            </ul>
          )}
        </section>
      </div>
    </>
  );
}
