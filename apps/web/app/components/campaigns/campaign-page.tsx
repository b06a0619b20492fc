// The pieces of a campaign's page (SPEC §5.10): header, outcome notice, the confirmation step of a
// staff action, live figures, patient filters, the per-patient timelines and their pages. Every
// action is a link to a plain GET confirmation, then a POST form: all of it works without JavaScript.
import { Form, Link, useRevalidator, useSearchParams } from "@remix-run/react";
import type { CampaignActionTarget, CampaignDetailCounts } from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { PATIENT_FILTERS, SEARCH_MAX_LENGTH } from "@rm/campaigns/filters";
import { useEffect } from "react";
import { useMsg, useT } from "../../i18n.ts";
import { CampaignStatusBadge } from "../campaign-status.tsx";
import { CsrfInput } from "../forms.tsx";
import { SelectFilter } from "../filters.tsx";

/** How often the counts refresh while the campaign is ACTIVE and the tab is visible. */
const REFRESH_MS = 15_000;

export interface CampaignSummary {
  id: string;
  name: string;
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
  steps: { key: string; tone: string; label: string; at: string | null }[];
}

const NOTICES: Record<string, [string, string]> = {
  cancelled: ["Campaña cancelada. Los envíos pendientes se anularon y sus créditos volvieron a su saldo.", "Campaign cancelled. Pending sends were stopped and their credits returned to your balance."],
  already_cancelled: ["La campaña ya estaba cancelada.", "The campaign was already cancelled."],
  completed: ["La campaña ya terminó; no hay nada que cancelar.", "The campaign has already completed; there is nothing to cancel."],
  opted_out: ["Paciente dado de baja: no recibirá más mensajes de este espacio de trabajo.", "Patient opted out: they will get no more messages from this workspace."],
  already_opted_out: ["El paciente ya estaba dado de baja.", "The patient had already opted out."],
  erased: ["Datos personales del paciente eliminados. Las cifras de la campaña se mantienen.", "The patient's personal data was erased. The campaign's figures are kept."],
  already_erased: ["Los datos de este paciente ya estaban eliminados.", "This patient's data had already been erased."],
};

const FILTER_LABELS: Record<(typeof PATIENT_FILTERS)[number], [string, string]> = {
  pending: ["Pendientes", "Pending"],
  sent: ["Enviados", "Sent"],
  delivered: ["Entregados", "Delivered"],
  rated: ["Calificados", "Rated"],
  unhappy: ["Insatisfechos (1–3)", "Unhappy (1–3)"],
  failed: ["Fallidos", "Failed"],
  opted_out: ["Dados de baja", "Opted out"],
  skipped: ["Omitidos", "Skipped"],
};

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
  const t = useT();
  const here = useHere();
  return (
    <>
      <p>
        <Link to="/campaigns">{t("← Campañas", "← Campaigns")}</Link>
      </p>
      <div className="page-title">
        <h1>
          {campaign.name} <CampaignStatusBadge status={campaign.status} />
        </h1>
        {cancellable ? (
          <Link className="button danger" to={here({ confirm: "cancel", patient: null })}>
            {t("Cancelar campaña", "Cancel campaign")}
          </Link>
        ) : null}
      </div>
      <p className="muted">
        {campaign.practiceName} · {t("Médico", "Doctor")}: {campaign.doctorName ?? "—"} · {t("Creada", "Created")} {campaign.created}
        {campaign.createdByName ? ` ${t("por", "by")} ${campaign.createdByName}` : ""} · {t(`Envío ${campaign.scheduledHoursAfter} h después de la cita`, `Sent ${campaign.scheduledHoursAfter} h after the appointment`)}
        {campaign.cancelled ? ` · ${t("Cancelada", "Cancelled")} ${campaign.cancelled}` : ""}
        {campaign.completed ? ` · ${t("Completada", "Completed")} ${campaign.completed}` : ""} · {t("Horas en", "Times in")} {campaign.timezone}
      </p>
    </>
  );
}

/** What the last action did (`?notice=` after its redirect). */
export function ActionNotice() {
  const [params] = useSearchParams();
  const t = useT();
  const notice = NOTICES[params.get("notice") ?? ""];
  if (!notice) return null;
  return (
    <p className="notice" role="status">
      {t(notice[0], notice[1])}
    </p>
  );
}

