// One inbox item. An item is an entry of its patient's thread (SPEC §13, one workflow): its link
// answers with a redirect to the thread, where it is answered and its case closed. Only an item with no
// thread (its request went out from a Messaging Service, no address to write back to) keeps this page:
// the text, the patient's timeline in that campaign, the status workflow and staff notes (a plain
// form: works without JavaScript). Another workspace's id, or a doctor's look at a campaign not
// assigned to them, answers 404.
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
import { InboxStars, type InboxStatusName } from "../components/inbox.tsx";
import { formatDateTime, LOCALE_TAGS, useLocale, useMsg, useT, type Translate } from "../i18n.ts";
import { translateMessage } from "../messages.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Bandeja · Reputation Manager" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.STAFF });
  const view = await loadInboxItem(staff.em, viewerOf(staff), params.id ?? "").catch(throwInboxAccessError);
  const { item } = view;
  if (item.conversationId) throw redirect(`/conversations/${item.conversationId}`);
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
  // The workflow of an item with a thread is the thread's status: the old form lands on the thread.
  const { item } = await loadInboxItem(staff.em, viewerOf(staff), params.id ?? "").catch(throwInboxAccessError);
  if (item.conversationId) throw redirect(`/conversations/${item.conversationId}`);
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

function describe(e: TimelineEventView, t: Translate, msg: Msg, clock: (iso: string) => string): string {
  const what = msg("inbox.event.message", { type: e.messageType ?? "" });
  const via = channelLabel(e.channel);
  const r = e.retry;
  switch (e.kind) {
    // The retry words come from @rm/domain as a Spanish/English pair built from the facts.
    case "retrying":
      return `${what}: ${r ? t(...retryWaitingText(r.reason, r.failures, r.nextAt ? clock(r.nextAt) : "—")) : msg("timeline.message.retrying")}`;
    case "retried":
      return `${what}: ${r ? t(...retriedText(r.reason, r.failures)) : msg("timeline.message.retried")}`;
    case "smsFallback":
      return `${what}: ${msg("timeline.smsFallback", { code: String(e.errorCode ?? ""), sent: e.fallbackSent ? "yes" : "no" })}`;
    case "sent":
      return msg("inbox.event.sent", { what, via });
    case "delivered":
      return msg("inbox.event.delivered", { what });
    case "read":
      return msg("inbox.event.read", { what });
    case "failed":
      // After the retry window the words come from the facts, so they read in either language.
      if (r?.gaveUp) return `${what}: ${t(...retryGaveUpText(new Date(e.at).getTime() - new Date(r.since).getTime(), r.failures))}`;
      return msg("inbox.event.failed", { what }) + (e.errorText ? ` (${e.errorText})` : e.errorCode ? ` (${e.errorCode})` : "");
    case "rating":
      return msg("inbox.event.rating", { rating: String(e.rating ?? "—") });
    case "reply":
      return msg("inbox.event.reply", { via, intent: e.intent === "RATING" && !e.rating ? "OTHER" : (e.intent ?? "OTHER"), rating: String(e.rating ?? "") });
    case "review_click":
      return msg("inbox.event.reviewClick");
    case "feedback":
      return msg("inbox.event.feedback", { source: e.source ?? "" });
  }
}

type TimelineEventView = Omit<TimelineEvent, "at" | "retry"> & { at: string; retry?: { reason: string | null; failures: number; nextAt: string | null; since: string; gaveUp: boolean } };

/** The status workflow and the staff notes: a plain POST form, what was typed kept on an error. */
function StatusForm() {
  const { item } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>() as ActionFailure | undefined;
  const navigation = useNavigation();
  const msg = useMsg();
  const status = (failure?.values.status as InboxStatusName | undefined) ?? item.status;
  const notes = failure?.values.notes ?? item.staffNotes ?? "";
  return (
    <Form method="post" className="card inbox-status-form" aria-labelledby="status-heading">
      <h2 id="status-heading">{msg("inbox.item.followUp")}</h2>
      <FormError message={failure?.formError} />
      <CsrfInput />
      <input type="hidden" name="version" value={item.version} />
      <StatusChoice status={status} version={item.version} error={failure?.fieldErrors.status} />
      <NotesField notes={notes} item={item} error={failure?.fieldErrors.notes} />
      <button type="submit" disabled={navigation.state === "submitting"}>
        {msg("inbox.item.save")}
      </button>
    </Form>
  );
}

