// Consultorios: the workspace's practices, with their review link and alert phone.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import { reviewLinkFor } from "@rm/domain";
import { requireUser } from "../.server/auth.server.ts";
import { useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Consultorios · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, user } = await requireUser(request, context, { roles: ROLES.STAFF });
  const practices = await listPractices(em);
  return {
    canEdit: user.role === "OWNER",
    practices: practices.map((p) => ({
      id: p.id,
      name: p.name,
      city: p.city ?? null,
      timezone: p.timezone,
      reviewLink: reviewLinkFor(p),
      staffAlertPhone: p.staffAlertPhone ?? null,
    })),
  };
}

export default function PracticesPage() {
  const { practices, canEdit } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  return (
    <>
      <div className="page-title">
        <h1>{t("Consultorios", "Practices")}</h1>
        {canEdit ? (
          <Link className="button" to="/practices/new">
            {t("Nuevo consultorio", "New practice")}
          </Link>
        ) : null}
      </div>
      {params.get("notice") === "saved" ? (
        <p className="notice" role="status">
          {t("Consultorio guardado.", "Practice saved.")}
        </p>
      ) : null}
      {practices.length === 0 ? (
        <section className="card empty-state">
          <h2>{t("Aún no hay consultorios", "No practices yet")}</h2>
          <p>
            {t(
              "Cada campaña pertenece a un consultorio: su nombre, zona horaria y enlace de reseñas de Google.",
              "Every campaign belongs to a practice: its name, time zone and Google review link.",
            )}
          </p>
          {canEdit ? <Link to="/practices/new">{t("Agregar el primer consultorio", "Add the first practice")}</Link> : null}
        </section>
      ) : (
        <table className="card">
          <thead>
            <tr>
              <th scope="col">{t("Nombre", "Name")}</th>
              <th scope="col">{t("Ciudad", "City")}</th>
              <th scope="col">{t("Zona horaria", "Time zone")}</th>
              <th scope="col">{t("Reseñas de Google", "Google reviews")}</th>
              <th scope="col">{t("Alertas", "Alerts")}</th>
            </tr>
          </thead>
          <tbody>
            {practices.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/practices/${p.id}`}>{p.name}</Link>
                </td>
                <td>{p.city ?? "—"}</td>
                <td>{p.timezone}</td>
                <td>
                  {p.reviewLink ? (
                    <a href={p.reviewLink} target="_blank" rel="noreferrer noopener">
                      {t("Abrir enlace", "Open link")}
                    </a>
                  ) : (
                    <span className="warning-text">{t("Falta el Place ID", "Place ID missing")}</span>
                  )}
                </td>
                <td>{p.staffAlertPhone ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
