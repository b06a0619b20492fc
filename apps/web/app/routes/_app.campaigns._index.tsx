// Campañas: every campaign of the workspace (a doctor: those assigned to them), newest first, with
// counts from SQL aggregates, filters by status and practice, keyset pages. Owners and doctors open a
// campaign's page; receptionists see the list only (SPEC §3). Everyone may start a new one.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listCampaigns, listLinksToDetail, listPracticeOptions, parseCampaignListFilters } from "@rm/campaigns";
import { requireUser } from "../.server/staff.server.ts";
import { CampaignFilters, CampaignPager, CampaignTable } from "../components/campaigns/campaign-list.tsx";
import { useMsg } from "../i18n.ts";
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
    canBroadcast: user.role === "OWNER",
    practices,
    filters: { status: filters.status ?? "", kind: filters.kind ?? "", practice: filters.practiceId ?? "" },
    paged: Boolean(filters.cursor),
    rows: page.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

export default function CampaignsPage() {
  const { rows, practices, filters, nextCursor, timezone, linksToDetail, isDoctor, paged, canBroadcast } = useLoaderData<typeof loader>();
  const filtered = filters.status !== "" || filters.practice !== "" || filters.kind !== "";
  return (
    <>
      <CampaignsHeader canBroadcast={canBroadcast} />
      <ConfirmedNotice />
      <DoctorScope isDoctor={isDoctor} />
      <CampaignFilters filters={filters} practices={practices} />
      {rows.length === 0 ? <NoCampaigns filtered={filtered || paged} /> : <CampaignTable rows={rows} linksToDetail={linksToDetail} timezone={timezone} />}
      <CampaignPager paged={paged} nextCursor={nextCursor} />
    </>
  );
}

function CampaignsHeader({ canBroadcast }: { canBroadcast: boolean }) {
  const msg = useMsg();
  return (
    <div className="page-title">
      <h1>{msg("campaigns.title")}</h1>
      <div className="buttons">
        <Link className="button" to="/campaigns/new">
          {msg("campaigns.new")}
        </Link>
        {canBroadcast ? (
          <Link className="button" to="/campaigns/broadcast">
            {msg("broadcast.new")}
          </Link>
        ) : null}
        <Link className="button secondary" to="/campaigns/send">
          {msg("campaigns.sendOne")}
        </Link>
      </div>
    </div>
  );
}

/** After a draft's confirmation by someone who cannot open the campaign's page (SPEC §3). */
function ConfirmedNotice() {
  const [params] = useSearchParams();
  const msg = useMsg();
  if (params.get("notice") !== "confirmed") return null;
  return (
    <p className="notice" role="status">
      {msg("campaigns.confirmed")}
    </p>
  );
}

function DoctorScope({ isDoctor }: { isDoctor: boolean }) {
  const msg = useMsg();
  return isDoctor ? <p className="muted">{msg("campaigns.doctorScope")}</p> : null;
}

function NoCampaigns({ filtered }: { filtered: boolean }) {
  const msg = useMsg();
  return (
    <section className="card empty-state">
      <p>{filtered ? msg("campaigns.empty.filtered") : msg("campaigns.empty")}</p>
    </section>
  );
}
