// The analytics figures (SPEC §7): headline KPIs, the rating distribution, the weekly trend and the
// per-practice and per-doctor tables, all drawn server-side from the dashboard's SQL aggregates.
import { Link } from "@remix-run/react";
import type { Dashboard } from "@rm/analytics";
import type { ReactNode } from "react";
import { useLocale, useT } from "../../i18n.ts";
import { CHART_COLORS, formatCount, formatHours, formatNps, formatRate, InlineBar, LineChart, NpsSplitBar, RatingBars } from "../charts.tsx";

export function DashboardView({ dashboard: d, isDoctor }: { dashboard: Dashboard; isDoctor: boolean }) {
  const t = useT();
  const empty = d.totals.sent === 0 && d.totals.rated === 0;
  return (
    <>
      <HeadlineFigures dashboard={d} isDoctor={isDoctor} />
      {empty ? (
        <NoData />
      ) : (
        <>
          <div className="chart-grid analytics-section">
            <RatingDistribution totals={d.totals} />
            <WeeklyTrend weeks={d.weekly} />
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

function HeadlineFigures({ dashboard: d, isDoctor }: { dashboard: Dashboard; isDoctor: boolean }) {
  const t = useT();
  const locale = useLocale();
  const totals = d.totals;
  const unresolved = d.feedback.unresolved;
  return (
    <section aria-labelledby="headline" className="analytics-section">
      <h2 id="headline" className="visually-hidden">
        {t("Cifras principales", "Headline figures")}
      </h2>
      <dl className="kpis">
        <Kpi kpi="nps" label="NPS" value={formatNps(totals.nps.score, locale)}>
          <NpsSplitBar promoters={totals.nps.promoters} passives={totals.nps.passives} detractors={totals.nps.detractors} />
          <NpsLegend nps={totals.nps} />
        </Kpi>
        <Kpi kpi="response" label={t("Tasa de respuesta", "Response rate")} value={formatRate(totals.responseRate.rate, locale)}>
          {t(
            `${formatCount(totals.rated, locale)} calificaciones de ${formatCount(totals.sent, locale)} solicitudes`,
            `${formatCount(totals.rated, locale)} ratings from ${formatCount(totals.sent, locale)} requests`,
          )}
        </Kpi>
        <Kpi kpi="delivery" label={t("Tasa de entrega", "Delivery rate")} value={formatRate(totals.deliveryRate.rate, locale)}>
          {t(`${formatCount(totals.delivered, locale)} entregadas de ${formatCount(totals.sent, locale)}`, `${formatCount(totals.delivered, locale)} delivered of ${formatCount(totals.sent, locale)}`)}
        </Kpi>
        <Kpi kpi="reviews" label={t("Clics a reseñas", "Review click-through")} value={formatRate(totals.reviewClickThrough.rate, locale)}>
          {t(
            `${formatCount(totals.reviewClickThrough.numerator, locale)} clics de ${formatCount(totals.reviewClickThrough.denominator, locale)} enlaces ofrecidos`,
            `${formatCount(totals.reviewClickThrough.numerator, locale)} clicks of ${formatCount(totals.reviewClickThrough.denominator, locale)} links offered`,
          )}
        </Kpi>
        <Kpi kpi="feedback" label={t("Comentarios de insatisfechos", "Unhappy feedback")} value={formatCount(d.feedback.total, locale)}>
          {unresolved === 0 ? t("todos atendidos", "all handled") : t(`${formatCount(unresolved, locale)} sin resolver`, `${formatCount(unresolved, locale)} unresolved`)}
          {isDoctor ? null : (
            <>
              {" · "}
              <Link to="/inbox">{t("Ir a la bandeja", "Open the inbox")}</Link>
            </>
          )}
        </Kpi>
        <Kpi kpi="resolution" label={t("Tiempo de resolución (mediana)", "Resolution time (median)")} value={formatHours(d.feedback.medianResolutionHours, locale)}>
          {t(`${formatCount(d.feedback.resolved, locale)} resueltos`, `${formatCount(d.feedback.resolved, locale)} resolved`)}
        </Kpi>
      </dl>
    </section>
  );
}

/** One headline figure: its name, the value, and what it is made of. */
function Kpi({ kpi, label, value, children }: { kpi: string; label: string; value: string; children: ReactNode }) {
  return (
    <div className="card kpi" data-kpi={kpi}>
      <dt>{label}</dt>
      <dd className="kpi-value">{value}</dd>
      <dd className="kpi-detail">{children}</dd>
    </div>
  );
}

function NpsLegend({ nps }: { nps: Dashboard["totals"]["nps"] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <span className="nps-legend">
      <span className="nps-item">
        <span className="dot promoter" aria-hidden="true" />
        {t("Promotores", "Promoters")} {formatCount(nps.promoters, locale)}
      </span>
      {" · "}
      <span className="nps-item">
        <span className="dot passive" aria-hidden="true" />
        {t("Pasivos", "Passives")} {formatCount(nps.passives, locale)}
      </span>
      {" · "}
      <span className="nps-item">
        <span className="dot detractor" aria-hidden="true" />
        {t("Detractores", "Detractors")} {formatCount(nps.detractors, locale)}
      </span>
    </span>
  );
}

function NoData() {
  const t = useT();
  return (
    <section className="card empty-state">
      <h2>{t("Sin datos para estos filtros", "No data for these filters")}</h2>
      <p>{t("Ninguna solicitud de calificación salió ni llegó ninguna calificación en este periodo.", "No rating request went out and no rating arrived in this period.")}</p>
    </section>
  );
}

function RatingDistribution({ totals }: { totals: Dashboard["totals"] }) {
  const t = useT();
  const locale = useLocale();
  return (
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
  );
}

/** NPS, and the response and delivery rates, per ISO week; rates share a scale rounded up to 25 %. */
function WeeklyTrend({ weeks }: { weeks: Dashboard["weekly"] }) {
  const t = useT();
  const locale = useLocale();
  const rates = weeks.flatMap((w) => [w.responseRate.rate ?? 0, w.deliveryRate.rate ?? 0]);
  const rateMax = Math.max(1, Math.ceil(Math.max(0, ...rates) * 4) / 4);
  const rateTicks = Array.from({ length: Math.round(rateMax / 0.25) + 1 }, (_, i) => i * 0.25);
  return (
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
