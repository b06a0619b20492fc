// The analytics figures (SPEC §7): headline KPIs, the rating distribution, the weekly trend and the
// per-practice and per-doctor tables, all drawn server-side from the dashboard's SQL aggregates. The
// words promoter, passive, detractor, unhappy and response rate mean what @rm/domain says they mean.
import { Link } from "@remix-run/react";
import type { Dashboard } from "@rm/analytics";
import { groupRange } from "@rm/domain/ratings";
import type { ReactNode } from "react";
import { useLocale, useMsg } from "../../i18n.ts";
import { CHART_COLORS, formatCount, formatHours, formatNps, formatRate, InlineBar, LineChart, NpsSplitBar, RatingBars } from "../charts.tsx";

/** A week as the page shows it (built by the loader in the page's language). */
export interface WeekView {
  label: string;
  partial: boolean;
  days: number;
}

export function DashboardView({ dashboard: d, weeks, isDoctor }: { dashboard: Dashboard; weeks: WeekView[]; isDoctor: boolean }) {
  const msg = useMsg();
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
            <WeeklyTrend weeks={d.weekly} views={weeks} />
          </div>
          <BreakdownTable id="by-practice" title={msg("analytics.byPractice")} nameHeader={msg("analytics.practice")} rows={d.byPractice.map((p) => ({ key: p.practiceId, name: p.name, f: p }))} />
          <BreakdownTable
            id="by-doctor"
            title={msg("analytics.byDoctor")}
            nameHeader={msg("analytics.doctor")}
            rows={d.byDoctor.map((x) => ({ key: x.doctorId ?? "none", name: x.name ?? msg("analytics.doctor.none"), f: x }))}
          />
          <p className="hint analytics-note">
            {msg("analytics.note", { promoters: groupRange("promoter"), passives: groupRange("passive"), detractors: groupRange("detractor"), unhappy: groupRange("unhappy") })}
          </p>
        </>
      )}
    </>
  );
}

