// One inbox item: the text, the patient's timeline in that campaign, the status workflow and staff
// notes (a plain form: works without JavaScript). Another workspace's id, or a doctor's look at a
// campaign not assigned to them, answers 404.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { formatPhone, retriedText, retryGaveUpText, retryWaitingText } from "@rm/domain";
import { InboxError, loadInboxItem, updateInboxItem, type TimelineEvent } from "@rm/inbox";
import { NOTES_MAX_LENGTH } from "@rm/inbox/constants";
import type { Msg } from "@rm/catalogue";
import { formValues, str } from "../.server/forms.server.ts";
import { throwInboxAccessError, viewerOf } from "../.server/inbox.server.ts";
import { requireUser } from "../.server/staff.server.ts";
import { CsrfInput, FormError, Notice } from "../components/forms.tsx";
import { sourceLabel, Stars, statusLabel, StatusChip, type InboxSourceName, type InboxStatusName } from "../components/inbox.tsx";
import { formatDateTime, LOCALE_TAGS, useLocale, useMsg, useT, type Translate } from "../i18n.ts";
import { translateMessage } from "../messages.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Bandeja · Reputation Manager" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const view = await loadInboxItem(staff.em, viewerOf(staff), params.id ?? "").catch(throwInboxAccessError);
  const { item } = view;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    timezone: staff.workspace.timezone,
    item: {
      ...item,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
      resolvedAt: iso(item.resolvedAt),
      notesEdited: item.notesEdited ? { at: item.notesEdited.at.toISOString(), by: item.notesEdited.by } : null,
      patient: { ...item.patient, phone: formatPhone(item.patient.phone, staff.workspace.defaultCountry), appointmentAt: item.patient.appointmentAt.toISOString() },
    },
    timeline: view.timeline.map(({ retry, ...e }) => ({
      ...e,
      at: e.at.toISOString(),
      ...(retry ? { retry: { ...retry, since: retry.since.toISOString(), nextAt: retry.nextAt?.toISOString() ?? null } } : {}),
    })),
    history: view.history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

interface ActionFailure {
  ok: false;
  fieldErrors: Record<string, string>;
  formError?: string;
  values: Record<string, string>;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const form = await request.formData();
  try {
    await updateInboxItem(staff.em, viewerOf(staff), params.id ?? "", { status: str(form, "status"), notes: form.has("notes") ? str(form, "notes") : undefined, version: str(form, "version") }, { ip: staff.ip });
  } catch (error) {
    if (error instanceof InboxError && (error.code === "invalid" || error.code === "conflict")) {
      const failure: ActionFailure = error.field
        ? { ok: false, fieldErrors: { [error.field]: error.message }, values: formValues(form) }
        : { ok: false, fieldErrors: {}, formError: error.message, values: formValues(form) };
      return data(failure, { status: error.code === "conflict" ? 409 : 400 });
    }
    throwInboxAccessError(error);
  }
  throw redirect(`/inbox/${params.id}?saved=1`);
}

function channelLabel(channel: string | undefined): string {
  return channel === "WHATSAPP" ? "WhatsApp" : channel === "SMS" ? "SMS" : "";
}

function messageLabel(type: string | undefined, t: Translate, msg: Msg): string {
  switch (type) {
    case "INITIAL":
      return t("Solicitud de calificación", "Rating request");
    case "REMINDER":
      return t("Recordatorio", "Reminder");
    case "FOLLOWUP_HAPPY":
      return t("Seguimiento (reseña en Google)", "Follow-up (Google review)");
    case "FOLLOWUP_UNHAPPY":
      return t("Seguimiento (formulario privado)", "Follow-up (private form)");
    case "HELP":
      return t("Mensaje de ayuda", "Help message");
    case "OPT_OUT_CONFIRMATION":
      return t("Confirmación de baja", "Opt-out confirmation");
    case "STAFF_ALERT":
      return t("Alerta al personal", "Staff alert");
    default:
      // The assistant's messages (SPEC §16) say they are the bot's, as in the thread.
      return type?.startsWith("BOT_") ? msg("conversations.entry.out", { type, author: "" }) : (type ?? "");
  }
}

