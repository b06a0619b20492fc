// The pieces of the campaign list: filters (a plain GET form), the table with each campaign's counts,
// and keyset pages.
import { Form, Link, useSearchParams } from "@remix-run/react";
import type { CampaignListItem } from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { CAMPAIGN_STATUSES } from "@rm/campaigns/filters";
import { formatDateTime, useLocale, useT } from "../../i18n.ts";
import { CampaignStatusBadge, campaignStatusLabel } from "../campaign-status.tsx";
import { namedOptions, SelectFilter } from "../filters.tsx";

export type CampaignRow = Omit<CampaignListItem, "createdAt"> & { createdAt: string };

export function CampaignFilters({ filters, practices }: { filters: { status: string; practice: string }; practices: { id: string; name: string }[] }) {
  const t = useT();
  const filtered = filters.status !== "" || filters.practice !== "";
  return (
    // Keyed by the filters: after a client-side navigation the fields show the filters in force.
    <Form key={`${filters.status}|${filters.practice}`} method="get" className="card filters" aria-label={t("Filtros", "Filters")}>
      <SelectFilter
        id="f-status"
        name="status"
        label={t("Estado", "Status")}
        allLabel={t("Todos", "All")}
        defaultValue={filters.status}
        options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: campaignStatusLabel(s, t) }))}
      />
      <SelectFilter id="f-practice" name="practice" label={t("Consultorio", "Practice")} allLabel={t("Todos", "All")} defaultValue={filters.practice} options={namedOptions(practices)} />
      <button type="submit">{t("Filtrar", "Filter")}</button>
      {filtered ? <Link to="/campaigns">{t("Quitar filtros", "Clear filters")}</Link> : null}
    </Form>
  );
}

export function CampaignTable({ rows, linksToDetail, timezone }: { rows: CampaignRow[]; linksToDetail: boolean; timezone: string }) {
  const t = useT();
  const locale = useLocale();
  return (
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
                <CampaignName row={r} linksToDetail={linksToDetail} />
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
  );
}

/** A draft opens its preview; a campaign its page, for those who may see it (receptionists: the name only). */
function CampaignName({ row: r, linksToDetail }: { row: CampaignRow; linksToDetail: boolean }) {
  if (r.status === "DRAFT") return <Link to={`/campaigns/drafts/${r.id}`}>{r.name}</Link>;
  return linksToDetail ? <Link to={`/campaigns/${r.id}`}>{r.name}</Link> : <>{r.name}</>;
}

export function CampaignPager({ paged, nextCursor }: { paged: boolean; nextCursor: string | null }) {
  const [params] = useSearchParams();
  const t = useT();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  return (
    <nav className="pager" aria-label={t("Páginas", "Pages")}>
      {paged ? <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "cursor")).toString()}`}>{t("← Más recientes", "← Newest")}</Link> : null}
      {nextCursor ? <Link to={`?${next.toString()}`}>{t("Campañas anteriores →", "Older campaigns →")}</Link> : null}
    </nav>
  );
}