/** The confirmation step: what the action does, then the POST (keeping the list's filters and page). */
export function ConfirmAction({ confirm, pending }: { confirm: CampaignActionTarget; pending: number }) {
  const [params] = useSearchParams();
  const t = useT();
  const here = useHere();
  const keep = (["status", "q", "cursor"] as const).map((k) => (params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k)!} /> : null));
  return (
    <section className="card warning-box" aria-labelledby="confirm-title" data-testid="confirm">
      {confirm.kind === "cancel" ? (
        <>
          <h2 id="confirm-title">{t("¿Cancelar esta campaña?", "Cancel this campaign?")}</h2>
          <p>
            {t(
              `Se anularán los ${pending} envíos pendientes y sus créditos volverán a su saldo. Los mensajes ya enviados no se pueden retirar. Esta acción no se puede deshacer.`,
              `The ${pending} pending sends will be stopped and their credits returned to your balance. Messages already sent cannot be recalled. This cannot be undone.`,
            )}
          </p>
        </>
      ) : confirm.kind === "optout" ? (
        <>
          <h2 id="confirm-title">{t(`¿Dar de baja a ${confirm.patient!.name}?`, `Opt ${confirm.patient!.name} out?`)}</h2>
          <p>
            {t(
              `El teléfono ${confirm.patient!.phone} no recibirá más mensajes de ninguna campaña de este espacio de trabajo; los envíos pendientes se anulan.`,
              `${confirm.patient!.phone} will get no more messages from any campaign of this workspace; pending sends are stopped.`,
            )}
          </p>
        </>
      ) : (
        <>
          <h2 id="confirm-title">{t(`¿Eliminar los datos de ${confirm.patient!.name}?`, `Erase ${confirm.patient!.name}'s data?`)}</h2>
          <p>
            {t(
              "Se borran el nombre, el teléfono, el correo, los textos de los mensajes, las respuestas y los comentarios de esta persona en todas las campañas; se conservan las calificaciones y las cifras. El número no volverá a recibir mensajes. Esta acción no se puede deshacer.",
              "The name, phone, email, message texts, replies and feedback of this person are removed from every campaign; ratings and figures are kept. The number will never be messaged again. This cannot be undone.",
            )}
          </p>
        </>
      )}
      <Form method="post" className="buttons">
        <CsrfInput />
        <input type="hidden" name="intent" value={confirm.kind} />
        <input type="hidden" name="confirmed" value="yes" />
        {confirm.patient ? <input type="hidden" name="patient" value={confirm.patient.id} /> : null}
        {keep}
        <button type="submit" className="danger">
          {confirm.kind === "cancel" ? t("Sí, cancelar la campaña", "Yes, cancel the campaign") : confirm.kind === "optout" ? t("Sí, dar de baja", "Yes, opt out") : t("Sí, eliminar sus datos", "Yes, erase their data")}
        </button>
        <Link className="button secondary" to={here({ confirm: null, patient: null })}>
          {t("No, volver", "No, go back")}
        </Link>
      </Form>
    </section>
  );
}

/** The campaign's counts; while it is active they refresh by themselves (a link does it without JavaScript). */
export function CampaignFigures({ counts: c, active }: { counts: CampaignDetailCounts; active: boolean }) {
  const t = useT();
  const here = useHere();
  const stats: [string, string, number][] = [
    ["Pacientes", "Patients", c.patients],
    ["Pendientes", "Pending", c.pending],
    ["Omitidos", "Skipped", c.skipped],
    ["Enviados", "Sent", c.sent],
    ["Entregados", "Delivered", c.delivered],
    ["Leídos", "Read", c.read],
    ["Calificados", "Rated", c.rated],
    ["Insatisfechos (1–3)", "Unhappy (1–3)", c.unhappy],
    ["Clics a reseña", "Review clicks", c.clicked],
    ["Fallidos", "Failed", c.failed],
    ["Dados de baja", "Opted out", c.optedOut],
  ];
  return (
    <section className="card" aria-labelledby="counts-title">
      <h2 id="counts-title">{t("Cifras", "Figures")}</h2>
      <dl className="stats" data-testid="campaign-counts">
        {stats.map(([es, en, n]) => (
          <div key={en}>
            <dt>{t(es, en)}</dt>
            <dd>{n.toLocaleString("es-EC")}</dd>
          </div>
        ))}
      </dl>
      {active ? (
        <p className="hint">
          {t("Las cifras se actualizan solas mientras la campaña está activa.", "Figures refresh by themselves while the campaign is active.")}{" "}
          <noscript>
            <Link to={here({})}>{t("Actualizar ahora", "Refresh now")}</Link>
          </noscript>
        </p>
      ) : null}
    </section>
  );
}

