// Campañas: every campaign of the workspace (a doctor: those assigned to them), newest first, with
// counts from SQL aggregates, filters by status and practice, keyset pages. Owners and doctors open a
// campaign's page; receptionists see the list only (SPEC §3). Everyone may start a new one.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { listCampaigns, listLinksToDetail, listPracticeOptions, parseCampaignListFilters } from "@rm/campaigns";
import { requireUser } from "../.server/staff.server.ts";
import { CampaignFilters, CampaignPager, CampaignTable } from "../components/campaigns/campaign-list.tsx";
import { useT } from "../i18n.ts";
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
  const filtered = filters.status !== "" || filters.practice !== "";
  return (
    <>
      <CampaignsHeader />
      <ConfirmedNotice />
      <DoctorScope isDoctor={isDoctor} />
      <CampaignFilters filters={filters} practices={practices} />
      {rows.length === 0 ? <NoCampaigns filtered={filtered || paged} /> : <CampaignTable rows={rows} linksToDetail={linksToDetail} timezone={timezone} />}
      <CampaignPager paged={paged} nextCursor={nextCursor} />
    </>
  );
}

function CampaignsHeader() {
  const t = useT();
  return (
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
  );
}

/** After a draft's confirmation by someone who cannot open the campaign's page (SPEC §3). */
function ConfirmedNotice() {
  const [params] = useSearchParams();
  const t = useT();
  if (params.get("notice") !== "confirmed") return null;
  return (
    <p className="notice" role="status">
      {t("Campaña confirmada: los mensajes saldrán a la hora programada.", "Campaign confirmed: the messages will go out at their scheduled time.")}
    </p>
  );
}

function DoctorScope({ isDoctor }: { isDoctor: boolean }) {
  const t = useT();
  return isDoctor ? <p className="muted">{t("Se muestran las campañas asignadas a usted.", "Showing the campaigns assigned to you.")}</p> : null;
}

function NoCampaigns({ filtered }: { filtered: boolean }) {
  const t = useT();
  return (
    <section className="card empty-state">
      <p>
        {filtered
          ? t("No hay campañas con estos filtros.", "No campaigns match these filters.")
          : t("Todavía no hay campañas. Suba un CSV de citas para empezar.", "No campaigns yet. Upload an appointments CSV to start.")}
      </p>
    </section>
  );
}
