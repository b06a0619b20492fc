// The pieces of a campaign's page (SPEC §5.10): header, outcome notice, the confirmation step of a
// staff action, live figures and the delivery funnel, patient filters, the per-patient timelines and
// their pages. Every action is a link to a plain GET confirmation, then a POST form: all of it works
// without JavaScript. "Unhappy" and the response rate mean what @rm/domain says.
import { Form, Link, useRevalidator, useSearchParams } from "@remix-run/react";
import type { CampaignActionTarget, CampaignDetailCounts } from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { PATIENT_FILTERS, SEARCH_MAX_LENGTH } from "@rm/campaigns/filters";
import { groupRange, responseRate } from "@rm/domain/ratings";
import { useEffect } from "react";
import { useLocale, useMsg } from "../../i18n.ts";
import { formatCount, formatRate } from "../charts.tsx";
import { CampaignStatusBadge } from "../campaign-status.tsx";
import { CsrfInput } from "../forms.tsx";
import { SelectFilter } from "../filters.tsx";

/** How often the counts refresh while the campaign is ACTIVE and the tab is visible. */
const REFRESH_MS = 15_000;

export interface CampaignSummary {
  id: string;
  name: string;
  kind: "FEEDBACK" | "BROADCAST";
  status: string;
  practiceName: string;
  doctorName: string | null;
  createdByName: string | null;
  created: string;
  cancelled: string | null;
  completed: string | null;
  timezone: string;
  scheduledHoursAfter: number;
  counts: CampaignDetailCounts;
}

export interface PatientView {
  id: string;
  contactId: string;
  name: string;
  phone: string | null;
  channel: "SMS" | "WHATSAPP";
  appointment: string;
  optedOut: boolean;
  erased: boolean;
  /** A failed step carries the provider's code and words for its detail; the label is the advice. */
  steps: { key: string; tone: string; label: string; at: string | null; errorCode?: string | null; providerText?: string | null }[];
}

const NOTICES = ["cancelled", "already_cancelled", "completed", "opted_out", "already_opted_out", "erased", "already_erased"] as const;

