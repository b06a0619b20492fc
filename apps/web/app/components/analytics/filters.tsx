// The analytics page's header and filters: period presets as links, and a plain GET form (period,
// dates, practice, doctor) that works without JavaScript.
import { Form, Link } from "@remix-run/react";
import { DASHBOARD_PRESETS, type DashboardPreset, type DashboardRange } from "@rm/analytics/range";
import { useLocale, useT, type Translate } from "../../i18n.ts";
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

function formatDay(isoDate: string, locale: "es" | "en"): string {
  return new Intl.DateTimeFormat(locale === "es" ? "es-EC" : "en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function rangeLabel(t: Translate, locale: "es" | "en", form: AnalyticsForm): string {
  if (form.range === "all") return t("Todo el periodo", "All time");
  if (form.from && form.to) return t(`Del ${formatDay(form.from, locale)} al ${formatDay(form.to, locale)}`, `${formatDay(form.from, locale)} to ${formatDay(form.to, locale)}`);
  if (form.from) return t(`Desde el ${formatDay(form.from, locale)}`, `Since ${formatDay(form.from, locale)}`);
  if (form.to) return t(`Hasta el ${formatDay(form.to, locale)}`, `Until ${formatDay(form.to, locale)}`);
  return t("Todo el periodo", "All time");
}

/** A link to the page with one filter changed (presets keep practice and doctor). */
function presetHref(form: AnalyticsForm, range: DashboardPreset, isDoctor: boolean): string {
  const q = new URLSearchParams({ range });
  if (form.practice) q.set("practice", form.practice);
  if (form.doctor && !isDoctor) q.set("doctor", form.doctor);
  return `/analytics?${q}`;
}

function usePresetLabels(): Record<DashboardPreset, string> {
  const t = useT();
  return {
    "7": t("Últimos 7 días", "Last 7 days"),
    "30": t("Últimos 30 días", "Last 30 days"),
    "90": t("Últimos 90 días", "Last 90 days"),
    all: t("Todo el periodo", "All time"),
  };
}

/** The title, with what the figures cover: the period, whose campaigns, the time zone. */
export function AnalyticsHeader({ form, isDoctor, timezone }: { form: AnalyticsForm; isDoctor: boolean; timezone: string }) {
  const t = useT();
  const locale = useLocale();
  return (
    <div className="page-title">
      <div>
        <h1>{t("Analítica", "Analytics")}</h1>
        <p className="muted analytics-scope">
          {rangeLabel(t, locale, form)} · {isDoctor ? t("sus campañas", "your campaigns") : t("todo el espacio de trabajo", "whole workspace")} ·{" "}
          {t("zona horaria", "time zone")} {timezone}
        </p>
      </div>
    </div>
  );
}

export function AnalyticsFilters({ form, isDoctor, practices, doctors, error }: { form: AnalyticsForm; isDoctor: boolean; practices: Named[]; doctors: Named[]; error: FilterError | null }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="analytics-filters">
      <h2 id="analytics-filters" className="visually-hidden">
        {t("Filtros", "Filters")}
      </h2>
      <RangePresets form={form} isDoctor={isDoctor} />
      <Form method="get" className="filters analytics-filters">
        <input type="hidden" name="shownFrom" value={form.from} />
        <input type="hidden" name="shownTo" value={form.to} />
        <RangeFields form={form} error={error} />
        <SelectFilter id="practice" name="practice" label={t("Consultorio", "Practice")} allLabel={t("Todos los consultorios", "All practices")} defaultValue={form.practice} options={namedOptions(practices)} />
        {isDoctor ? null : (
          <SelectFilter id="doctor" name="doctor" label={t("Doctor", "Doctor")} allLabel={t("Todos los doctores", "All doctors")} defaultValue={form.doctor} options={namedOptions(doctors)} />
        )}
        <button type="submit">{t("Aplicar", "Apply")}</button>
      </Form>
      {error ? (
        <p className="error" role="alert" id="filter-error">
          {error === "order"
            ? t("La fecha «Desde» es posterior a «Hasta». Corrija el rango.", "The “From” date is after the “To” date. Fix the range.")
            : t("Fecha no válida: use el formato AAAA-MM-DD.", "Invalid date: use the YYYY-MM-DD format.")}
        </p>
      ) : null}
    </section>
  );
}

function RangePresets({ form, isDoctor }: { form: AnalyticsForm; isDoctor: boolean }) {
  const t = useT();
  const labels = usePresetLabels();
  return (
    <nav className="range-presets" aria-label={t("Periodos", "Periods")}>
      {DASHBOARD_PRESETS.map((p) => (
        <Link key={p} to={presetHref(form, p, isDoctor)} aria-current={form.range === p ? "true" : undefined} className={form.range === p ? "active" : undefined}>
          {labels[p]}
        </Link>
      ))}
    </nav>
  );
}

/** The period select and the two date fields (marked invalid while the dates are refused). */
function RangeFields({ form, error }: { form: AnalyticsForm; error: FilterError | null }) {
  const t = useT();
  const labels = usePresetLabels();
  const invalid = error ? { "aria-invalid": true, "aria-describedby": "filter-error" } : {};
  return (
    <>
      <div className="field">
        <label htmlFor="range">{t("Periodo", "Period")}</label>
        <select id="range" name="range" defaultValue={form.range}>
          {DASHBOARD_PRESETS.map((p) => (
            <option key={p} value={p}>
              {labels[p]}
            </option>
          ))}
          <option value="custom">{t("Personalizado (fechas)", "Custom (dates)")}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="from">{t("Desde", "From")}</label>
        <input id="from" name="from" type="date" defaultValue={form.from} {...invalid} />
      </div>
      <div className="field">
        <label htmlFor="to">{t("Hasta", "To")}</label>
        <input id="to" name="to" type="date" defaultValue={form.to} {...invalid} />
      </div>
    </>
  );
}