function StatusChoice({ status, version, error }: { status: InboxStatusName; version: Item["version"]; error: string | undefined }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <fieldset className="bare" aria-describedby={error ? "status-error" : undefined}>
      <legend>{msg("inbox.item.status")}</legend>
      <div className="radio-row">
        {(["NEW", "IN_PROGRESS", "RESOLVED"] as const).map((s) => (
          <label key={s} className="radio">
            <input type="radio" name="status" value={s} defaultChecked={status === s} key={`${s}-${version}`} />
            {msg("inbox.item.statusName", { status: s })}
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
  const msg = useMsg();
  const locale = useLocale();
  const { timezone } = useLoaderData<typeof loader>();
  return (
    <div className="field">
      <label htmlFor="notes">{msg("inbox.item.notes")}</label>
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
        {item.notesEdited ? msg("inbox.item.notesEdited", { name: item.notesEdited.by ?? "—", at: formatDateTime(item.notesEdited.at, locale, timezone) }) : msg("inbox.item.notesHint")}
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
  const msg = useMsg();
  return (
    <>
      <p>
        <Link to="/inbox">{msg("inbox.item.back")}</Link>
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
      {params.get("saved") ? <Notice message={msg("inbox.item.saved")} /> : null}
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
  const msg = useMsg();
  return <h1>{msg("inbox.item.title", { source: item.source, name: item.patient.name })}</h1>;
}

/** The item's facts (status, source, rating, patient, campaign) and what the patient wrote. */
function ItemDetails({ item }: { item: Item }) {
  const msg = useMsg();
  const when = useWhen();
  return (
    <section className="card" aria-labelledby="item-heading">
      <h2 id="item-heading" className="visually-hidden">
        {msg("inbox.item.details")}
      </h2>
      <dl className="item-facts">
        <dt>{msg("inbox.item.status")}</dt>
        <dd data-testid="item-status">
          <span className={`status-chip status-${item.status.toLowerCase().replace("_", "-")}`}>{msg("inbox.item.statusName", { status: item.status })}</span>
          {item.status === "RESOLVED" && item.resolvedAt ? (
            <span className="muted">
              {" "}
              {msg("inbox.item.resolvedBy", { name: item.resolvedByName ?? "—", at: when(item.resolvedAt) })}
            </span>
          ) : null}
        </dd>
        <dt>{msg("inbox.item.source")}</dt>
        <dd>{msg("inbox.source", { source: item.source })}</dd>
        <dt>{msg("inbox.item.rating")}</dt>
        <dd>
          <InboxStars rating={item.rating ?? item.patient.rating} />
        </dd>
        <dt>{msg("inbox.item.received")}</dt>
        <dd>{when(item.createdAt)}</dd>
        <dt>{msg("inbox.item.patient")}</dt>
        <dd>
          {item.patient.name} · <span className="phone">{item.patient.phone}</span>
          {item.patient.optedOut ? <span className="muted"> · {msg("inbox.item.optedOut")}</span> : null}
        </dd>
        <dt>{msg("inbox.item.appointment")}</dt>
        <dd>{when(item.patient.appointmentAt)}</dd>
        <dt>{msg("inbox.item.practice")}</dt>
        <dd>{item.practice.name}</dd>
        <dt>{msg("inbox.item.campaign")}</dt>
        <dd>
          <Link to={`/campaigns/${item.campaign.id}`}>{item.campaign.name}</Link>
        </dd>
      </dl>
      {item.text.trim() !== "" ? (
        <>
          <h3>{msg("inbox.item.text", { source: item.source })}</h3>
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
      <h2 id="timeline-heading">{msg("inbox.item.story")}</h2>
      <ol className="timeline" data-testid="timeline">
        {timeline.map((e, i) => (
          <li key={i} className={e.current ? "current" : undefined} aria-current={e.current ? "true" : undefined}>
            <time dateTime={e.at}>{when(e.at)}</time> <span>{describe(e, t, msg, timeOfDay)}</span>
            {e.text && (e.kind === "reply" || e.kind === "feedback") ? <q className="timeline-text">{e.text}</q> : null}
            {e.feedbackId && !e.current ? (
              <>
                {" "}
                <Link to={`/inbox/${e.feedbackId}`}>{msg("inbox.item.openOther")}</Link>
              </>
            ) : null}
            {e.current ? <span className="muted"> · {msg("inbox.item.thisOne")}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Who changed the status or the notes, and when. */
function ItemHistory({ history }: { history: Loaded["history"] }) {
  const msg = useMsg();
  const when = useWhen();
  return (
    <section className="card" aria-labelledby="history-heading">
      <h2 id="history-heading">{msg("inbox.item.changes")}</h2>
      <ul className="plain-list" data-testid="history">
        {history.map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{when(h.at)}</time> · {h.actorName ?? msg("inbox.item.system")}:{" "}
            {h.action === "status_changed" && h.from && h.to ? msg("inbox.item.changedStatus", { from: h.from, to: h.to }) : msg("inbox.item.editedNotes")}
          </li>
        ))}
      </ul>
    </section>
  );
}
