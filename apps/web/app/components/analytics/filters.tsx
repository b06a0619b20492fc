// The analytics page's header and its one filter form: the period (presets and custom dates as one
// control), practice and doctor, a plain GET form that works without JavaScript. Without script,
// dates edited while a preset is picked make the range custom (resolveDashboardRange); with script,
// editing a date picks "custom" at once, and picking a preset puts the dates back as shown, so the
// control always shows what will happen.
import { Form } from "@remix-run/react";
import { DASHBOARD_PRESETS, type DashboardRange } from "@rm/analytics/range";
import type { MessageCode, Msg } from "@rm/catalogue";
import { useRef } from "react";
import { useLocale, useMsg, type Locale } from "../../i18n.ts";
import { namedOptions, SelectFilter } from "../filters.tsx";

export interface AnalyticsForm {
  range: DashboardRange;
  from: string;
  to: string;
  practice: string;
  doctor: string;
}

/** Why the dates were refused: "From" after "To", or not a date. */
export type FilterError = "order" | "date";

type Named = { id: string; name: string };

function formatDay(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "es" ? "es-EC" : "en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function rangeLabel(msg: Msg, locale: Locale, form: AnalyticsForm): string {
  if (form.range === "all") return msg("analytics.scope.all");
  if (form.from && form.to) return msg("analytics.scope.between", { from: formatDay(form.from, locale), to: formatDay(form.to, locale) });
  if (form.from) return msg("analytics.scope.since", { from: formatDay(form.from, locale) });
  if (form.to) return msg("analytics.scope.until", { to: formatDay(form.to, locale) });
  return msg("analytics.scope.all");
}

const RANGE_LABELS: Record<DashboardRange, MessageCode> = {
  "7": "analytics.range.7",
  "30": "analytics.range.30",
  "90": "analytics.range.90",
  all: "analytics.range.all",
  custom: "analytics.range.custom",
};

/** The title, with what the figures cover: the period, whose campaigns, the time zone. */
export function AnalyticsHeader({ form, isDoctor, timezone }: { form: AnalyticsForm; isDoctor: boolean; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <div className="page-title">
      <div>
        <h1>{msg("analytics.title")}</h1>
        <p className="muted analytics-scope">
          {rangeLabel(msg, locale, form)} · {isDoctor ? msg("analytics.scope.doctor") : msg("analytics.scope.workspace")} · {msg("analytics.scope.timezone", { zone: timezone })}
        </p>
      </div>
    </div>
  );
}

export function AnalyticsFilters({ form, isDoctor, practices, doctors, error }: { form: AnalyticsForm; isDoctor: boolean; practices: Named[]; doctors: Named[]; error: FilterError | null }) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="analytics-filters">
      <h2 id="analytics-filters" className="visually-hidden">
        {msg("analytics.filters")}
      </h2>
      {/* Keyed by the filters in force: after a client-side navigation the fields show them. */}
      <Form key={`${form.range}|${form.from}|${form.to}|${form.practice}|${form.doctor}`} method="get" className="filters analytics-filters">
        <input type="hidden" name="shownFrom" value={form.from} />
        <input type="hidden" name="shownTo" value={form.to} />
        <RangeControl form={form} error={error} />
        <SelectFilter id="practice" name="practice" label={msg("analytics.practice")} allLabel={msg("analytics.practice.all")} defaultValue={form.practice} options={namedOptions(practices)} />
        {isDoctor ? null : <SelectFilter id="doctor" name="doctor" label={msg("analytics.doctor")} allLabel={msg("analytics.doctor.all")} defaultValue={form.doctor} options={namedOptions(doctors)} />}
        <button type="submit">{msg("analytics.apply")}</button>
      </Form>
      {error ? (
        <p className="error" role="alert" id="filter-error">
          {error === "order" ? msg("analytics.error.order") : msg("analytics.error.date")}
        </p>
      ) : null}
    </section>
  );
}

/** The period: one radio group (presets, then custom) with the custom dates beside it. */
function RangeControl({ form, error }: { form: AnalyticsForm; error: FilterError | null }) {
  const msg = useMsg();
  const custom = useRef<HTMLInputElement>(null);
  const from = useRef<HTMLInputElement>(null);
  const to = useRef<HTMLInputElement>(null);
  const invalid = error ? { "aria-invalid": true, "aria-describedby": "filter-error" } : {};
  const pickCustom = () => {
    if (custom.current) custom.current.checked = true;
  };
  const pickPreset = () => {
    if (from.current) from.current.value = form.from;
    if (to.current) to.current.value = form.to;
  };
  return (
    <fieldset className="range-control">
      <legend>{msg("analytics.range.legend")}</legend>
      <div className="range-options">
        {[...DASHBOARD_PRESETS, "custom" as const].map((r) => (
          <label key={r} className="range-option">
            <input type="radio" name="range" value={r} defaultChecked={form.range === r} ref={r === "custom" ? custom : undefined} onChange={r === "custom" ? undefined : pickPreset} />
            <span>{msg(RANGE_LABELS[r])}</span>
          </label>
        ))}
      </div>
      <div className="range-dates">
        <div className="field">
          <label htmlFor="from">{msg("analytics.range.from")}</label>
          <input id="from" name="from" type="date" ref={from} defaultValue={form.from} onChange={pickCustom} {...invalid} />
        </div>
        <div className="field">
          <label htmlFor="to">{msg("analytics.range.to")}</label>
          <input id="to" name="to" type="date" ref={to} defaultValue={form.to} onChange={pickCustom} {...invalid} />
        </div>
      </div>
      <p className="hint">{msg("analytics.range.hint")}</p>
    </fieldset>
  );
}