/** This page's URL with some parameters changed (null drops one); an outcome notice is never kept. */
export function useHere(): (extra: Record<string, string | null>) => string {
  const [params] = useSearchParams();
  return (extra) => {
    const next = new URLSearchParams(params);
    next.delete("notice");
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next.toString()}`;
  };
}

/** Revalidates the page every REFRESH_MS while `active` and the tab is visible. */
export function LiveRefresh({ active }: { active: boolean }) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);
  return null;
}

export function CampaignHeader({ campaign, cancellable }: { campaign: CampaignSummary; cancellable: boolean }) {
  const msg = useMsg();
  const here = useHere();
  const broadcast = campaign.kind === "BROADCAST";
  const parts = [
    msg(`broadcast.kind.${campaign.kind}`),
    campaign.practiceName,
    // A broadcast has no appointments: no doctor, no "hours after the appointment".
    ...(broadcast ? [] : [msg("campaign.header.doctor", { name: campaign.doctorName ?? "—" })]),
    campaign.createdByName ? msg("campaign.header.createdBy", { when: campaign.created, name: campaign.createdByName }) : msg("campaign.header.created", { when: campaign.created }),
    ...(broadcast ? [] : [msg("campaign.header.hoursAfter", { hours: campaign.scheduledHoursAfter })]),
    ...(campaign.cancelled ? [msg("campaign.header.cancelled", { when: campaign.cancelled })] : []),
    ...(campaign.completed ? [msg("campaign.header.completed", { when: campaign.completed })] : []),
    msg("campaign.header.timezone", { zone: campaign.timezone }),
  ];
  return (
    <>
      <p>
        <Link to="/campaigns">{msg("campaign.back")}</Link>
      </p>
      <div className="page-title">
        <h1>
          {campaign.name} <CampaignStatusBadge status={campaign.status} />
        </h1>
        {cancellable ? (
          <Link className="button danger" to={here({ confirm: "cancel", patient: null })}>
            {msg("campaign.cancel")}
          </Link>
        ) : null}
      </div>
      <p className="muted">{parts.join(" · ")}</p>
    </>
  );
}

/** What the last action did (`?notice=` after its redirect). */
export function ActionNotice() {
  const [params] = useSearchParams();
  const msg = useMsg();
  const notice = NOTICES.find((n) => n === params.get("notice"));
  if (!notice) return null;
  return (
    <p className="notice" role="status">
      {msg(`campaign.notice.${notice}`)}
    </p>
  );
}

/** The confirmation step: what the action does, then the POST (keeping the list's filters and page). */
export function ConfirmAction({ confirm, pending }: { confirm: CampaignActionTarget; pending: number }) {
  const [params] = useSearchParams();
  const msg = useMsg();
  const locale = useLocale();
  const here = useHere();
  const keep = (["status", "q", "cursor"] as const).map((k) => (params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k)!} /> : null));
  return (
    <section className="card warning-box" aria-labelledby="confirm-title" data-testid="confirm">
      {confirm.kind === "cancel" ? (
        <>
          <h2 id="confirm-title">{msg("campaign.confirm.cancel.title")}</h2>
          <p>{msg("campaign.confirm.cancel.body", { pending: formatCount(pending, locale) })}</p>
        </>
      ) : confirm.kind === "optout" ? (
        <>
          <h2 id="confirm-title">{msg("campaign.confirm.optout.title", { name: confirm.patient!.name })}</h2>
          <p>{msg("campaign.confirm.optout.body", { phone: confirm.patient!.phone })}</p>
        </>
      ) : (
        <>
          <h2 id="confirm-title">{msg("campaign.confirm.erase.title", { name: confirm.patient!.name })}</h2>
          <p>{msg("campaign.confirm.erase.body")}</p>
        </>
      )}
      <Form method="post" className="buttons">
        <CsrfInput />
        <input type="hidden" name="intent" value={confirm.kind} />
        <input type="hidden" name="confirmed" value="yes" />
        {confirm.patient ? <input type="hidden" name="patient" value={confirm.patient.id} /> : null}
        {keep}
        <button type="submit" className="danger">
          {confirm.kind === "cancel" ? msg("campaign.confirm.cancel.yes") : confirm.kind === "optout" ? msg("campaign.confirm.optout.yes") : msg("campaign.confirm.erase.yes")}
        </button>
        <Link className="button secondary" to={here({ confirm: null, patient: null })}>
          {msg("campaign.confirm.no")}
        </Link>
      </Form>
    </section>
  );
}

/** The campaign's counts; while it is active they refresh by themselves (a link does it without JavaScript). */
export function CampaignFigures({ counts: c, active }: { counts: CampaignDetailCounts; active: boolean }) {
  const msg = useMsg();
  const locale = useLocale();
  const here = useHere();
  const stats: [string, string, number][] = [
    ["patients", msg("campaign.figure.patients"), c.patients],
    ["pending", msg("campaign.figure.pending"), c.pending],
    ["skipped", msg("campaign.figure.skipped"), c.skipped],
    ["sent", msg("campaign.figure.sent"), c.sent],
    ["delivered", msg("campaign.figure.delivered"), c.delivered],
    ["read", msg("campaign.figure.read"), c.read],
    ["rated", msg("campaign.figure.rated"), c.rated],
    ["unhappy", msg("campaign.figure.unhappy", { range: groupRange("unhappy") }), c.unhappy],
    ["clicked", msg("campaign.figure.clicked"), c.clicked],
    ["failed", msg("campaign.figure.failed"), c.failed],
    ["optedOut", msg("campaign.figure.optedOut"), c.optedOut],
  ];
  return (
    <section className="card" aria-labelledby="counts-title">
      <h2 id="counts-title">{msg("campaign.figures")}</h2>
      <dl className="stats" data-testid="campaign-counts">
        {stats.map(([key, label, n]) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>{formatCount(n, locale)}</dd>
          </div>
        ))}
      </dl>
      {active ? (
        <p className="hint">
          {msg("campaign.figures.live")}{" "}
          <noscript>
            <Link to={here({})}>{msg("campaign.figures.refresh")}</Link>
          </noscript>
        </p>
      ) : null}
    </section>
  );
}

/**
 * The delivery funnel: the rating requests to send (queued: neither skipped nor cancelled before
 * sending), then sent, delivered, read and replied, each as a share of the queued; failed beside them.
 */
export function DeliveryFunnel({ counts: c }: { counts: CampaignDetailCounts }) {
  const msg = useMsg();
  const locale = useLocale();
  const queued = Math.max(0, c.patients - c.skipped - c.cancelled);
  const stages: [string, `campaign.funnel.${"queued" | "sent" | "delivered" | "read" | "replied" | "failed"}`, number][] = [
    ["queued", "campaign.funnel.queued", queued],
    ["sent", "campaign.funnel.sent", c.sent],
    ["delivered", "campaign.funnel.delivered", c.delivered],
    ["read", "campaign.funnel.read", c.read],
    ["replied", "campaign.funnel.replied", c.rated],
    ["failed", "campaign.funnel.failed", c.failed],
  ];
  const response = responseRate(c.rated, c.delivered);
  return (
    <section className="card" aria-labelledby="funnel-title">
      <h2 id="funnel-title">{msg("campaign.funnel")}</h2>
      <ol className="funnel" data-testid="delivery-funnel">
        {stages.map(([key, code, n]) => {
          const share = queued === 0 ? null : n / queued;
          return (
            <li key={key} className={`funnel-stage funnel-${key}`} data-stage={key}>
              <span className="funnel-label">{msg(code)}</span>
              <span className="funnel-count">{formatCount(n, locale)}</span>
              {/* Decorative (the count and share are text); an SVG because the CSP allows no inline styles. */}
              <svg className="funnel-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect x={0} y={0} width={100} height={10} fill="#eef2f6" rx={2} />
                <rect x={0} y={0} width={Math.round(Math.min(1, share ?? 0) * 100)} height={10} fill={key === "failed" ? "#a4161a" : "#1f5fa8"} rx={2} />
              </svg>
              <span className="funnel-share">{key === "queued" ? (c.pending > 0 ? msg("campaign.funnel.waiting", { count: formatCount(c.pending, locale) }) : "") : msg("campaign.funnel.share", { share: formatRate(share, locale) })}</span>
            </li>
          );
        })}
      </ol>
      <p className="hint" data-testid="response-rate">
        {msg("campaign.funnel.responseRate", { rate: formatRate(response.rate, locale), replied: formatCount(response.numerator, locale), delivered: formatCount(response.denominator, locale) })}{" "}
        {msg("campaign.funnel.noReceipt")}
      </p>
    </section>
  );
}

export function PatientFilters({ campaignId, filters }: { campaignId: string; filters: { status: string; q: string } }) {
  const msg = useMsg();
  const label = (f: (typeof PATIENT_FILTERS)[number]) => (f === "unhappy" ? msg("campaign.filter.unhappy", { range: groupRange("unhappy") }) : msg(`campaign.filter.${f as Exclude<typeof f, "unhappy">}`));
  return (
    // Keyed by the filters: after a client-side navigation the fields show the filters in force.
    <Form key={`${filters.status}|${filters.q}`} method="get" className="card filters" aria-label={msg("campaign.filter.label")}>
      <SelectFilter
        id="p-status"
        name="status"
        label={msg("campaign.filter.status")}
        allLabel={msg("campaign.filter.all")}
        defaultValue={filters.status}
        options={PATIENT_FILTERS.map((f) => ({ value: f, label: label(f) }))}
      />
      <div className="field">
        <label htmlFor="p-q">{msg("campaign.filter.q")}</label>
        <input id="p-q" name="q" type="search" maxLength={SEARCH_MAX_LENGTH} defaultValue={filters.q} />
      </div>
      <button type="submit">{msg("campaign.filter.search")}</button>
      {filters.status || filters.q ? <Link to={`/campaigns/${campaignId}`}>{msg("campaign.filter.clear")}</Link> : null}
    </Form>
  );
}

export function PatientTable({ patients }: { patients: PatientView[] }) {
  const msg = useMsg();
  if (patients.length === 0) return <p className="card empty-state">{msg("campaign.table.none")}</p>;
  return (
    <div className="table-scroll">
      <table className="card patient-table" data-testid="patient-table">
        <caption className="visually-hidden">{msg("campaign.table.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{msg("campaign.table.patient")}</th>
            <th scope="col">{msg("campaign.table.appointment")}</th>
            <th scope="col">{msg("campaign.table.timeline")}</th>
            <th scope="col">{msg("campaign.table.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((p) => (
            <tr key={p.id} data-testid="patient-row">
              <th scope="row">
                {p.erased ? <span className="muted">{msg("campaign.table.erased")}</span> : p.name}
                {p.phone ? <div className="muted phone">{p.phone}</div> : null}
                <div className="muted">{p.channel === "WHATSAPP" ? "WhatsApp" : "SMS"}</div>
              </th>
              <td className="when">{p.appointment}</td>
              <td>
                <PatientTimeline steps={p.steps} />
              </td>
              <td>{p.erased ? null : <PatientActions patient={p} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PatientTimeline({ steps }: { steps: PatientView["steps"] }) {
  const msg = useMsg();
  return (
    <ol className="timeline">
      {steps.map((s, i) => (
        <li key={`${s.key}-${i}`} className={`step step-${s.tone}`}>
          <span className="step-label">{s.label}</span>
          {s.at ? <time className="step-time">{s.at}</time> : null}
          {s.errorCode || s.providerText ? (
            <details className="step-detail">
              <summary>{msg("campaign.step.errorDetail")}</summary>
              {s.errorCode ? <span className="step-code">{msg("campaign.step.errorCode", { code: s.errorCode })}</span> : null}
              {s.providerText ? <span className="step-provider">{s.providerText}</span> : null}
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function PatientActions({ patient: p }: { patient: PatientView }) {
  const msg = useMsg();
  const here = useHere();
  return (
    <div className="actions">
      {p.optedOut ? null : (
        <Link to={here({ confirm: "optout", patient: p.id })} aria-label={msg("campaign.action.optout.label", { name: p.name })}>
          {msg("campaign.action.optout")}
        </Link>
      )}
      <Link to={here({ consent: p.id, confirm: null, patient: null })} aria-label={msg("consent.history.open", { name: p.name })}>
        {msg("consent.history.link")}
      </Link>
      <Link to={`/contacts/${p.contactId}`} aria-label={msg("contacts.link.open", { name: p.name })}>
        {msg("contacts.link")}
      </Link>
      <Link to={here({ confirm: "erase", patient: p.id })} aria-label={msg("campaign.action.erase.label", { name: p.name })}>
        {msg("campaign.action.erase")}
      </Link>
    </div>
  );
}

export function PatientPager({ paged, nextCursor }: { paged: boolean; nextCursor: string | null }) {
  const msg = useMsg();
  const here = useHere();
  return (
    <nav className="pager" aria-label={msg("campaign.pager")}>
      {paged ? <Link to={here({ cursor: null, confirm: null, patient: null })}>{msg("campaign.pager.first")}</Link> : null}
      {nextCursor ? <Link to={here({ cursor: nextCursor, confirm: null, patient: null })}>{msg("campaign.pager.next")}</Link> : null}
    </nav>
  );
}
