// A campaign's page (SPEC §5.10): header with live counts and the delivery funnel (refreshed politely while the campaign is
// ACTIVE and JavaScript is on; a plain reload without it), per-patient timelines with filters, search
// and keyset pages, and the staff actions — cancel the campaign, opt a patient out, erase a patient —
// each behind a confirmation step that is a plain GET page, then a POST with the CSRF token.
// Owners and the assigned doctor only; another doctor's campaign and another workspace's id answer 404,
// a receptionist 403 (list only).
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  broadcastResults,
  setBroadcastPaused,
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
import { classifyProviderError, formatPhone, retriedText, retryGaveUpText, retryWaitingText } from "@rm/domain";
import type { Msg } from "@rm/catalogue";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireUser } from "../.server/staff.server.ts";
import { ActionNotice, CampaignFigures, CampaignHeader, ConfirmAction, DeliveryFunnel, LiveRefresh, PatientFilters, PatientPager, PatientTable, useHere, type PatientView } from "../components/campaigns/campaign-page.tsx";
import { CsrfInput, FormError } from "../components/forms.tsx";
import { BROADCAST_EXCLUSIONS } from "@rm/campaigns/filters";
import { formatCount, LOCALE_TAGS, msgFor, translator, useLocale, useMsg, type Locale, type Translate } from "../i18n.ts";
import { ConsentPanel, consentHistoryItems, type ConsentHistoryItem } from "../components/consent.tsx";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Reputation Manager" }];

function formatter(locale: Locale, timeZone: string) {
  const f = new Intl.DateTimeFormat(LOCALE_TAGS[locale], { day: "numeric", month: "short", hour: "numeric", minute: "2-digit", timeZone });
  return (d: Date | null) => (d ? f.format(d) : null);
}

const SKIP_REASONS = [
  "NO_CONSENT",
  "OPTED_OUT",
  "ERASED",
  "COOLDOWN",
  "APPOINTMENT_TOO_OLD",
  "DUPLICATE",
  "NOT_MOBILE",
  "INSUFFICIENT_CREDITS",
  "NO_MARKETING_CONSENT",
  "FREQUENCY_CAP",
  "COUNTRY_NOT_ALLOWED",
] as const;

type StepView = PatientView["steps"][number];

/**
 * A failed send in plain words: the advice for the provider's code in the page's language (its
 * explanation in @rm/domain), else the stored explanation; the code and the provider's own words go
 * to a detail for support, never into the sentence staff read.
 */
function failure(step: TimelineStep, locale: Locale): { advice: string | null; code: string | null; providerText: string | null } {
  const code = step.errorCode ?? null;
  if (code === null) return { advice: step.detail, code: null, providerText: null };
  const known = classifyProviderError({ code });
  const advice = locale === "en" ? known.explanationEn : known.explanationEs;
  return { advice, code: String(code), providerText: step.detail && step.detail !== known.explanationEs ? step.detail : null };
}

