// Consultorios: the workspace's practices, with their review link and alert phone.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listPractices } from "@rm/accounts";
import { reviewLinkFor } from "@rm/domain";
import { requireUser } from "../.server/auth.server.ts";
import { useMsg } from "../i18n.ts";
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
  const msg = useMsg();
  return (
    <>
      <div className="page-title">
        <h1>{msg("practices.title")}</h1>
        {canEdit ? (
          <Link className="button" to="/practices/new">
            {msg("practices.new")}
          </Link>
        ) : null}
      </div>
      {params.get("notice") === "saved" ? (
        <p className="notice" role="status">
          {msg("practices.saved")}
        </p>
      ) : null}
      {practices.length === 0 ? (
        <section className="card empty-state">
          <h2>{msg("practices.empty.title")}</h2>
          <p>
            {msg("practices.empty.text")}
          </p>
          {canEdit ? <Link to="/practices/new">{msg("practices.empty.add")}</Link> : null}
        </section>
      ) : (
        <table className="card stack">
          <thead>
            <tr>
              <th scope="col">{msg("practices.name")}</th>
              <th scope="col">{msg("practices.city")}</th>
              <th scope="col">{msg("practices.timezone")}</th>
              <th scope="col">{msg("practices.reviews")}</th>
              <th scope="col">{msg("practices.alerts")}</th>
            </tr>
          </thead>
          <tbody>
            {practices.map((p) => (
              <tr key={p.id}>
                <td data-label={msg("practices.name")}>
                  <Link to={`/practices/${p.id}`}>{p.name}</Link>
                </td>
                <td data-label={msg("practices.city")}>{p.city ?? "—"}</td>
                <td data-label={msg("practices.timezone")}>{p.timezone}</td>
                <td data-label={msg("practices.reviews")}>
                  {p.reviewLink ? (
                    <a href={p.reviewLink} target="_blank" rel="noreferrer noopener">
                      {msg("practices.openLink")}
                    </a>
                  ) : (
                    <span className="warning-text">{msg("practices.placeIdMissing")}</span>
                  )}
                </td>
                <td data-label={msg("practices.alerts")}>{p.staffAlertPhone ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
