// Analítica (SPEC §7): NPS, response, delivery and review click-through rates, the rating
// distribution, the weekly trend and the per-practice and per-doctor breakdowns of @rm/analytics,
// filtered by practice, doctor and date range with a plain GET form (works without JavaScript).
// A DOCTOR sees only the campaigns assigned to them.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { findPractice, findUser, listDoctors, listPractices } from "@rm/accounts";
import { AnalyticsFilterError, loadDashboard, type Dashboard, type DashboardFilters } from "@rm/analytics";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { CHART_COLORS, formatCount, formatHours, formatNps, formatRate, InlineBar, LineChart, NpsSplitBar, RatingBars } from "../components/charts.tsx";
import { useLocale, useT, type Translate } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Analítica · Reputation Manager" }];

const PRESETS = ["7", "30", "90", "all"] as const;
type Preset = (typeof PRESETS)[number];
type Range = Preset | "custom";
const DEFAULT_RANGE: Preset = "90";

/** Today's calendar date in a time zone, as YYYY-MM-DD. */
function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The dates of a preset: the last N days including today (workspace time zone); "all" has none. */
function presetDates(range: Preset, today: string): { from: string; to: string } | null {
  if (range === "all") return null;
  return { from: addDays(today, -(Number(range) - 1)), to: today };
}

/**
 * The range asked for: a preset, unless the dates were edited. The form sends the dates it showed
 * (`shownFrom`/`shownTo`) next to the date fields: dates changed from those mean a custom range even
 * if the select was left alone; dates left alone follow the select. A URL without them (a link) is
 * custom when its dates differ from the preset's.
 */
