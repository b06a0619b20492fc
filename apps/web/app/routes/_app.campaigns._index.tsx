// Campañas: every campaign of the workspace (a doctor: those assigned to them), newest first, with
// counts from SQL aggregates, filters by status and practice, keyset pages. Owners and doctors open a
// campaign's page; receptionists see the list only (SPEC §3). Everyone may start a new one.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listCampaigns, listLinksToDetail, listPracticeOptions, parseCampaignListFilters } from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { CAMPAIGN_STATUSES } from "@rm/campaigns/filters";
import { requireUser } from "../.server/staff.server.ts";
import { CampaignStatusBadge, campaignStatusLabel } from "../components/campaign-status.tsx";
import { formatDateTime, useLocale, useT } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Campañas · Reputation Manager" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { em, user, workspace } = await requireUser(request, context, { roles: ROLES.ALL });
  const filters = parseCampaignListFilters(new URL(request.url).searchParams);
  const viewer = { userId: user.id, role: user.role };
  const [page, practices] = await Promise.all([listCampaigns(em, workspace.id, viewer, filters), listPracticeOptions(em, workspace.id)]);
  return {
    timezone: workspace.timezone,
    linksToDetail: listLinksToDetail(viewer),
    isDoctor: user.role === "DOCTOR",
    practices,
    filters: { status: filters.status ?? "", practice: filters.practiceId ?? "" },
    paged: Boolean(filters.cursor),
    rows: page.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

export default function CampaignsPage() {
  const { rows, practices, filters, nextCursor, timezone, linksToDetail, isDoctor, paged } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  const filtered = filters.status !== "" || filters.practice !== "";
  return (
    <>
      <div className="page-title">
        <h1>{t("Campañas", "Campaigns")}</h1>
        <div className="buttons">
          <Link className="button" to="/campaigns/new">
            {t("Nueva campaña", "New campaign")}
          </Link>
          <Link className="button secondary" to="/campaigns/send">
            {t("Enviar a un paciente", "Send to one patient")}
          </Link>
        </div>
      </div>
      {params.get("notice") === "confirmed" ? (
        <p className="notice" role="status">
          {t("Campaña confirmada: los mensajes saldrán a la hora programada.", "Campaign confirmed: the messages will go out at their scheduled time.")}
        </p>
      ) : null}
      {isDoctor ? <p className="muted">{t("Se muestran las campañas asignadas a usted.", "Showing the campaigns assigned to you.")}</p> : null}
      {/* Keyed by the filters: after a client-side navigation the fields show the filters in force. */}
      <Form key={`${filters.status}|${filters.practice}`} method="get" className="card filters" aria-label={t("Filtros", "Filters")}>
        <div className="field">
          <label htmlFor="f-status">{t("Estado", "Status")}</label>
          <select id="f-status" name="status" defaultValue={filters.status}>
            <option value="">{t("Todos", "All")}</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {campaignStatusLabel(s, t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-practice">{t("Consultorio", "Practice")}</label>
          <select id="f-practice" name="practice" defaultValue={filters.practice}>
            <option value="">{t("Todos", "All")}</option>
            {practices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t("Filtrar", "Filter")}</button>
        {filtered ? <Link to="/campaigns">{t("Quitar filtros", "Clear filters")}</Link> : null}
      </Form>
      {rows.length === 0 ? (
        <section className="card empty-state">
          <p>
            {filtered || paged
              ? t("No hay campañas con estos filtros.", "No campaigns match these filters.")
              : t("Todavía no hay campañas. Suba un CSV de citas para empezar.", "No campaigns yet. Upload an appointments CSV to start.")}
          </p>
        </section>
      ) : (
        <div className="table-scroll">
          <table className="card campaign-table" data-testid="campaign-table">
            <caption className="visually-hidden">{t("Campañas, de la más reciente a la más antigua", "Campaigns, newest first")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("Campaña", "Campaign")}</th>
                <th scope="col">{t("Consultorio", "Practice")}</th>
                <th scope="col">{t("Médico", "Doctor")}</th>
                <th scope="col">{t("Estado", "Status")}</th>
                <th scope="col">{t("Creada", "Created")}</th>
                <th scope="col" className="num">{t("Pacientes", "Patients")}</th>
                <th scope="col" className="num">{t("Omitidos", "Skipped")}</th>
                <th scope="col" className="num">{t("Enviados", "Sent")}</th>
                <th scope="col" className="num">{t("Entregados", "Delivered")}</th>
                <th scope="col" className="num">{t("Calificados", "Rated")}</th>
                <th scope="col" className="num">{t("Fallidos", "Failed")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.status === "DRAFT" ? (
                      <Link to={`/campaigns/drafts/${r.id}`}>{r.name}</Link>
                    ) : linksToDetail ? (
                      <Link to={`/campaigns/${r.id}`}>{r.name}</Link>
                    ) : (
                      r.name
                    )}
                  </th>
                  <td>{r.practiceName}</td>
                  <td>{r.doctorName ?? "—"}</td>
                  <td>
                    <CampaignStatusBadge status={r.status} />
                  </td>
                  <td>{formatDateTime(r.createdAt, locale, timezone)}</td>
                  <td className="num">{r.counts.patients}</td>
                  <td className="num">{r.counts.skipped}</td>
                  <td className="num">{r.counts.sent}</td>
                  <td className="num">{r.counts.delivered}</td>
                  <td className="num">{r.counts.rated}</td>
                  <td className="num">{r.counts.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label={t("Páginas", "Pages")}>
        {paged ? (
          <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "cursor")).toString()}`}>{t("← Más recientes", "← Newest")}</Link>
        ) : null}
        {nextCursor ? <Link to={`?${next.toString()}`}>{t("Campañas anteriores →", "Older campaigns →")}</Link> : null}
      </nav>
    </>
  );
}