export function PatientFilters({ campaignId, filters }: { campaignId: string; filters: { status: string; q: string } }) {
  const t = useT();
  return (
    // Keyed by the filters: after a client-side navigation the fields show the filters in force.
    <Form key={`${filters.status}|${filters.q}`} method="get" className="card filters" aria-label={t("Filtrar pacientes", "Filter patients")}>
      <SelectFilter
        id="p-status"
        name="status"
        label={t("Estado", "Status")}
        allLabel={t("Todos", "All")}
        defaultValue={filters.status}
        options={PATIENT_FILTERS.map((f) => ({ value: f, label: t(FILTER_LABELS[f][0], FILTER_LABELS[f][1]) }))}
      />
      <div className="field">
        <label htmlFor="p-q">{t("Nombre o teléfono", "Name or phone")}</label>
        <input id="p-q" name="q" type="search" maxLength={SEARCH_MAX_LENGTH} defaultValue={filters.q} />
      </div>
      <button type="submit">{t("Buscar", "Search")}</button>
      {filters.status || filters.q ? <Link to={`/campaigns/${campaignId}`}>{t("Quitar filtros", "Clear filters")}</Link> : null}
    </Form>
  );
}

export function PatientTable({ patients }: { patients: PatientView[] }) {
  const t = useT();
  if (patients.length === 0) return <p className="card empty-state">{t("Ningún paciente coincide.", "No patient matches.")}</p>;
  return (
    <div className="table-scroll">
      <table className="card patient-table" data-testid="patient-table">
        <caption className="visually-hidden">{t("Pacientes de la campaña y su recorrido", "The campaign's patients and their timeline")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("Paciente", "Patient")}</th>
            <th scope="col">{t("Cita", "Appointment")}</th>
            <th scope="col">{t("Recorrido", "Timeline")}</th>
            <th scope="col">{t("Acciones", "Actions")}</th>
          </tr>
        </thead>
        <tbody>
          {patients.map((p) => (
            <tr key={p.id} data-testid="patient-row">
              <th scope="row">
                {p.erased ? <span className="muted">{t("Paciente eliminado", "Erased patient")}</span> : p.name}
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
  return (
    <ol className="timeline">
      {steps.map((s, i) => (
        <li key={`${s.key}-${i}`} className={`step step-${s.tone}`}>
          <span className="step-label">{s.label}</span>
          {s.at ? <time className="step-time">{s.at}</time> : null}
        </li>
      ))}
    </ol>
  );
}

function PatientActions({ patient: p }: { patient: PatientView }) {
  const t = useT();
  const msg = useMsg();
  const here = useHere();
  return (
    <div className="actions">
      {p.optedOut ? null : (
        <Link to={here({ confirm: "optout", patient: p.id })} aria-label={t(`Dar de baja a ${p.name}`, `Opt ${p.name} out`)}>
          {t("Dar de baja", "Opt out")}
        </Link>
      )}
      <Link to={here({ consent: p.id, confirm: null, patient: null })} aria-label={msg("consent.history.open", { name: p.name })}>
        {msg("consent.history.link")}
      </Link>
      <Link to={`/contacts/${p.contactId}`} aria-label={msg("contacts.link.open", { name: p.name })}>
        {msg("contacts.link")}
      </Link>
      <Link to={here({ confirm: "erase", patient: p.id })} aria-label={t(`Eliminar datos de ${p.name}`, `Erase ${p.name}'s data`)}>
        {t("Eliminar datos", "Erase data")}
      </Link>
    </div>
  );
}

export function PatientPager({ paged, nextCursor }: { paged: boolean; nextCursor: string | null }) {
  const t = useT();
  const here = useHere();
  return (
    <nav className="pager" aria-label={t("Páginas de pacientes", "Patient pages")}>
      {paged ? <Link to={here({ cursor: null, confirm: null, patient: null })}>{t("← Primera página", "← First page")}</Link> : null}
      {nextCursor ? <Link to={here({ cursor: nextCursor, confirm: null, patient: null })}>{t("Siguientes pacientes →", "Next patients →")}</Link> : null}
    </nav>
  );
}