function HeadlineFigures({ dashboard: d, isDoctor }: { dashboard: Dashboard; isDoctor: boolean }) {
  const msg = useMsg();
  const locale = useLocale();
  const totals = d.totals;
  const unresolved = d.feedback.unresolved;
  const n = (x: number) => formatCount(x, locale);
  return (
    <section aria-labelledby="headline" className="analytics-section">
      <h2 id="headline" className="visually-hidden">
        {msg("analytics.headline")}
      </h2>
      <dl className="kpis">
        <Kpi kpi="nps" label={msg("analytics.nps.label")} value={formatNps(totals.nps.score, locale)}>
          <NpsSplitBar promoters={totals.nps.promoters} passives={totals.nps.passives} detractors={totals.nps.detractors} />
          <NpsLegend nps={totals.nps} />
          <details className="kpi-explain">
            <summary>{msg("analytics.nps.what")}</summary>
            <p>{msg("analytics.nps.explain", { promoters: groupRange("promoter"), passives: groupRange("passive"), detractors: groupRange("detractor") })}</p>
          </details>
        </Kpi>
        <Kpi kpi="response" label={msg("analytics.response.label")} value={formatRate(totals.responseRate.rate, locale)}>
          {msg("analytics.response.detail", { rated: n(totals.responseRate.numerator), delivered: n(totals.responseRate.denominator) })}
        </Kpi>
        <Kpi kpi="delivery" label={msg("analytics.delivery.label")} value={formatRate(totals.deliveryRate.rate, locale)}>
          {msg("analytics.delivery.detail", { delivered: n(totals.delivered), sent: n(totals.sent) })}
        </Kpi>
        <Kpi kpi="reviews" label={msg("analytics.reviews.label")} value={formatRate(totals.reviewClickThrough.rate, locale)}>
          {msg("analytics.reviews.detail", { clicks: n(totals.reviewClickThrough.numerator), offered: n(totals.reviewClickThrough.denominator) })}
        </Kpi>
        <Kpi kpi="feedback" label={msg("analytics.feedback.label")} value={n(d.feedback.total)}>
          {unresolved === 0 ? msg("analytics.feedback.allHandled") : msg("analytics.feedback.unresolved", { count: n(unresolved) })}
          {isDoctor ? null : (
            <>
              {" · "}
              <Link to="/inbox">{msg("analytics.feedback.inbox")}</Link>
            </>
          )}
        </Kpi>
        <Kpi kpi="resolution" label={msg("analytics.resolution.label")} value={formatHours(d.feedback.medianResolutionHours, locale)}>
          {msg("analytics.resolution.detail", { count: n(d.feedback.resolved) })}
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
  const msg = useMsg();
  const locale = useLocale();
  return (
    <span className="nps-legend">
      <span className="nps-item">
        <span className="dot promoter" aria-hidden="true" />
        {msg("analytics.nps.promoters", { count: formatCount(nps.promoters, locale) })}
      </span>
      {" · "}
      <span className="nps-item">
        <span className="dot passive" aria-hidden="true" />
        {msg("analytics.nps.passives", { count: formatCount(nps.passives, locale) })}
      </span>
      {" · "}
      <span className="nps-item">
        <span className="dot detractor" aria-hidden="true" />
        {msg("analytics.nps.detractors", { count: formatCount(nps.detractors, locale) })}
      </span>
    </span>
  );
}

function NoData() {
  const msg = useMsg();
  return (
    <section className="card empty-state">
      <h2>{msg("analytics.empty.title")}</h2>
      <p>{msg("analytics.empty.body")}</p>
    </section>
  );
}

function RatingDistribution({ totals }: { totals: Dashboard["totals"] }) {
  const msg = useMsg();
  const locale = useLocale();
  const list = [5, 4, 3, 2, 1].map((r) => msg("analytics.distribution.item", { stars: r, count: formatCount(totals.ratingDistribution[r - 1]!, locale) })).join(", ");
  return (
    <section className="card" aria-labelledby="distribution">
      <h2 id="distribution">{msg("analytics.distribution")}</h2>
      <RatingBars
        distribution={totals.ratingDistribution}
        locale={locale}
        title={msg("analytics.distribution.title")}
        desc={msg("analytics.distribution.desc", { total: formatCount(totals.rated, locale), list })}
        labels={{ rating: msg("analytics.table.rating"), count: msg("analytics.table.count"), share: msg("analytics.table.share"), data: msg("analytics.table.show") }}
      />
    </section>
  );
}

/** NPS, and the response and delivery rates, per week; rates share a scale rounded up to 25 %. */
function WeeklyTrend({ weeks, views }: { weeks: Dashboard["weekly"]; views: WeekView[] }) {
  const msg = useMsg();
  const locale = useLocale();
  const rates = weeks.flatMap((w) => [w.responseRate.rate ?? 0, w.deliveryRate.rate ?? 0]);
  const rateMax = Math.max(1, Math.ceil(Math.max(0, ...rates) * 4) / 4);
  const rateTicks = Array.from({ length: Math.round(rateMax / 0.25) + 1 }, (_, i) => i * 0.25);
  const labels = views.map((v) => v.label);
  const partial = views.map((v) => v.partial);
  const first = labels[0] ?? "—";
  const last = labels.at(-1) ?? "—";
  const partialWeeks = views.filter((v) => v.partial);
  return (
    <section className="card" aria-labelledby="trend">
      <h2 id="trend">{msg("analytics.trend")}</h2>
      <div className="trend-charts">
        <LineChart
          title={msg("analytics.trend.nps.title")}
          desc={msg("analytics.trend.nps.desc", { count: weeks.length, first, last })}
          labels={labels}
          partial={partial}
          series={[{ name: "NPS", color: CHART_COLORS.nps, values: weeks.map((w) => w.nps.score) }]}
          yMin={-100}
          yMax={100}
          yTicks={[-100, -50, 0, 50, 100]}
          formatY={(v) => formatNps(v, locale)}
          dataLabel={msg("analytics.table.show")}
          labelHeader={msg("analytics.table.week")}
        />
        <LineChart
          title={msg("analytics.trend.rates.title")}
          desc={msg("analytics.trend.rates.desc", { first, last })}
          labels={labels}
          partial={partial}
          series={[
            { name: msg("analytics.series.response"), color: CHART_COLORS.response, values: weeks.map((w) => w.responseRate.rate) },
            { name: msg("analytics.series.delivery"), color: CHART_COLORS.axis, values: weeks.map((w) => w.deliveryRate.rate), dashed: true },
          ]}
          yMin={0}
          yMax={rateMax}
          yTicks={rateTicks}
          formatY={(v) => formatRate(v, locale)}
          dataLabel={msg("analytics.table.show")}
          labelHeader={msg("analytics.table.week")}
        />
      </div>
      {partialWeeks.map((w) => (
        <p key={w.label} className="hint" data-testid="partial-week">
          {msg("analytics.week.partialNote", { week: w.label, days: w.days })}
        </p>
      ))}
    </section>
  );
}

function BreakdownTable({ id, title, nameHeader, rows }: { id: string; title: string; nameHeader: string; rows: { key: string; name: string; f: Dashboard["totals"] }[] }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card analytics-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {/* On a phone the table scrolls sideways: the keyboard must reach it too (focusable, named region). */}
      <div className="table-scroll" role="region" aria-labelledby={id} tabIndex={0}>
        <table className="breakdown" data-breakdown={id}>
          <thead>
            <tr>
              <th scope="col">{nameHeader}</th>
              <th scope="col" className="num">
                {msg("analytics.col.requests")}
              </th>
              <th scope="col" className="num">
                {msg("analytics.col.response")}
              </th>
              <th scope="col" className="num">
                {msg("analytics.col.delivery")}
              </th>
              <th scope="col" className="num">
                {msg("analytics.col.nps")}
              </th>
              <th scope="col" className="num">
                {msg("analytics.col.reviewClicks")}
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
