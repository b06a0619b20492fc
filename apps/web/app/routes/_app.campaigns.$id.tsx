// A campaign's page (SPEC §5.10): header with live counts (refreshed politely while the campaign is
// ACTIVE and JavaScript is on; a plain reload without it), per-patient timelines with filters, search
// and keyset pages, and the staff actions — cancel the campaign, opt a patient out, erase a patient —
// each behind a confirmation step that is a plain GET page, then a POST with the CSRF token.
// Owners and the assigned doctor only; another doctor's campaign and another workspace's id answer 404,
// a receptionist 403 (list only).
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import {
  cancelCampaign,
  erasePatient,
  findCampaignPatient,
  appointmentScope,
  listCampaignPatients,
  loadCampaign,
  optOutPatient,
  parsePatientListFilters,
  type TimelineStep,
} from "@rm/campaigns";
// Constants the page renders: from the dependency-free subpath, so the browser bundle gets no server code.
import { PATIENT_FILTERS, SEARCH_MAX_LENGTH } from "@rm/campaigns/filters";
import { retriedText, retryGaveUpText, retryWaitingText } from "@rm/domain";
import type { Msg } from "@rm/catalogue";
import { useEffect } from "react";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { CampaignStatusBadge } from "../components/campaign-status.tsx";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { LOCALE_TAGS, msgFor, translator, useT, type Locale, type Translate } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.name ?? "Campaña"} · Reputation Manager` }];

/** How often the counts refresh while the campaign is ACTIVE and the tab is visible. */
const REFRESH_MS = 15_000;

const CONFIRMS = ["cancel", "optout", "erase"] as const;
type Confirm = (typeof CONFIRMS)[number];

function formatter(locale: Locale, timeZone: string) {
  const f = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { day: "numeric", month: "short", hour: "numeric", minute: "2-digit", timeZone });
  return (d: Date | null) => (d ? f.format(d) : null);
}

const SKIP_REASONS: Record<string, [string, string]> = {
  NO_CONSENT: ["sin consentimiento", "no consent"],
  OPTED_OUT: ["pidió no recibir mensajes", "opted out"],
  ERASED: ["datos eliminados", "data erased"],
  COOLDOWN: ["ya se le preguntó hace poco (período de espera)", "asked recently (cooldown)"],
  APPOINTMENT_TOO_OLD: ["la cita es demasiado antigua", "appointment too old"],
  DUPLICATE: ["teléfono repetido", "duplicate phone"],
  NOT_MOBILE: ["no es un celular", "not a mobile number"],
  INSUFFICIENT_CREDITS: ["créditos insuficientes", "insufficient credits"],
};

/** One step as words, in the page's language; `clock` writes a time of day in the campaign's zone. */
function stepLabel(step: TimelineStep, t: Translate, msg: Msg, clock: (d: Date) => string): string {
  const d = step.detail;
  const r = step.retry;
  switch (step.key) {
    case "retrying":
      return r ? t(...retryWaitingText(r.reason, r.failures, r.nextAt ? clock(r.nextAt) : "—")) : msg("timeline.retrying");
    case "retried":
      return r ? t(...retriedText(r.reason, r.failures)) : msg("timeline.retried");
    case "skipped": {
      const reason = d ? SKIP_REASONS[d] : undefined;
      return `${t("Omitido", "Skipped")}${reason ? `: ${t(reason[0], reason[1])}` : ""}`;
    }
    case "scheduled":
      return t("Programado", "Scheduled");
    case "sent":
      return t("Enviado", "Sent");
    case "delivered":
      return t("Entregado", "Delivered");
    case "read":
      return t("Leído", "Read");
    case "failed":
      // After the retry window the text is built from the facts, so it reads in either language.
      if (r?.gaveUp && step.at) return t(...retryGaveUpText(step.at.getTime() - r.since.getTime(), r.failures));
      return `${t("Falló", "Failed")}${d ? `: ${d}` : ""}`;
    case "cancelled":
      return `${t("Cancelado", "Cancelled")}${d ? `: ${d}` : ""}`;
    case "reminder":
      return t("Recordatorio enviado", "Reminder sent");
    case "rated":
      return t(`Calificó ${d}/5`, `Rated ${d}/5`);
    case "followUp":
      return d === "happy" ? t("Seguimiento: invitación a reseña", "Follow-up: review invitation") : t("Seguimiento: comentario privado", "Follow-up: private feedback");
    case "clicked":
      return t("Abrió el enlace de reseña", "Clicked the review link");
    case "feedback":
      return t("Dejó un comentario privado", "Left private feedback");
    case "optedOut":
      return d === "staff" ? t("Baja registrada por el personal", "Opted out by staff") : t("Pidió no recibir mensajes", "Opted out");
    case "erased":
      return t("Datos personales eliminados", "Personal data erased");
  }
}

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

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { em, user, workspace } = await requireUser(request, context, { roles: ROLES.STAFF });
  const viewer = { userId: user.id, role: user.role };
  const campaign = await loadCampaign(em, workspace.id, viewer, params.id ?? "");
  if (!campaign) notFound();
  // A draft is still an upload waiting to be confirmed: its page is the preview.
  if (campaign.status === "DRAFT") throw redirect(`/campaigns/drafts/${campaign.id}`);
  const url = new URL(request.url);
  const filters = parsePatientListFilters(url.searchParams);
  // A doctor sees their own appointments only (the appointment's doctor, not the campaign's).
  const page = await listCampaignPatients(em, workspace.id, campaign.id, { ...filters, doctorId: appointmentScope(viewer) });

  const confirmParam = url.searchParams.get("confirm");
  let confirm: { kind: Confirm; patient: { id: string; name: string; phone: string } | null } | null = null;
  if ((CONFIRMS as readonly string[]).includes(confirmParam ?? "")) {
    const kind = confirmParam as Confirm;
    if (kind === "cancel") confirm = { kind, patient: null };
    else {
      const patient = await findCampaignPatient(em, workspace.id, campaign.id, url.searchParams.get("patient") ?? "");
      if (patient && !patient.erased && !(kind === "optout" && patient.optedOut)) confirm = { kind, patient: { id: patient.id, name: patient.name, phone: patient.phone } };
    }
  }

  // Times are formatted here, in the practice's time zone, so the server's and the browser's text agree.
  const locale = await getLocale(request);
  const fmt = formatter(locale, campaign.timezone);
  const timeOfDay = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: campaign.timezone });
  const clock = (d: Date) => timeOfDay.format(d);
  const full = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: "medium", timeStyle: "short", timeZone: campaign.timezone });
  const t = translator(locale);
  const msg = msgFor(locale);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      practiceName: campaign.practiceName,
      doctorName: campaign.doctorName,
      createdByName: campaign.createdByName,
      created: full.format(campaign.createdAt),
      cancelled: campaign.cancelledAt ? full.format(campaign.cancelledAt) : null,
      completed: campaign.completedAt ? full.format(campaign.completedAt) : null,
      timezone: campaign.timezone,
      scheduledHoursAfter: campaign.scheduledHoursAfter,
      counts: campaign.counts,
    },
    filters: { status: filters.status ?? "", q: filters.q ?? "" },
    paged: Boolean(filters.cursor),
    nextCursor: page.nextCursor,
    confirm,
    patients: page.rows.map((r) => ({
      id: r.id,
      name: r.name,
      phone: r.erased ? null : r.phone,
      channel: r.channel,
      appointment: fmt(r.appointmentAt)!,
      optedOut: r.optedOut,
      erased: r.erased,
      steps: r.timeline.map((s) => ({ key: s.key, tone: s.tone, label: stepLabel(s, t, msg, clock), at: fmt(s.at) })),
    })),
  };
}

type ActionFailure = { formError: string };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { em, user, workspace, ip } = await requireUser(request, context, { roles: ROLES.STAFF });
  const viewer = { userId: user.id, role: user.role };
  const campaignId = params.id ?? "";
  const form = await request.formData();
  const intent = form.get("intent");
  const back = new URLSearchParams();
  for (const key of ["status", "q", "cursor"]) {
    const value = form.get(key);
    if (typeof value === "string" && value !== "") back.set(key, value);
  }
  // Nothing happens without the confirmation step's own field.
  if (form.get("confirmed") !== "yes") {
    if (!(await loadCampaign(em, workspace.id, viewer, campaignId))) notFound();
    return data<ActionFailure>({ formError: "Confirme la acción antes de continuar." }, { status: 400 });
  }
  if (intent === "cancel") {
    const result = await cancelCampaign(em, { workspaceId: workspace.id, campaignId, viewer, ip });
    if (!result) notFound();
    back.set("notice", result.outcome);
    throw redirect(`/campaigns/${campaignId}?${back.toString()}`);
  }
  if (intent === "optout" || intent === "erase") {
    const patientId = String(form.get("patient") ?? "");
    const input = { workspaceId: workspace.id, campaignId, patientId, viewer, ip };
    const result = intent === "optout" ? await optOutPatient(em, input) : await erasePatient(em, input);
    if (!result) notFound();
    back.set("notice", result.outcome);
    throw redirect(`/campaigns/${campaignId}?${back.toString()}`);
  }
  if (!(await loadCampaign(em, workspace.id, viewer, campaignId))) notFound();
  return data<ActionFailure>({ formError: "Acción desconocida." }, { status: 400 });
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

function LiveRefresh({ active }: { active: boolean }) {
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

export default function CampaignPage() {
  const { campaign, patients, filters, nextCursor, paged, confirm } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const c = campaign.counts;
  const active = campaign.status === "ACTIVE";
  const cancellable = campaign.status === "ACTIVE"; // a DRAFT never gets here: its page is the preview
  const notice = NOTICES[params.get("notice") ?? ""];
  const here = (extra: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.delete("notice");
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next.toString()}`;
  };
  const keep = (["status", "q", "cursor"] as const).map((k) => (params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k)!} /> : null));
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
    <>
      <LiveRefresh active={active} />
      <p>
        <Link to="/campaigns">{t("← Campañas", "← Campaigns")}</Link>
      </p>
      <div className="page-title">
        <h1>
          {campaign.name} <CampaignStatusBadge status={campaign.status} />
        </h1>
        {cancellable && confirm?.kind !== "cancel" ? (
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
      {notice ? (
        <p className="notice" role="status">
          {t(notice[0], notice[1])}
        </p>
      ) : null}
      <FormError message={failure?.formError} />

      {confirm ? (
        <section className="card warning-box" aria-labelledby="confirm-title" data-testid="confirm">
          {confirm.kind === "cancel" ? (
            <>
              <h2 id="confirm-title">{t("¿Cancelar esta campaña?", "Cancel this campaign?")}</h2>
              <p>
                {t(
                  `Se anularán los ${c.pending} envíos pendientes y sus créditos volverán a su saldo. Los mensajes ya enviados no se pueden retirar. Esta acción no se puede deshacer.`,
                  `The ${c.pending} pending sends will be stopped and their credits returned to your balance. Messages already sent cannot be recalled. This cannot be undone.`,
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
      ) : null}

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

      <section aria-labelledby="patients-title">
        <h2 id="patients-title">{t("Pacientes", "Patients")}</h2>
        {/* Keyed by the filters: after a client-side navigation the fields show the filters in force. */}
        <Form key={`${filters.status}|${filters.q}`} method="get" className="card filters" aria-label={t("Filtrar pacientes", "Filter patients")}>
          <div className="field">
            <label htmlFor="p-status">{t("Estado", "Status")}</label>
            <select id="p-status" name="status" defaultValue={filters.status}>
              <option value="">{t("Todos", "All")}</option>
              {PATIENT_FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(FILTER_LABELS[f][0], FILTER_LABELS[f][1])}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="p-q">{t("Nombre o teléfono", "Name or phone")}</label>
            <input id="p-q" name="q" type="search" maxLength={SEARCH_MAX_LENGTH} defaultValue={filters.q} />
          </div>
          <button type="submit">{t("Buscar", "Search")}</button>
          {filters.status || filters.q ? <Link to={`/campaigns/${campaign.id}`}>{t("Quitar filtros", "Clear filters")}</Link> : null}
        </Form>
        {patients.length === 0 ? (
          <p className="card empty-state">{t("Ningún paciente coincide.", "No patient matches.")}</p>
        ) : (
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
                      <ol className="timeline">
                        {p.steps.map((s, i) => (
                          <li key={`${s.key}-${i}`} className={`step step-${s.tone}`}>
                            <span className="step-label">{s.label}</span>
                            {s.at ? <time className="step-time">{s.at}</time> : null}
                          </li>
                        ))}
                      </ol>
                    </td>
                    <td>
                      {p.erased ? null : (
                        <div className="actions">
                          {p.optedOut ? null : (
                            <Link to={here({ confirm: "optout", patient: p.id })} aria-label={t(`Dar de baja a ${p.name}`, `Opt ${p.name} out`)}>
                              {t("Dar de baja", "Opt out")}
                            </Link>
                          )}
                          <Link to={here({ confirm: "erase", patient: p.id })} aria-label={t(`Eliminar datos de ${p.name}`, `Erase ${p.name}'s data`)}>
                            {t("Eliminar datos", "Erase data")}
                          </Link>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav className="pager" aria-label={t("Páginas de pacientes", "Patient pages")}>
          {paged ? <Link to={here({ cursor: null, confirm: null, patient: null })}>{t("← Primera página", "← First page")}</Link> : null}
          {nextCursor ? <Link to={here({ cursor: nextCursor, confirm: null, patient: null })}>{t("Siguientes pacientes →", "Next patients →")}</Link> : null}
        </nav>
      </section>
    </>
  );
}
