// The pieces of the campaign list: filters (a plain GET form), the table with each campaign's counts,
// and keyset pages. Feedback campaigns and broadcasts side by side (SPEC §14), each with its kind.
import { Form, Link, useSearchParams } from "@remix-run/react";
import type { CampaignListItem } from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { CAMPAIGN_KINDS, CAMPAIGN_STATUSES } from "@rm/campaigns/filters";
import { formatDateTime, useLocale, useMsg, useT } from "../../i18n.ts";
import { CampaignStatusBadge, campaignStatusLabel } from "../campaign-status.tsx";
import { namedOptions, SelectFilter } from "../filters.tsx";

export type CampaignRow = Omit<CampaignListItem, "createdAt"> & { createdAt: string };

export interface ListFilters {
  status: string;
  kind: string;
  practice: string;
}

export function CampaignFilters({ filters, practices }: { filters: ListFilters; practices: { id: string; name: string }[] }) {
  const msg = useMsg();
  const t = useT();
  const filtered = filters.status !== "" || filters.practice !== "" || filters.kind !== "";
  return (
    // Keyed by the filters: after a client-side navigation the fields show the filters in force.
    <Form key={`${filters.status}|${filters.kind}|${filters.practice}`} method="get" className="card filters" aria-label={msg("campaigns.filters")}>
      <SelectFilter
        id="f-status"
        name="status"
        label={msg("campaigns.filter.status")}
        allLabel={msg("campaigns.filter.all")}
        defaultValue={filters.status}
        options={CAMPAIGN_STATUSES.map((s) => ({ value: s, label: campaignStatusLabel(s, t) }))}
      />
      <SelectFilter
        id="f-kind"
        name="kind"
        label={msg("campaigns.filter.kind")}
        allLabel={msg("campaigns.filter.all")}
        defaultValue={filters.kind}
        options={CAMPAIGN_KINDS.map((k) => ({ value: k, label: msg(`broadcast.kind.${k}`) }))}
      />
      <SelectFilter id="f-practice" name="practice" label={msg("campaigns.filter.practice")} allLabel={msg("campaigns.filter.all")} defaultValue={filters.practice} options={namedOptions(practices)} />
      <button type="submit">{msg("campaigns.filter.submit")}</button>
      {filtered ? <Link to="/campaigns">{msg("campaigns.filter.clear")}</Link> : null}
    </Form>
  );
}

export function CampaignTable({ rows, linksToDetail, timezone }: { rows: CampaignRow[]; linksToDetail: boolean; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <div className="table-scroll">
      <table className="card campaign-table" data-testid="campaign-table">
        <caption className="visually-hidden">{msg("campaigns.table.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{msg("campaigns.col.campaign")}</th>
            <th scope="col">{msg("campaigns.col.kind")}</th>
            <th scope="col">{msg("campaigns.col.practice")}</th>
            <th scope="col">{msg("campaigns.col.doctor")}</th>
            <th scope="col">{msg("campaigns.col.status")}</th>
            <th scope="col">{msg("campaigns.col.created")}</th>
            <th scope="col" className="num">{msg("campaigns.col.patients")}</th>
            <th scope="col" className="num">{msg("campaigns.col.skipped")}</th>
            <th scope="col" className="num">{msg("campaigns.col.sent")}</th>
            <th scope="col" className="num">{msg("campaigns.col.delivered")}</th>
            <th scope="col" className="num">{msg("campaigns.col.rated")}</th>
            <th scope="col" className="num">{msg("campaigns.col.failed")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <CampaignName row={r} linksToDetail={linksToDetail} />
              </th>
              <td>{msg(`broadcast.kind.${r.kind}`)}</td>
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
              <td className="num">{r.kind === "BROADCAST" ? "—" : r.counts.rated}</td>
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
  const msg = useMsg();
  const next = new URLSearchParams(params);
  if (nextCursor) next.set("cursor", nextCursor);
  return (
    <nav className="pager" aria-label={msg("campaigns.pages")}>
      {paged ? <Link to={`?${new URLSearchParams([...params].filter(([k]) => k !== "cursor")).toString()}`}>{msg("campaigns.newer")}</Link> : null}
      {nextCursor ? <Link to={`?${next.toString()}`}>{msg("campaigns.older")}</Link> : null}
    </nav>
  );
}