function describe(e: TimelineEventView, t: Translate, msg: Msg, clock: (iso: string) => string): string {
  const what = messageLabel(e.messageType, t, msg);
  const via = channelLabel(e.channel);
  const r = e.retry;
  switch (e.kind) {
    case "retrying":
      return `${what}: ${r ? t(...retryWaitingText(r.reason, r.failures, r.nextAt ? clock(r.nextAt) : "—")) : msg("timeline.message.retrying")}`;
    case "retried":
      return `${what}: ${r ? t(...retriedText(r.reason, r.failures)) : msg("timeline.message.retried")}`;
    case "smsFallback":
      return `${what}: ${msg("timeline.smsFallback", { code: String(e.errorCode ?? ""), sent: e.fallbackSent ? "yes" : "no" })}`;
    case "sent":
      return t(`${what} enviada por ${via}`, `${what} sent by ${via}`);
    case "delivered":
      return t(`${what} entregada`, `${what} delivered`);
    case "read":
      return t(`${what} leída`, `${what} read`);
    case "failed":
      // After the retry window the words come from the facts, so they read in either language.
      if (r?.gaveUp) return `${what}: ${t(...retryGaveUpText(new Date(e.at).getTime() - new Date(r.since).getTime(), r.failures))}`;
      return t(`${what} no se pudo entregar`, `${what} could not be delivered`) + (e.errorText ? ` (${e.errorText})` : e.errorCode ? ` (${e.errorCode})` : "");
    case "rating":
      return t(`Calificó ${e.rating} de 5`, `Rated ${e.rating} of 5`);
    case "reply": {
      const read =
        e.intent === "RATING" && e.rating
          ? t(`leída como calificación ${e.rating}`, `read as rating ${e.rating}`)
          : e.intent === "OPT_OUT"
            ? t("leída como baja", "read as opt-out")
            : e.intent === "OPT_IN"
              ? t("leída como alta", "read as opt-in")
              : t("no se entendió: pasó a la bandeja", "not understood: sent to the inbox");
      return t(`Respondió por ${via} (${read})`, `Replied by ${via} (${read})`);
    }
    case "review_click":
      return t("Abrió el enlace de reseña en Google", "Opened the Google review link");
    case "feedback":
      return e.source === "FORM" ? t("Escribió en el formulario privado", "Wrote in the private form") : t("Alerta de detractor en la bandeja", "Detractor alert in the inbox");
  }
}

type TimelineEventView = Omit<TimelineEvent, "at" | "retry"> & { at: string; retry?: { reason: string | null; failures: number; nextAt: string | null; since: string; gaveUp: boolean } };

/** The status workflow and the staff notes: a plain POST form, what was typed kept on an error. */
function StatusForm() {
  const { item } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const t = useT();
  const status = (failure?.values.status as InboxStatusName | undefined) ?? item.status;
  const notes = failure?.values.notes ?? item.staffNotes ?? "";
  return (
    <Form method="post" className="card inbox-status-form" aria-labelledby="status-heading">
      <h2 id="status-heading">{t("Seguimiento", "Follow-up")}</h2>
      <FormError message={failure?.formError} />
      <CsrfInput />
      <input type="hidden" name="version" value={item.version} />
      <StatusChoice status={status} version={item.version} error={failure?.fieldErrors.status} />
      <NotesField notes={notes} item={item} error={failure?.fieldErrors.notes} />
      <button type="submit" disabled={navigation.state === "submitting"}>
        {t("Guardar", "Save")}
      </button>
    </Form>
  );
}

