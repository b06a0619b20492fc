// A campaign's page (SPEC §5.10): header with live counts (refreshed politely while the campaign is
// ACTIVE and JavaScript is on; a plain reload without it), per-patient timelines with filters, search
// and keyset pages, and the staff actions — cancel the campaign, opt a patient out, erase a patient —
// each behind a confirmation step that is a plain GET page, then a POST with the CSRF token.
// Owners and the assigned doctor only; another doctor's campaign and another workspace's id answer 404,
// a receptionist 403 (list only).
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  cancelCampaign,
  erasePatient,
  findActionTarget,
  appointmentScope,
  findCampaignPatient,
  listCampaignPatients,
  loadCampaign,
  optInPatient,
  optOutPatient,
  parsePatientListFilters,
  patientConsentHistory,
  type TimelineStep,
} from "@rm/campaigns";
import { retriedText, retryGaveUpText, retryWaitingText } from "@rm/domain";
import type { Msg } from "@rm/catalogue";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ActionNotice, CampaignFigures, CampaignHeader, ConfirmAction, LiveRefresh, PatientFilters, PatientPager, PatientTable, useHere, type PatientView } from "../components/campaigns/campaign-page.tsx";
import { FormError } from "../components/forms.tsx";
import { LOCALE_TAGS, msgFor, translator, useMsg, useT, type Locale, type Translate } from "../i18n.ts";
import { ConsentPanel, consentHistoryItems, type ConsentHistoryItem } from "../components/consent.tsx";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.name ?? "Campaña"} · Reputation Manager` }];

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
    case "smsFallback":
      return msg("timeline.smsFallback", { code: String(step.fallback?.code ?? ""), sent: step.fallback?.sent ? "yes" : "no" });
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

  const confirm = await findActionTarget(em, workspace.id, campaign.id, url.searchParams.get("confirm"), url.searchParams.get("patient") ?? "");

  // Times are formatted here, in the practice's time zone, so the server's and the browser's text agree.
  const locale = await getLocale(request);
  const fmt = formatter(locale, campaign.timezone);
  const timeOfDay = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: campaign.timezone });
  const clock = (d: Date) => timeOfDay.format(d);
  const full = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: "medium", timeStyle: "short", timeZone: campaign.timezone });
  const t = translator(locale);
  const msg = msgFor(locale);
  // The patient detail's consent history (?consent=<patient id>), with the opt-back-in form when opted out.
  let consent: { patient: { id: string; name: string; channel: "SMS" | "WHATSAPP"; optedOut: boolean; erased: boolean }; items: ConsentHistoryItem[] } | null = null;
  const consentParam = url.searchParams.get("consent");
  if (consentParam) {
    const patient = await findCampaignPatient(em, workspace.id, campaign.id, consentParam);
    const history = patient ? await patientConsentHistory(em, { workspaceId: workspace.id, campaignId: campaign.id, patientId: patient.id, viewer }) : null;
    if (patient && history) {
      consent = {
        patient: { id: patient.id, name: patient.name, channel: patient.channel, optedOut: patient.optedOut, erased: patient.erased },
        items: consentHistoryItems(history, msg, (d) => full.format(d)),
      };
    }
  }
  return {
    consent,
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
      contactId: r.contactId,
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

type ActionFailure = { formError: string; consentError?: string };

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
  if (intent === "optin") {
    const patientId = String(form.get("patient") ?? "");
    const evidence = String(form.get("evidence") ?? "");
    const result = await optInPatient(em, { workspaceId: workspace.id, campaignId, patientId, viewer, ip, evidence });
    if (!result) notFound();
    const msg = msgFor(await getLocale(request));
    if (result.outcome === "evidence_required") return data<ActionFailure>({ formError: msg("consent.optIn.evidenceRequired"), consentError: msg("consent.optIn.evidenceRequired") }, { status: 400 });
    if (result.outcome === "erased") return data<ActionFailure>({ formError: msg("consent.optIn.erased") }, { status: 409 });
    back.set("consent", patientId);
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

export default function CampaignPage() {
  const { campaign, patients, filters, nextCursor, paged, confirm, consent } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const active = campaign.status === "ACTIVE";
  // A DRAFT never gets here (its page is the preview): only an active campaign can be cancelled.
  const cancellable = active && confirm?.kind !== "cancel";
  return (
    <>
      <LiveRefresh active={active} />
      <CampaignHeader campaign={campaign} cancellable={cancellable} />
      <ActionNotice />
      <FormError message={failure?.formError} />
      {consent ? <ConsentSection consent={consent} error={failure?.consentError} /> : null}
      {confirm ? <ConfirmAction confirm={confirm} pending={campaign.counts.pending} /> : null}
      <CampaignFigures counts={campaign.counts} active={active} />
      <PatientsSection campaignId={campaign.id} filters={filters} patients={patients} paged={paged} nextCursor={nextCursor} />
    </>
  );
}

type ConsentView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["consent"]>;

/** A patient's consent history (?consent=<patient id>), with the opt-back-in form when opted out. */
function ConsentSection({ consent, error }: { consent: ConsentView; error: string | undefined }) {
  const msg = useMsg();
  const here = useHere();
  const [params] = useSearchParams();
  const keep = (["status", "q", "cursor"] as const).map((k) => (params.get(k) ? <input key={k} type="hidden" name={k} value={params.get(k)!} /> : null));
  return (
    <>
      {params.get("notice") === "opted_in" ? (
        <p className="notice" role="status">
          {msg("consent.optIn.done")}
        </p>
      ) : null}
      <ConsentPanel patient={consent.patient} items={consent.items} closeTo={here({ consent: null })} keep={keep} error={error} />
    </>
  );
}

function PatientsSection({ campaignId, filters, patients, paged, nextCursor }: { campaignId: string; filters: { status: string; q: string }; patients: PatientView[]; paged: boolean; nextCursor: string | null }) {
  const t = useT();
  return (
    <section aria-labelledby="patients-title">
      <h2 id="patients-title">{t("Pacientes", "Patients")}</h2>
      <PatientFilters campaignId={campaignId} filters={filters} />
      <PatientTable patients={patients} />
      <PatientPager paged={paged} nextCursor={nextCursor} />
    </section>
  );
}
