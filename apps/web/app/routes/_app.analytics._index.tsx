// Analítica (SPEC §7): NPS, response, delivery and review click-through rates, the rating
// distribution, the weekly trend and the per-practice and per-doctor breakdowns of @rm/analytics,
// filtered by practice, doctor and date range with a plain GET form (works without JavaScript).
// A DOCTOR sees only their own appointments (patients.doctor_id, whichever campaign they are in).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { findPractice, findUser, listDoctors, listPractices } from "@rm/accounts";
import { AnalyticsFilterError, doctorFilterChoices, loadDashboard, localToday, resolveDashboardRange, type Dashboard, type DashboardFilters } from "@rm/analytics";
import { countLeadsOf, type LeadCounts } from "@rm/contacts";
import { CONTACT_SOURCES, LEAD_STATUSES } from "@rm/contacts/constants";
import { weekLabels } from "@rm/domain";
import { getLocale } from "../.server/locale.server.ts";
import { forkReadEm } from "../.server/db.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { DashboardView, type WeekView } from "../components/analytics/dashboard.tsx";
import { AnalyticsFilters, AnalyticsHeader, type FilterError } from "../components/analytics/filters.tsx";
import { LOCALE_TAGS, msgFor, useMsg, type Locale } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Analítica · Reputation Manager" }];

/**
 * The weeks as the page names them, in its language ("sem. 1 sept"), a partial week marked. Written
 * here, once, so the server's and the browser's text agree (their Intl data may differ).
 */
function weekViews(d: Dashboard, locale: Locale): WeekView[] {
  const msg = msgFor(locale);
  return weekLabels(d.weekly, LOCALE_TAGS[locale]).map((w, i) => ({
    label: w.partial ? msg("analytics.week.partial", { date: w.date }) : msg("analytics.week", { date: w.date }),
    partial: w.partial,
    days: d.weekly[i]!.days,
  }));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const { em, user, workspace } = staff;
  const params = new URL(request.url).searchParams;
  const today = localToday(workspace.timezone);
  const { range, from, to } = resolveDashboardRange(params, today);
  const practiceParam = params.get("practice")?.trim() ?? "";
  const doctorParam = params.get("doctor")?.trim() ?? "";
  const isDoctor = user.role === "DOCTOR";
  const locale = await getLocale(request);
  const msg = msgFor(locale);

  // Ids in the filters must be this workspace's: another tenant's (or a malformed) id answers 404.
  if (practiceParam && !(await findPractice(staff.em, practiceParam))) notFound();
  if (doctorParam) {
    if (!(await findUser(staff.em, doctorParam))) notFound();
    // A doctor sees their own campaigns only; asking for a colleague's is a role denial.
    if (isDoctor && doctorParam !== user.id) throw data({ error: msg("analytics.error.forbidden") }, { status: 403, statusText: "Forbidden" });
  }
  const filters: DashboardFilters = {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(practiceParam ? { practiceId: practiceParam } : {}),
    ...(isDoctor ? { doctorId: user.id } : doctorParam ? { doctorId: doctorParam } : {}),
  };

  const [practices, doctors] = await Promise.all([
    listPractices(em),
    isDoctor ? Promise.resolve([user]) : listDoctors(em),
  ]);
  const form = { range, from, to, practice: practiceParam, doctor: isDoctor ? user.id : doctorParam };
  const base = {
    title: msg("analytics.meta"),
    weeks: [] as WeekView[],
    isDoctor,
    today,
    timezone: workspace.timezone,
    form,
    practices: practices.map((p) => ({ id: p.id, name: p.name })),
    doctors: doctors.map((d) => ({ id: d.id, name: d.name })),
    leads: null as LeadCounts | null,
  };
  let dashboard: Dashboard | null;
  try {
    // Figures tolerate replication lag: the read replica when one is configured.
    dashboard = await loadDashboard(await forkReadEm(), workspace.id, filters, { today });
  } catch (err) {
    if (!(err instanceof AnalyticsFilterError)) throw err;
    const order = err.issues.some((i) => /after/.test(i.message));
    return data({ ...base, dashboard: null, error: (order ? "order" : "date") as FilterError }, { status: 400 });
  }
  if (!dashboard) throw data({ error: msg("analytics.error.notFound") }, { status: 404 });
  // Leads per source and stage (SPEC §16) that arrived in the page's period, under its practice filter
  // (the dates are valid: the dashboard read them). A doctor has no leads, so not theirs.
  const leads = isDoctor ? null : await countLeadsOf(em, workspace.id, { from, to, timeZone: workspace.timezone, practiceId: practiceParam || undefined });
  // A doctor's filter is fixed to themselves; others may pick every doctor with figures.
  return data({ ...base, leads, weeks: weekViews(dashboard, locale), doctors: isDoctor ? base.doctors : doctorFilterChoices(base.doctors, dashboard.byDoctor), dashboard, error: null });
}

export default function AnalyticsPage() {
  const { form, dashboard, weeks, isDoctor, timezone, practices, doctors, error, leads } = useLoaderData<typeof loader>();
  return (
    <>
      <AnalyticsHeader form={form} isDoctor={isDoctor} timezone={timezone} />
      <AnalyticsFilters form={form} isDoctor={isDoctor} practices={practices} doctors={doctors} error={error} />
      {dashboard ? <DashboardView dashboard={dashboard} weeks={weeks} isDoctor={isDoctor} /> : null}
      {leads ? <LeadCountsView leads={leads} /> : null}
    </>
  );
}

/** Leads by how they came and by stage: two small tables that scroll inside themselves on a phone. */
function LeadCountsView({ leads }: { leads: LeadCounts }) {
  const msg = useMsg();
  // Under a practice filter, leads not tied to any practice yet (no appointment) are said apart.
  const apart = leads.withoutPractice ? (
    <p className="muted" data-testid="leads-without-practice">
      {msg("leads.analytics.withoutPractice", { count: leads.withoutPractice })}
    </p>
  ) : null;
  if (leads.total === 0) {
    return (
      <section className="card analytics-section" aria-labelledby="leads-title" data-testid="lead-counts">
        <h2 id="leads-title">{msg("leads.analytics.title")}</h2>
        <p className="muted">{msg("leads.analytics.none")}</p>
        {apart}
      </section>
    );
  }
  const tables = [
    { id: "leads-by-source", title: msg("leads.analytics.bySource"), head: msg("leads.col.source"), rows: CONTACT_SOURCES.filter((s) => leads.bySource[s] > 0).map((s) => [msg("leads.source", { source: s }), leads.bySource[s]] as const) },
    { id: "leads-by-status", title: msg("leads.analytics.byStatus"), head: msg("leads.col.status"), rows: LEAD_STATUSES.map((s) => [msg("leads.status", { status: s }), leads.byStatus[s]] as const) },
  ];
  return (
    <section className="card analytics-section" aria-labelledby="leads-title" data-testid="lead-counts">
      <h2 id="leads-title">{msg("leads.analytics.title")}</h2>
      <p className="muted">{msg("leads.analytics.period")}</p>
      {apart}
      {tables.map((t) => (
        <div key={t.id} className="table-scroll" role="region" aria-labelledby={t.id} tabIndex={0}>
          <table className="breakdown" data-breakdown={t.id}>
            <caption id={t.id}>{t.title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.head}</th>
                <th scope="col" className="num">
                  {msg("leads.analytics.count")}
                </th>
              </tr>
            </thead>
            <tbody>
              {t.rows.map(([name, n]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="num">{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