function resolveRange(params: URLSearchParams, today: string): { range: Range; from: string; to: string } {
  const asked = params.get("range");
  const from = params.get("from")?.trim() ?? "";
  const to = params.get("to")?.trim() ?? "";
  const preset = (PRESETS as readonly string[]).includes(asked ?? "") ? (asked as Preset) : null;
  if (asked === "custom" || (!preset && (from || to))) return { range: "custom", from, to };
  const p = preset ?? DEFAULT_RANGE;
  const dates = presetDates(p, today);
  const shown = params.has("shownFrom") || params.has("shownTo") ? { from: params.get("shownFrom") ?? "", to: params.get("shownTo") ?? "" } : { from: dates?.from ?? "", to: dates?.to ?? "" };
  if ((from || to) && (from !== shown.from || to !== shown.to)) return { range: "custom", from, to };
  return { range: p, from: dates?.from ?? "", to: dates?.to ?? "" };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const { em, user, workspace } = staff;
  const params = new URL(request.url).searchParams;
  const today = localToday(workspace.timezone);
  const { range, from, to } = resolveRange(params, today);
  const practiceParam = params.get("practice")?.trim() ?? "";
  const doctorParam = params.get("doctor")?.trim() ?? "";
  const isDoctor = user.role === "DOCTOR";

  // Ids in the filters must be this workspace's: another tenant's (or a malformed) id answers 404.
  if (practiceParam && !(await findPractice(staff.em, practiceParam))) notFound();
  if (doctorParam) {
    if (!(await findUser(staff.em, doctorParam))) notFound();
    // A doctor sees their own campaigns only; asking for a colleague's is a role denial.
    if (isDoctor && doctorParam !== user.id) throw data({ error: "Prohibido." }, { status: 403, statusText: "Forbidden" });
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
    isDoctor,
    today,
    timezone: workspace.timezone,
    form,
    practices: practices.map((p) => ({ id: p.id, name: p.name })),
    doctors: doctors.map((d) => ({ id: d.id, name: d.name })),
  };
  let dashboard: Dashboard | null;
  try {
    dashboard = await loadDashboard(context.em, workspace.id, filters);
  } catch (err) {
    if (!(err instanceof AnalyticsFilterError)) throw err;
    const order = err.issues.some((i) => /after/.test(i.message));
    return data({ ...base, dashboard: null, error: order ? ("order" as const) : ("date" as const) }, { status: 400 });
  }
  if (!dashboard) throw data({ error: "No encontrado." }, { status: 404 });
  // Assigned doctors who are not DOCTOR users (an owner, a former doctor) still get a name in the filter.
  const known = new Set(base.doctors.map((d) => d.id));
  if (!isDoctor) for (const d of dashboard.byDoctor) if (d.doctorId && d.name && !known.has(d.doctorId)) base.doctors.push({ id: d.doctorId, name: d.name });
  return data({ ...base, dashboard, error: null });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function formatDay(isoDate: string, locale: "es" | "en"): string {
  return new Intl.DateTimeFormat(locale === "es" ? "es-EC" : "en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function rangeLabel(t: Translate, locale: "es" | "en", form: LoaderData["form"]): string {
  if (form.range === "all") return t("Todo el periodo", "All time");
  if (form.from && form.to) return t(`Del ${formatDay(form.from, locale)} al ${formatDay(form.to, locale)}`, `${formatDay(form.from, locale)} to ${formatDay(form.to, locale)}`);
  if (form.from) return t(`Desde el ${formatDay(form.from, locale)}`, `Since ${formatDay(form.from, locale)}`);
  if (form.to) return t(`Hasta el ${formatDay(form.to, locale)}`, `Until ${formatDay(form.to, locale)}`);
  return t("Todo el periodo", "All time");
}

/** A link to the page with one filter changed (presets keep practice and doctor). */
function presetHref(form: LoaderData["form"], range: Preset, isDoctor: boolean): string {
  const q = new URLSearchParams({ range });
  if (form.practice) q.set("practice", form.practice);
  if (form.doctor && !isDoctor) q.set("doctor", form.doctor);
  return `/analytics?${q}`;
}

export default function AnalyticsPage() {
  const loaded = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const { form, dashboard, isDoctor } = loaded;
  const presetLabels: Record<Preset, string> = {
    "7": t("Últimos 7 días", "Last 7 days"),
    "30": t("Últimos 30 días", "Last 30 days"),
    "90": t("Últimos 90 días", "Last 90 days"),
    all: t("Todo el periodo", "All time"),
  };
  return (
    <>
      <div className="page-title">
        <div>
          <h1>{t("Analítica", "Analytics")}</h1>
          <p className="muted analytics-scope">
            {rangeLabel(t, locale, form)} · {isDoctor ? t("sus campañas", "your campaigns") : t("todo el espacio de trabajo", "whole workspace")} ·{" "}
            {t("zona horaria", "time zone")} {loaded.timezone}
          </p>
        </div>
      </div>

      <section className="card" aria-labelledby="analytics-filters">
        <h2 id="analytics-filters" className="visually-hidden">
          {t("Filtros", "Filters")}
        </h2>
        <nav className="range-presets" aria-label={t("Periodos", "Periods")}>
          {PRESETS.map((p) => (
            <Link key={p} to={presetHref(form, p, isDoctor)} aria-current={form.range === p ? "true" : undefined} className={form.range === p ? "active" : undefined}>
              {presetLabels[p]}
            </Link>
          ))}
        </nav>
        <Form method="get" className="filters analytics-filters">
          <input type="hidden" name="shownFrom" value={form.from} />
          <input type="hidden" name="shownTo" value={form.to} />
          <div className="field">
            <label htmlFor="range">{t("Periodo", "Period")}</label>
            <select id="range" name="range" defaultValue={form.range}>
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {presetLabels[p]}
                </option>
              ))}
              <option value="custom">{t("Personalizado (fechas)", "Custom (dates)")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="from">{t("Desde", "From")}</label>
            <input id="from" name="from" type="date" defaultValue={form.from} aria-invalid={loaded.error ? true : undefined} aria-describedby={loaded.error ? "filter-error" : undefined} />
          </div>
          <div className="field">
            <label htmlFor="to">{t("Hasta", "To")}</label>
            <input id="to" name="to" type="date" defaultValue={form.to} aria-invalid={loaded.error ? true : undefined} aria-describedby={loaded.error ? "filter-error" : undefined} />
          </div>
          <div className="field">
            <label htmlFor="practice">{t("Consultorio", "Practice")}</label>
            <select id="practice" name="practice" defaultValue={form.practice}>
              <option value="">{t("Todos los consultorios", "All practices")}</option>
              {loaded.practices.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          {isDoctor ? null : (
            <div className="field">
              <label htmlFor="doctor">{t("Doctor", "Doctor")}</label>
              <select id="doctor" name="doctor" defaultValue={form.doctor}>
                <option value="">{t("Todos los doctores", "All doctors")}</option>
                {loaded.doctors.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <button type="submit">{t("Aplicar", "Apply")}</button>
        </Form>
        {loaded.error ? (
          <p className="error" role="alert" id="filter-error">
            {loaded.error === "order"
              ? t("La fecha «Desde» es posterior a «Hasta». Corrija el rango.", "The “From” date is after the “To” date. Fix the range.")
              : t("Fecha no válida: use el formato AAAA-MM-DD.", "Invalid date: use the YYYY-MM-DD format.")}
          </p>
        ) : null}
      </section>

      {dashboard ? <DashboardView dashboard={dashboard} isDoctor={isDoctor} /> : null}
    </>
  );
}

function DashboardView({ dashboard: d, isDoctor }: { dashboard: Dashboard; isDoctor: boolean }) {
  const t = useT();
  const locale = useLocale();
  const totals = d.totals;
  const empty = totals.sent === 0 && totals.rated === 0;
  const weeks = d.weekly;
  const rates = weeks.flatMap((w) => [w.responseRate.rate ?? 0, w.deliveryRate.rate ?? 0]);
  const rateMax = Math.max(1, Math.ceil(Math.max(0, ...rates) * 4) / 4);
  const rateTicks = Array.from({ length: Math.round(rateMax / 0.25) + 1 }, (_, i) => i * 0.25);
  const unresolved = d.feedback.unresolved;
  return (
    <>
      <section aria-labelledby="headline" className="analytics-section">
        <h2 id="headline" className="visually-hidden">
          {t("Cifras principales", "Headline figures")}
        </h2>
        <dl className="kpis">
          <div className="card kpi" data-kpi="nps">
            <dt>NPS</dt>
            <dd className="kpi-value">{formatNps(totals.nps.score, locale)}</dd>
            <dd className="kpi-detail">
              <NpsSplitBar promoters={totals.nps.promoters} passives={totals.nps.passives} detractors={totals.nps.detractors} />
              <span className="nps-legend">
                <span className="nps-item">
                  <span className="dot promoter" aria-hidden="true" />
                  {t("Promotores", "Promoters")} {formatCount(totals.nps.promoters, locale)}
                </span>
                {" · "}
                <span className="nps-item">
                  <span className="dot passive" aria-hidden="true" />
                  {t("Pasivos", "Passives")} {formatCount(totals.nps.passives, locale)}
                </span>
                {" · "}
                <span className="nps-item">
                  <span className="dot detractor" aria-hidden="true" />
                  {t("Detractores", "Detractors")} {formatCount(totals.nps.detractors, locale)}
                </span>
              </span>
            </dd>
          </div>
          <div className="card kpi" data-kpi="response">
            <dt>{t("Tasa de respuesta", "Response rate")}</dt>
            <dd className="kpi-value">{formatRate(totals.responseRate.rate, locale)}</dd>
            <dd className="kpi-detail">
              {t(
                `${formatCount(totals.rated, locale)} calificaciones de ${formatCount(totals.sent, locale)} solicitudes`,
                `${formatCount(totals.rated, locale)} ratings from ${formatCount(totals.sent, locale)} requests`,
              )}
            </dd>
          </div>
          <div className="card kpi" data-kpi="delivery">
            <dt>{t("Tasa de entrega", "Delivery rate")}</dt>
            <dd className="kpi-value">{formatRate(totals.deliveryRate.rate, locale)}</dd>
            <dd className="kpi-detail">
              {t(`${formatCount(totals.delivered, locale)} entregadas de ${formatCount(totals.sent, locale)}`, `${formatCount(totals.delivered, locale)} delivered of ${formatCount(totals.sent, locale)}`)}
            </dd>
          </div>
          <div className="card kpi" data-kpi="reviews">
            <dt>{t("Clics a reseñas", "Review click-through")}</dt>
            <dd className="kpi-value">{formatRate(totals.reviewClickThrough.rate, locale)}</dd>
            <dd className="kpi-detail">
              {t(
                `${formatCount(totals.reviewClickThrough.numerator, locale)} clics de ${formatCount(totals.reviewClickThrough.denominator, locale)} enlaces ofrecidos`,
                `${formatCount(totals.reviewClickThrough.numerator, locale)} clicks of ${formatCount(totals.reviewClickThrough.denominator, locale)} links offered`,
              )}
            </dd>
          </div>
          <div className="card kpi" data-kpi="feedback">
            <dt>{t("Comentarios de insatisfechos", "Unhappy feedback")}</dt>
            <dd className="kpi-value">{formatCount(d.feedback.total, locale)}</dd>
            <dd className="kpi-detail">
              {unresolved === 0 ? t("todos atendidos", "all handled") : t(`${formatCount(unresolved, locale)} sin resolver`, `${formatCount(unresolved, locale)} unresolved`)}
              {isDoctor ? null : (
                <>
                  {" · "}
                  <Link to="/inbox">{t("Ir a la bandeja", "Open the inbox")}</Link>
                </>
              )}
            </dd>
          </div>
          <div className="card kpi" data-kpi="resolution">
            <dt>{t("Tiempo de resolución (mediana)", "Resolution time (median)")}</dt>
            <dd className="kpi-value">{formatHours(d.feedback.medianResolutionHours, locale)}</dd>
            <dd className="kpi-detail">{t(`${formatCount(d.feedback.resolved, locale)} resueltos`, `${formatCount(d.feedback.resolved, locale)} resolved`)}</dd>
          </div>
        </dl>
      </section>

      {empty ? (
        <section className="card empty-state">
          <h2>{t("Sin datos para estos filtros", "No data for these filters")}</h2>
          <p>{t("Ninguna solicitud de calificación salió ni llegó ninguna calificación en este periodo.", "No rating request went out and no rating arrived in this period.")}</p>
        </section>
      ) : (
        <>
          <div className="chart-grid analytics-section">
            <section className="card" aria-labelledby="distribution">
              <h2 id="distribution">{t("Distribución de calificaciones", "Rating distribution")}</h2>
              <RatingBars
                distribution={totals.ratingDistribution}
                locale={locale}
                title={t("Calificaciones de 1 a 5", "Ratings from 1 to 5")}
                desc={t(
                  `${formatCount(totals.rated, locale)} calificaciones: ` + [5, 4, 3, 2, 1].map((r) => `${r} estrellas ${formatCount(totals.ratingDistribution[r - 1]!, locale)}`).join(", ") + ".",
                  `${formatCount(totals.rated, locale)} ratings: ` + [5, 4, 3, 2, 1].map((r) => `${r} stars ${formatCount(totals.ratingDistribution[r - 1]!, locale)}`).join(", ") + ".",
                )}
                labels={{ rating: t("Calificación", "Rating"), count: t("Cantidad", "Count"), share: t("Porcentaje", "Share"), data: t("Ver la tabla", "Show the table") }}
              />
            </section>
            <section className="card" aria-labelledby="trend">
              <h2 id="trend">{t("Tendencia semanal", "Weekly trend")}</h2>
              <div className="trend-charts">
                <LineChart
                  title={t("NPS por semana", "NPS per week")}
                  desc={t(
                    `NPS de ${weeks.length} semanas ISO, de ${weeks[0]?.isoWeek ?? "—"} a ${weeks.at(-1)?.isoWeek ?? "—"}; sin punto en semanas sin calificaciones.`,
                    `NPS over ${weeks.length} ISO weeks, ${weeks[0]?.isoWeek ?? "—"} to ${weeks.at(-1)?.isoWeek ?? "—"}; no point in weeks without ratings.`,
                  )}
                  labels={weeks.map((w) => w.isoWeek)}
                  series={[{ name: "NPS", color: CHART_COLORS.nps, values: weeks.map((w) => w.nps.score) }]}
                  yMin={-100}
                  yMax={100}
                  yTicks={[-100, -50, 0, 50, 100]}
                  formatY={(v) => formatNps(v, locale)}
                  dataLabel={t("Ver la tabla", "Show the table")}
                  labelHeader={t("Semana", "Week")}
                />
                <LineChart
                  title={t("Tasa de respuesta y de entrega por semana", "Response and delivery rate per week")}
                  desc={t(
                    `Tasa de respuesta (calificaciones / solicitudes) y de entrega por semana ISO, de ${weeks[0]?.isoWeek ?? "—"} a ${weeks.at(-1)?.isoWeek ?? "—"}.`,
                    `Response rate (ratings / requests) and delivery rate per ISO week, ${weeks[0]?.isoWeek ?? "—"} to ${weeks.at(-1)?.isoWeek ?? "—"}.`,
                  )}
                  labels={weeks.map((w) => w.isoWeek)}
                  series={[
                    { name: t("Respuesta", "Response"), color: CHART_COLORS.response, values: weeks.map((w) => w.responseRate.rate) },
                    { name: t("Entrega", "Delivery"), color: CHART_COLORS.axis, values: weeks.map((w) => w.deliveryRate.rate), dashed: true },
                  ]}
                  yMin={0}
                  yMax={rateMax}
                  yTicks={rateTicks}
                  formatY={(v) => formatRate(v, locale)}
                  dataLabel={t("Ver la tabla", "Show the table")}
                  labelHeader={t("Semana", "Week")}
                />
              </div>
            </section>
          </div>

          <BreakdownTable
            id="by-practice"
            title={t("Por consultorio", "By practice")}
            nameHeader={t("Consultorio", "Practice")}
            rows={d.byPractice.map((p) => ({ key: p.practiceId, name: p.name, f: p }))}
          />
          <BreakdownTable
            id="by-doctor"
            title={t("Por doctor", "By doctor")}
            nameHeader={t("Doctor", "Doctor")}
            rows={d.byDoctor.map((x) => ({ key: x.doctorId ?? "none", name: x.name ?? t("Sin doctor asignado", "No doctor assigned"), f: x }))}
          />
          <p className="hint analytics-note">
            {t(
              "Cada solicitud cuenta el día en que salió y cada calificación el día en que llegó (zona horaria del espacio de trabajo). NPS: promotores 4–5, pasivos 3, detractores 1–2.",
              "Each request counts on the day it went out and each rating on the day it arrived (workspace time zone). NPS: promoters 4–5, passives 3, detractors 1–2.",
            )}
          </p>
        </>
      )}
    </>
  );
}

function BreakdownTable({ id, title, nameHeader, rows }: { id: string; title: string; nameHeader: string; rows: { key: string; name: string; f: Dashboard["totals"] }[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card analytics-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div className="table-scroll">
        <table className="breakdown" data-breakdown={id}>
          <thead>
            <tr>
              <th scope="col">{nameHeader}</th>
              <th scope="col" className="num">
                {t("Solicitudes", "Requests")}
              </th>
              <th scope="col" className="num">
                {t("Respuesta", "Response")}
              </th>
              <th scope="col" className="num">
                {t("Entrega", "Delivery")}
              </th>
              <th scope="col" className="num">
                NPS
              </th>
              <th scope="col" className="num">
                {t("Clics a reseñas", "Review clicks")}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ key, name, f }) => (
              <tr key={key}>
                <th scope="row">{name}</th>
                <td className="num">{formatCount(f.sent, locale)}</td>
                <td className="num">
                  <span className="bar-cell">
                    <InlineBar value={f.responseRate.rate} />
                    {formatRate(f.responseRate.rate, locale)}
                  </span>
                </td>
                <td className="num">
                  <span className="bar-cell">
                    <InlineBar value={f.deliveryRate.rate} color={CHART_COLORS.axis} />
                    {formatRate(f.deliveryRate.rate, locale)}
                  </span>
                </td>
                <td className="num">
                  <span className="bar-cell">
                    <InlineBar value={f.nps.score} min={-100} max={100} color={CHART_COLORS.nps} />
                    {formatNps(f.nps.score, locale)}
                  </span>
                </td>
                <td className="num">{formatRate(f.reviewClickThrough.rate, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
