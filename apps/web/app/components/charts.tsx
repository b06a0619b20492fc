// Server-rendered SVG charts for the analytics page: no chart library, no script needed. Every chart
// is an <svg role="img"> named by its <title> and described by its <desc>, with its numbers in a
// table next to it (a <details> that opens without JavaScript).
import { useId, type ReactNode } from "react";
import type { Locale } from "../i18n.ts";

// Number formatting written out (not Intl): the server and the browser must print the same text.
function group(int: string, sep: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** 450115 → "450.115" (es) / "450,115" (en). */
export function formatCount(n: number, locale: Locale): string {
  const s = group(String(Math.round(Math.abs(n))), locale === "es" ? "." : ",");
  return n < 0 ? `−${s}` : s;
}

/** A number with at most `digits` decimals (trailing zeros dropped), in the locale's notation. */
export function formatDecimal(n: number, locale: Locale, digits = 1): string {
  const fixed = Math.abs(n).toFixed(digits).replace(/\.?0+$/, "");
  const [int = "0", frac] = fixed.split(".");
  const body = group(int, locale === "es" ? "." : ",") + (frac ? (locale === "es" ? "," : ".") + frac : "");
  return n < 0 && Number(fixed) !== 0 ? `−${body}` : body;
}

/** 0.714 → "71,4 %" (es) / "71.4%" (en); null → "—". */
export function formatRate(rate: number | null, locale: Locale): string {
  if (rate === null) return "—";
  const v = formatDecimal(rate * 100, locale, 1);
  return locale === "es" ? `${v} %` : `${v}%`;
}

/** NPS rounded to a whole number, with its sign; null → "—". */
export function formatNps(score: number | null, locale: Locale): string {
  if (score === null) return "—";
  const r = Math.round(score);
  return r > 0 ? `+${formatCount(r, locale)}` : formatCount(r, locale);
}

/** Hours as "5,5 h" up to two days, then "3,2 d"; null → "—". */
export function formatHours(hours: number | null, locale: Locale): string {
  if (hours === null) return "—";
  if (hours < 48) return `${formatDecimal(hours, locale, 1)} h`;
  return `${formatDecimal(hours / 24, locale, 1)} d`;
}

export const CHART_COLORS = {
  promoter: "#0b6e4f",
  passive: "#b7791f",
  detractor: "#a4161a",
  nps: "#0b6e4f",
  response: "#1f5fa8",
  grid: "#d5dbe3",
  axis: "#5b6675",
} as const;

const RATING_COLORS = [CHART_COLORS.detractor, CHART_COLORS.detractor, CHART_COLORS.passive, CHART_COLORS.promoter, CHART_COLORS.promoter];

interface FigureProps {
  /** Label of the <details> holding the table. */
  dataLabel: string;
  table: ReactNode;
  children: (ids: { title: string; desc: string }) => ReactNode;
  className?: string;
}

/** A chart with its accessible name and description, and its data as a table. */
function ChartFigure({ dataLabel, table, children, className }: FigureProps) {
  const id = useId();
  const ids = { title: `${id}-title`, desc: `${id}-desc` };
  return (
    <figure className={`chart ${className ?? ""}`}>
      {children(ids)}
      <details className="chart-data">
        <summary>{dataLabel}</summary>
        {table}
      </details>
    </figure>
  );
}

export interface RatingBarsProps {
  /** Counts of 1…5 (index 0 = ones). */
  distribution: readonly number[];
  locale: Locale;
  title: string;
  desc: string;
  labels: { rating: string; count: string; share: string; data: string };
}

/** Rating distribution: one horizontal bar per rating, 5 at the top, with count and share. */
export function RatingBars({ distribution, locale, title, desc, labels }: RatingBarsProps) {
  const total = distribution.reduce((a, b) => a + b, 0);
  const max = Math.max(1, ...distribution);
  const rows = [5, 4, 3, 2, 1];
  const rowH = 30;
  const barX = 52;
  const barW = 300;
  const share = (n: number) => (total === 0 ? null : n / total);
  return (
    <ChartFigure
      className="bars"
      dataLabel={labels.data}
      table={
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labels.rating}</th>
              <th scope="col">{labels.count}</th>
              <th scope="col">{labels.share}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r}>
                <th scope="row">{r} ★</th>
                <td>{formatCount(distribution[r - 1] ?? 0, locale)}</td>
                <td>{formatRate(share(distribution[r - 1] ?? 0), locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {(ids) => (
        <svg className="chart-svg" viewBox={`0 0 480 ${rows.length * rowH + 8}`} role="img" aria-labelledby={ids.title} aria-describedby={ids.desc}>
          <title id={ids.title}>{title}</title>
          <desc id={ids.desc}>{desc}</desc>
          {rows.map((r, i) => {
            const n = distribution[r - 1] ?? 0;
            const w = (n / max) * barW;
            const y = 4 + i * rowH;
            return (
              <g key={r} data-rating={r}>
                <text x={0} y={y + 19} className="chart-label">
                  {r} ★
                </text>
                <rect x={barX} y={y + 4} width={barW} height={20} fill="#eef2f6" rx={3} />
                <rect x={barX} y={y + 4} width={Math.max(n > 0 ? 2 : 0, w)} height={20} fill={RATING_COLORS[r - 1]} rx={3} />
                <text x={barX + barW + 8} y={y + 19} className="chart-value">
                  {formatCount(n, locale)} · {formatRate(share(n), locale)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </ChartFigure>
  );
}

export interface LineSeries {
  name: string;
  color: string;
  /** One value per label; null where there is nothing to show (a gap in the line). */
  values: readonly (number | null)[];
  dashed?: boolean;
}

export interface LineChartProps {
  title: string;
  desc: string;
  /** X labels (e.g. weeks), oldest first, all different. */
  labels: readonly string[];
  /** Points drawn hollow, their line dashed: a week the period covers only in part. */
  partial?: readonly boolean[];
  series: readonly LineSeries[];
  yMin: number;
  yMax: number;
  yTicks: readonly number[];
  formatY: (v: number) => string;
  dataLabel: string;
  /** Header of the label column of the table. */
  labelHeader: string;
}

/** Approximate width of an axis label (12 px text, ~0.6 em per character, plus a gap). */
export function axisLabelWidth(label: string): number {
  return label.length * 7.2 + 10;
}

/**
 * Which x labels to print so that none overlaps another: evenly spaced, counted back from the last one
 * (always shown), as many as fit `plotW` for the widest label.
 */
export function shownAxisLabels(labels: readonly string[], plotW: number): boolean[] {
  const n = labels.length;
  if (n === 0) return [];
  const widest = Math.max(...labels.map(axisLabelWidth));
  const spacing = n <= 1 ? plotW : plotW / (n - 1);
  const step = Math.max(1, Math.ceil(widest / spacing));
  return labels.map((_, i) => (n - 1 - i) % step === 0);
}

/** A line per series over the labels, gaps where a value is null, with a small legend. */
export function LineChart({ title, desc, labels, partial = [], series, yMin, yMax, yTicks, formatY, dataLabel, labelHeader }: LineChartProps) {
  const W = 480;
  const H = 210;
  const left = 48;
  // Room for half of the last label, which is centred on the last point.
  const right = Math.max(12, Math.ceil((labels.length ? axisLabelWidth(labels[labels.length - 1]!) : 0) / 2));
  const top = 12;
  const bottom = 44;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const x = (i: number) => left + (labels.length <= 1 ? plotW / 2 : (i / (labels.length - 1)) * plotW);
  const y = (v: number) => top + (1 - (Math.min(yMax, Math.max(yMin, v)) - yMin) / (yMax - yMin)) * plotH;
  const printed = shownAxisLabels(labels, plotW);
  const shown = (i: number) => printed[i] === true;
  return (
    <ChartFigure
      dataLabel={dataLabel}
      table={
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] === null || s.values[i] === undefined ? "—" : formatY(s.values[i]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {(ids) => (
        <>
          <svg className="chart-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={ids.title} aria-describedby={ids.desc}>
            <title id={ids.title}>{title}</title>
            <desc id={ids.desc}>{desc}</desc>
            {yTicks.map((v) => (
              <g key={v}>
                <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} stroke={CHART_COLORS.grid} strokeDasharray={v === 0 ? undefined : "3 3"} />
                <text x={left - 6} y={y(v) + 4} textAnchor="end" className="chart-axis">
                  {formatY(v)}
                </text>
              </g>
            ))}
            {labels.map((label, i) =>
              shown(i) ? (
                <text key={label} x={x(i)} y={H - bottom + 18} textAnchor="middle" className="chart-axis">
                  {label}
                </text>
              ) : null,
            )}
            {series.map((s) => {
              // Segments between gaps, each a polyline; a lone point is a dot.
              const segments: { i: number; v: number }[][] = [];
              let current: { i: number; v: number }[] = [];
              s.values.forEach((v, i) => {
                if (v === null || v === undefined) {
                  if (current.length) segments.push(current);
                  current = [];
                } else current.push({ i, v });
              });
              if (current.length) segments.push(current);
              return (
                <g key={s.name} data-series={s.name}>
                  {segments.flatMap((seg) =>
                    // A line into or out of a partial week is drawn dashed: its figure is not comparable yet.
                    seg.slice(1).map((p, k) => {
                      const prev = seg[k]!;
                      const dashed = s.dashed || partial[p.i] === true || partial[prev.i] === true;
                      return (
                        <line
                          key={p.i}
                          x1={x(prev.i).toFixed(1)}
                          y1={y(prev.v).toFixed(1)}
                          x2={x(p.i).toFixed(1)}
                          y2={y(p.v).toFixed(1)}
                          stroke={s.color}
                          strokeWidth={2.5}
                          strokeLinecap="round"
                          strokeDasharray={dashed ? "6 4" : undefined}
                        />
                      );
                    }),
                  )}
                  {segments.flat().map((p) =>
                    partial[p.i] ? (
                      <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={3.5} fill="#fff" stroke={s.color} strokeWidth={2} data-partial="true" />
                    ) : (
                      <circle key={p.i} cx={x(p.i)} cy={y(p.v)} r={3} fill={s.color} />
                    ),
                  )}
                </g>
              );
            })}
          </svg>
          <ul className="chart-legend" aria-hidden="true">
            {series.map((s) => (
              <li key={s.name}>
                <svg width="24" height="10" viewBox="0 0 24 10" aria-hidden="true" focusable="false">
                  <line x1="0" x2="24" y1="5" y2="5" stroke={s.color} strokeWidth="3" strokeDasharray={s.dashed ? "6 4" : undefined} />
                </svg>
                {s.name}
              </li>
            ))}
          </ul>
        </>
      )}
    </ChartFigure>
  );
}

/** NPS split: promoters, passives and detractors as one stacked bar (decorative: the numbers are in text next to it). */
export function NpsSplitBar({ promoters, passives, detractors }: { promoters: number; passives: number; detractors: number }) {
  const total = promoters + passives + detractors;
  const w = (n: number) => (total === 0 ? 0 : (n / total) * 200);
  return (
    <svg className="nps-split" viewBox="0 0 200 12" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <rect x={0} y={0} width={200} height={12} fill="#eef2f6" rx={3} />
      <rect x={0} y={0} width={w(promoters)} height={12} fill={CHART_COLORS.promoter} />
      <rect x={w(promoters)} y={0} width={w(passives)} height={12} fill={CHART_COLORS.passive} />
      <rect x={w(promoters) + w(passives)} y={0} width={w(detractors)} height={12} fill={CHART_COLORS.detractor} />
    </svg>
  );
}

/**
 * A small bar for a table cell (decorative: the cell's text carries the number). `min` below 0
 * draws from a zero line (NPS from −100 to 100).
 */
export function InlineBar({ value, min = 0, max = 1, color = CHART_COLORS.response }: { value: number | null; min?: number; max?: number; color?: string }) {
  const W = 80;
  const zero = ((0 - min) / (max - min)) * W;
  const pos = value === null ? zero : ((Math.min(max, Math.max(min, value)) - min) / (max - min)) * W;
  const fill = value !== null && value < 0 ? CHART_COLORS.detractor : color;
  return (
    <svg className="inline-bar" width={W} height={10} viewBox={`0 0 ${W} 10`} aria-hidden="true" focusable="false">
      <rect x={0} y={0} width={W} height={10} fill="#eef2f6" rx={2} />
      {value === null ? null : <rect x={Math.min(zero, pos)} y={0} width={Math.abs(pos - zero)} height={10} fill={fill} rx={2} />}
      {min < 0 ? <line x1={zero} x2={zero} y1={0} y2={10} stroke={CHART_COLORS.axis} strokeWidth={1} /> : null}
    </svg>
  );
}