function StatusChoice({ status, version, error }: { status: InboxStatusName; version: Item["version"]; error: string | undefined }) {
  const t = useT();
  const locale = useLocale();
  return (
    <fieldset className="bare" aria-describedby={error ? "status-error" : undefined}>
      <legend>{t("Estado", "Status")}</legend>
      <div className="radio-row">
        {(["NEW", "IN_PROGRESS", "RESOLVED"] as const).map((s) => (
          <label key={s} className="radio">
            <input type="radio" name="status" value={s} defaultChecked={status === s} key={`${s}-${version}`} />
            {statusLabel(s, t)}
          </label>
        ))}
      </div>
      {error ? (
        <p id="status-error" className="field-error">
          {translateMessage(error, locale)}
        </p>
      ) : null}
    </fieldset>
  );
}

function NotesField({ notes, item, error }: { notes: string; item: Item; error: string | undefined }) {
  const t = useT();
  const locale = useLocale();
  const { timezone } = useLoaderData<typeof loader>();
  return (
    <div className="field">
      <label htmlFor="notes">{t("Notas del personal", "Staff notes")}</label>
      <textarea
        id="notes"
        name="notes"
        rows={5}
        maxLength={NOTES_MAX_LENGTH}
        defaultValue={notes}
        key={item.version}
        aria-describedby={["notes-hint", error ? "notes-error" : null].filter(Boolean).join(" ")}
        {...(error ? { "aria-invalid": true } : {})}
      />
      <p id="notes-hint" className="hint">
        {item.notesEdited
          ? t(
              `Editadas por ${item.notesEdited.by ?? "—"} el ${formatDateTime(item.notesEdited.at, locale, timezone)}. Solo las ve el personal.`,
              `Edited by ${item.notesEdited.by ?? "—"} on ${formatDateTime(item.notesEdited.at, locale, timezone)}. Only staff see them.`,
            )
          : t("Solo las ve el personal.", "Only staff see them.")}
      </p>
      {error ? (
        <p id="notes-error" className="field-error">
          {translateMessage(error, locale)}
        </p>
      ) : null}
    </div>
  );
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Item = Loaded["item"];

/** A date and time in the workspace's zone. */
function useWhen(): (iso: string) => string {
  const { timezone } = useLoaderData<typeof loader>();
  const locale = useLocale();
  return (iso) => formatDateTime(iso, locale, timezone);
}

export default function InboxItemPage() {
  const { item, timeline, history } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const t = useT();
  const msg = useMsg();
  return (
    <>
      <p>
        <Link to="/inbox">{t("← Volver a la bandeja", "← Back to the inbox")}</Link>
        {item.conversationId ? (
          <>
            {" · "}
            <Link to={`/conversations/${item.conversationId}`} data-testid="item-thread-link">
              {msg("conversations.openThread")}
            </Link>
          </>
        ) : null}
      </p>
      <ItemTitle item={item} />
      {params.get("saved") ? <Notice message={t("Cambios guardados.", "Changes saved.")} /> : null}
      <div className="inbox-item">
        <ItemDetails item={item} />
        <StatusForm />
      </div>
      <PatientStory timeline={timeline} />
      {history.length > 0 ? <ItemHistory history={history} /> : null}
    </>
  );
}

function ItemTitle({ item }: { item: Item }) {
  const t = useT();
  const titles: Record<InboxSourceName, string> = {
    FORM: t("Comentario privado", "Private feedback"),
    REPLY: t("Respuesta sin calificación", "Unparsed reply"),
    RATING: t("Calificación baja", "Low rating"),
  };
  return (
    <h1>
      {titles[item.source]}: {item.patient.name}
    </h1>
  );
}

/** The item's facts (status, source, rating, patient, campaign) and what the patient wrote. */
function ItemDetails({ item }: { item: Item }) {
  const t = useT();
  const when = useWhen();
  return (
    <section className="card" aria-labelledby="item-heading">
      <h2 id="item-heading" className="visually-hidden">
        {t("Detalle", "Details")}
      </h2>
      <dl className="item-facts">
        <dt>{t("Estado", "Status")}</dt>
        <dd data-testid="item-status">
          <StatusChip status={item.status} t={t} />
          {item.status === "RESOLVED" && item.resolvedAt ? (
            <span className="muted">
              {" "}
              {t(`por ${item.resolvedByName ?? "—"} el ${when(item.resolvedAt)}`, `by ${item.resolvedByName ?? "—"} on ${when(item.resolvedAt)}`)}
            </span>
          ) : null}
        </dd>
        <dt>{t("Origen", "Source")}</dt>
        <dd>{sourceLabel(item.source, t)}</dd>
        <dt>{t("Calificación", "Rating")}</dt>
        <dd>
          <Stars rating={item.rating ?? item.patient.rating} t={t} />
        </dd>
        <dt>{t("Recibido", "Received")}</dt>
        <dd>{when(item.createdAt)}</dd>
        <dt>{t("Paciente", "Patient")}</dt>
        <dd>
          {item.patient.name} · <span className="phone">{item.patient.phone}</span>
          {item.patient.optedOut ? <span className="muted"> · {t("dado de baja", "opted out")}</span> : null}
        </dd>
        <dt>{t("Cita", "Appointment")}</dt>
        <dd>{when(item.patient.appointmentAt)}</dd>
        <dt>{t("Consultorio", "Practice")}</dt>
        <dd>{item.practice.name}</dd>
        <dt>{t("Campaña", "Campaign")}</dt>
        <dd>
          <Link to={`/campaigns/${item.campaign.id}`}>{item.campaign.name}</Link>
        </dd>
      </dl>
      {item.text.trim() !== "" ? (
        <>
          <h3>{item.source === "FORM" ? t("Lo que escribió", "What they wrote") : t("Mensaje", "Message")}</h3>
          <blockquote className="feedback-text">{item.text}</blockquote>
        </>
      ) : null}
    </section>
  );
}

/** The patient's way through the campaign, this item marked. */
function PatientStory({ timeline }: { timeline: Loaded["timeline"] }) {
  const { timezone } = useLoaderData<typeof loader>();
  const t = useT();
  const msg = useMsg();
  const locale = useLocale();
  const when = useWhen();
  const timeOfDay = (iso: string) => new Intl.DateTimeFormat(LOCALE_TAGS[locale], { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timezone }).format(new Date(iso));
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{t("Historia del paciente en esta campaña", "The patient's story in this campaign")}</h2>
      <ol className="timeline" data-testid="timeline">
        {timeline.map((e, i) => (
          <li key={i} className={e.current ? "current" : undefined} aria-current={e.current ? "true" : undefined}>
            <time dateTime={e.at}>{when(e.at)}</time> <span>{describe(e, t, msg, timeOfDay)}</span>
            {e.text && (e.kind === "reply" || e.kind === "feedback") ? <q className="timeline-text">{e.text}</q> : null}
            {e.feedbackId && !e.current ? (
              <>
                {" "}
                <Link to={`/inbox/${e.feedbackId}`}>{t("ver en la bandeja", "open in the inbox")}</Link>
              </>
            ) : null}
            {e.current ? <span className="muted"> · {t("este elemento", "this item")}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Who changed the status or the notes, and when. */
function ItemHistory({ history }: { history: Loaded["history"] }) {
  const t = useT();
  const when = useWhen();
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{t("Cambios", "Changes")}</h2>
      <ul className="plain-list" data-testid="history">
        {history.map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{when(h.at)}</time> · {h.actorName ?? t("Sistema", "System")}:{" "}
            {h.action === "status_changed" && h.from && h.to
              ? t(`cambió el estado de ${statusLabel(h.from as InboxStatusName, t)} a ${statusLabel(h.to as InboxStatusName, t)}`, `changed the status from ${statusLabel(h.from as InboxStatusName, t)} to ${statusLabel(h.to as InboxStatusName, t)}`)
              : t("editó las notas", "edited the notes")}
          </li>
        ))}
      </ul>
    </section>
  );
}