/** One step as words, in the page's language; `clock` writes a time of day in the campaign's zone. */
function stepView(step: TimelineStep, locale: Locale, t: Translate, msg: Msg, clock: (d: Date) => string): Pick<StepView, "label" | "errorCode" | "providerText"> {
  const d = step.detail;
  const r = step.retry;
  const label = (text: string) => ({ label: text });
  switch (step.key) {
    case "retrying":
      return label(r ? t(...retryWaitingText(r.reason, r.failures, r.nextAt ? clock(r.nextAt) : "—")) : msg("timeline.retrying"));
    case "retried":
      return label(r ? t(...retriedText(r.reason, r.failures)) : msg("timeline.retried"));
    case "skipped": {
      const reason = SKIP_REASONS.find((s) => s === d);
      return label(reason ? msg("campaign.step.skippedBecause", { reason: msg(`campaign.skip.${reason}`) }) : msg("campaign.step.skipped"));
    }
    case "scheduled":
      return label(msg("campaign.step.scheduled"));
    case "smsFallback":
      return label(msg("timeline.smsFallback", { code: String(step.fallback?.code ?? ""), sent: step.fallback?.sent ? "yes" : "no" }));
    case "sent":
      return label(msg("campaign.step.sent"));
    case "delivered":
      return label(msg("campaign.step.delivered"));
    case "read":
      return label(msg("campaign.step.read"));
    case "failed": {
      // After the retry window the text is built from the facts, so it reads in either language.
      if (r?.gaveUp && step.at) return label(t(...retryGaveUpText(step.at.getTime() - r.since.getTime(), r.failures)));
      const f = failure(step, locale);
      return { label: f.advice ? msg("campaign.step.failedBecause", { advice: f.advice }) : msg("campaign.step.failed"), errorCode: f.code, providerText: f.providerText };
    }
    case "cancelled":
      return label(d ? msg("campaign.step.cancelledBecause", { reason: d }) : msg("campaign.step.cancelled"));
    case "reminder":
      return label(msg("campaign.step.reminder"));
    case "rated":
      return label(msg("campaign.step.rated", { rating: d ?? "" }));
    case "followUp":
      return label(d === "happy" ? msg("campaign.step.followUp.happy") : msg("campaign.step.followUp.unhappy"));
    case "clicked":
      return label(msg("campaign.step.clicked"));
    case "feedback":
      return label(msg("campaign.step.feedback"));
    case "optedOut":
      return label(d === "staff" ? msg("campaign.step.optedOut.staff") : msg("campaign.step.optedOut"));
    case "erased":
      return label(msg("campaign.step.erased"));
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
  const phone = (e164: string) => formatPhone(e164, workspace.defaultCountry);
  const results = campaign.kind === "BROADCAST" ? await broadcastResults(em, workspace.id, campaign.id) : null;
  return {
    title: msg("campaign.meta", { name: campaign.name }),
    broadcast: results
      ? {
          ...results,
          scheduledAt: results.scheduledAt ? full.format(results.scheduledAt) : null,
          pausedAt: results.pausedAt ? full.format(results.pausedAt) : null,
          canPause: user.role === "OWNER" && campaign.status === "ACTIVE",
          cap: workspace.broadcastCap,
        }
      : null,
    consent,
    // The confirmation names the phone as staff read it.
    confirm: confirm?.patient ? { ...confirm, patient: { ...confirm.patient, phone: phone(confirm.patient.phone) } } : confirm,
    campaign: {
      id: campaign.id,
      name: campaign.name,
      kind: campaign.kind,
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
    patients: page.rows.map((r) => ({
      id: r.id,
      contactId: r.contactId,
      name: r.name,
      phone: r.erased ? null : phone(r.phone),
      channel: r.channel,
      appointment: fmt(r.appointmentAt)!,
      optedOut: r.optedOut,
      erased: r.erased,
      steps: r.timeline.map((s) => ({ key: s.key, tone: s.tone, ...stepView(s, locale, t, msg, clock), at: fmt(s.at) })),
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
  if (intent === "pause" || intent === "resume") {
    // Pausing only holds a broadcast's sends back (nothing is lost), so it needs no confirmation step.
    const changed = user.role === "OWNER" && (await em.transactional((tem) => setBroadcastPaused(tem, { workspaceId: workspace.id, campaignId, actorId: user.id, paused: intent === "pause", ip })));
    if (!changed) notFound();
    back.set("notice", intent === "pause" ? "broadcast_paused" : "broadcast_resumed");
    throw redirect(`/campaigns/${campaignId}?${back.toString()}`);
  }
  // Nothing happens without the confirmation step's own field.
  if (form.get("confirmed") !== "yes") {
    if (!(await loadCampaign(em, workspace.id, viewer, campaignId))) notFound();
    return data<ActionFailure>({ formError: msgFor(await getLocale(request))("campaign.confirm.required") }, { status: 400 });
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
  return data<ActionFailure>({ formError: msgFor(await getLocale(request))("campaign.action.unknown") }, { status: 400 });
}

export default function CampaignPage() {
  const { campaign, patients, filters, nextCursor, paged, confirm, consent, broadcast } = useLoaderData<typeof loader>();
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
      {broadcast ? (
        <BroadcastPanel broadcast={broadcast} />
      ) : (
        <>
          <CampaignFigures counts={campaign.counts} active={active} />
          <DeliveryFunnel counts={campaign.counts} />
        </>
      )}
      <PatientsSection campaignId={campaign.id} filters={filters} patients={patients} paged={paged} nextCursor={nextCursor} />
    </>
  );
}

type BroadcastView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["broadcast"]>;

/** A broadcast's progress, pause and results (SPEC §14): sent, delivered, read, replied, failed, opted out, and who was left out. */
function BroadcastPanel({ broadcast: b }: { broadcast: BroadcastView }) {
  const msg = useMsg();
  const locale = useLocale();
  const [params] = useSearchParams();
  const n = (v: number) => formatCount(v, locale);
  const notice = params.get("notice");
  const results = [
    ["waiting", b.waiting],
    ["sent", b.sent],
    ["delivered", b.delivered],
    ["read", b.read],
    ["replied", b.replied],
    ["failed", b.failed],
    ["optedOut", b.optedOut],
    ["cancelled", b.cancelled],
  ] as const;
  return (
    <section className="card broadcast-results" aria-labelledby="broadcast-title" data-testid="broadcast-results">
      {notice === "broadcast_created" || notice === "broadcast_paused" || notice === "broadcast_resumed" ? (
        <p className="notice" role="status">
          {msg(notice === "broadcast_created" ? "broadcast.notice.created" : notice === "broadcast_paused" ? "broadcast.notice.paused" : "broadcast.notice.resumed")}
        </p>
      ) : null}
      <h2 id="broadcast-title">{msg("broadcast.page.results")}</h2>
      <p className="muted">
        {b.scheduledAt ? msg("broadcast.page.scheduled", { when: b.scheduledAt }) : null} · {msg("broadcast.page.channel", { channel: b.channel === "WHATSAPP" ? "WhatsApp" : "SMS" })}
      </p>
      <p data-testid="broadcast-progress">
        <strong>{msg("broadcast.page.progress", { done: n(b.sent + b.failed + b.cancelled), total: n(b.total) })}</strong>
      </p>
      <progress max={Math.max(1, b.total)} value={b.sent + b.failed + b.cancelled} aria-label={msg("broadcast.page.progress", { done: n(b.sent + b.failed + b.cancelled), total: n(b.total) })} />
      {b.pausedAt ? <p className="notice">{msg("broadcast.page.paused")}</p> : null}
      {b.canPause ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value={b.pausedAt ? "resume" : "pause"} />
          <button type="submit" className="secondary">
            {msg(b.pausedAt ? "broadcast.page.resume" : "broadcast.page.pause")}
          </button>
        </Form>
      ) : null}
      <dl className="figures">
        {results.map(([k, v]) => (
          <div key={k} data-testid={`result-${k}`}>
            <dt>{msg(`broadcast.result.${k}`)}</dt>
            <dd>{n(v)}</dd>
          </div>
        ))}
      </dl>
      <h3>{msg("broadcast.page.excluded")}</h3>
      <dl className="figures">
        {BROADCAST_EXCLUSIONS.map((r) => (
          <div key={r} data-testid={`excluded-${r}`}>
            <dt>{r === "FREQUENCY_CAP" ? msg("broadcast.excluded.FREQUENCY_CAP", { cap: b.cap }) : msg(`broadcast.excluded.${r}`)}</dt>
            <dd>{n(b.excluded[r])}</dd>
          </div>
        ))}
      </dl>
      {b.sampleBody ? (
        <>
          <h3>{msg("broadcast.page.text")}</h3>
          <p className="sms-preview">{b.sampleBody}</p>
        </>
      ) : null}
    </section>
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
  const msg = useMsg();
  return (
    <section aria-labelledby="patients-title">
      <h2 id="patients-title">{msg("campaign.patients")}</h2>
      <PatientFilters campaignId={campaignId} filters={filters} />
      <PatientTable patients={patients} />
      <PatientPager paged={paged} nextCursor={nextCursor} />
    </section>
  );
}
