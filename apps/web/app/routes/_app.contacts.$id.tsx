// One contact (SPEC §13): what the workspace holds about a phone — names seen, channels, consent
// history and opt-out with the staff actions (opt out; opt back in with the patient's evidence;
// erase), labels, staff notes, appointments with ratings, feedback, last contact — and every message
// in and out across campaigns and conversations, newest first in pages; the owner downloads the
// patient's data next to erasure. Owners and reception open every contact, a doctor only those with
// an appointment of theirs (404 otherwise); consent changes and erasure are the owner's and the
// doctor's (reception gets 403). Plain GET links and POST forms: works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { eraseContactByStaff, optInContactByStaff, optOutContactByStaff, setMarketingConsentByStaff } from "@rm/campaigns";
import { addContactNote, canActOnPatientData, contactHistory, ContactsError, labelContact, listLabels, loadContact } from "@rm/contacts";
import { NOTE_MAX_LENGTH } from "@rm/contacts/constants";
import type { MessageCode } from "@rm/catalogue";
import { formatPhone } from "@rm/domain";
import { contactsFormError, contactsViewerOf, throwContactsAccessError } from "../.server/contacts.server.ts";
import { getLocale } from "../.server/locale.server.ts";
import { notFound, requireRole, requireUser } from "../.server/staff.server.ts";
import { ConsentTimeline, consentHistoryItems } from "../components/consent.tsx";
import { CsrfInput } from "../components/forms.tsx";
import { formatDateTime, msgFor, useLocale, useMsg } from "../i18n.ts";
import { ROLES } from "../nav.ts";

export const meta: MetaFunction = () => [{ title: "Contacto · Reputation Manager" }];

const NOTICES = ["opted_out", "already_opted_out", "opted_in", "erased", "already_erased", "note", "labels"] as const;
const MARKETING_NOTICES = { marketing_granted: "broadcast.consent.granted", marketing_withdrawn: "broadcast.consent.withdrawn" } as const;
type NoticeName = (typeof NOTICES)[number];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const viewer = contactsViewerOf(staff);
  const url = new URL(request.url);
  const contact = await loadContact(staff.em, viewer, params.id ?? "").catch(throwContactsAccessError);
  const history = await contactHistory(staff.em, viewer, contact.id, { after: url.searchParams.get("after") }).catch(throwContactsAccessError);
  const labels = await listLabels(staff.em, staff.workspace.id);
  const locale = await getLocale(request);
  const msg = msgFor(locale);
  const tz = staff.workspace.timezone;
  const country = staff.workspace.defaultCountry;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const canAct = canActOnPatientData(viewer);
  const confirm = url.searchParams.get("confirm");
  return {
    timezone: tz,
    canAct,
    canDownload: staff.user.role === "OWNER",
    confirm: canAct && (confirm === "optout" || confirm === "erase") ? (confirm as "optout" | "erase") : null,
    contact: {
      id: contact.id,
      phone: formatPhone(contact.phone, country),
      e164: contact.phone,
      name: contact.names[0]?.name ?? contact.contactName,
      createdAt: contact.createdAt.toISOString(),
      lastContactAt: iso(contact.lastContactAt),
      optedOut: contact.optedOutAt !== null,
      optedOutSource: contact.optedOutSource,
      erased: contact.erasedAt !== null,
      consent: { SMS: contact.consent.SMS?.source ?? null, WHATSAPP: contact.consent.WHATSAPP?.source ?? null },
      marketing: contact.marketingConsent ? { at: formatDateTime(contact.marketingConsent.at, locale, tz), source: contact.marketingConsent.source } : null,
      noWhatsapp: contact.noWhatsappAt !== null,
      channels: contact.channels,
      lastChannel: contact.lastChannel,
      names: contact.names.map((n) => ({ name: n.name, appointments: n.appointments })),
      appointments: contact.appointments.map((a) => ({ ...a, appointmentAt: a.appointmentAt.toISOString(), ratedAt: iso(a.ratedAt) })),
      feedback: contact.feedback.map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
      labels: contact.labels,
      notes: contact.notes.map((n) => ({ id: n.id, body: n.body, authorName: n.authorName, createdAt: n.createdAt.toISOString() })),
      consentHistory: consentHistoryItems(contact.consentHistory, msg, (d) => formatDateTime(d, locale, tz)),
    },
    otherLabels: labels.filter((l) => !contact.labels.some((c) => c.id === l.id)).map((l) => ({ id: l.id, name: l.name })),
    history: history.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    next: history.next,
    paged: url.searchParams.has("after"),
  };
}

interface ActionFailure {
  error: string;
  field: "body" | "evidence" | "label" | "marketing" | null;
  values: Record<string, string>;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const staff = await requireUser(request, context, { roles: ROLES.ALL });
  const viewer = contactsViewerOf(staff);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const fail = (error: string, field: ActionFailure["field"], status = 400) =>
    data<ActionFailure>({ error, field, values: { body: String(form.get("body") ?? ""), evidence: String(form.get("evidence") ?? "") } }, { status });
  try {
    if (intent === "note") {
      await addContactNote(staff.em, viewer, id, String(form.get("body") ?? ""), { ip: staff.ip });
      throw redirect(`/contacts/${id}?notice=note#notes`);
    }
    if (intent === "label.add" || intent === "label.remove") {
      const label = String(form.get("label") ?? "");
      if (label === "") return fail("contacts.label.notFound", "label");
      await labelContact(staff.em, viewer, id, intent === "label.add" ? { add: [label] } : { remove: [label] }, { ip: staff.ip });
      throw redirect(`/contacts/${id}?notice=labels#labels`);
    }
    if (intent === "marketing.grant" || intent === "marketing.withdraw") {
      // Marketing consent (SPEC §14): the owner's and the doctor's, like every consent change.
      requireRole(staff, ROLES.STAFF);
      const granted = intent === "marketing.grant";
      const result = await setMarketingConsentByStaff(staff.em, {
        workspaceId: staff.workspace.id,
        contactId: id,
        viewer: { userId: staff.user.id, role: staff.user.role },
        ip: staff.ip,
        granted,
        evidence: String(form.get("evidence") ?? ""),
      });
      if (!result) notFound();
      if (result.outcome === "evidence_required") return fail("broadcast.consent.evidenceRequired", "marketing");
      if (result.outcome === "erased") return fail("consent.optIn.erased", null, 409);
      throw redirect(`/contacts/${id}?notice=${granted ? "marketing_granted" : "marketing_withdrawn"}#marketing`);
    }
    if (intent === "optout" || intent === "optin" || intent === "erase") {
      // Consent and erasure: the owner's and the doctor's (SPEC §3), never reception's.
      requireRole(staff, ROLES.STAFF);
      if (form.get("confirmed") !== "yes") return fail("contacts.error.confirm", null);
      const input = { workspaceId: staff.workspace.id, contactId: id, viewer: { userId: staff.user.id, role: staff.user.role }, ip: staff.ip };
      if (intent === "optin") {
        const channel = form.get("channel") === "SMS" ? "SMS" : form.get("channel") === "WHATSAPP" ? "WHATSAPP" : null;
        const result = await optInContactByStaff(staff.em, { ...input, evidence: String(form.get("evidence") ?? ""), channel });
        if (!result) notFound();
        if (result.outcome === "evidence_required") return fail("consent.optIn.evidenceRequired", "evidence");
        if (result.outcome === "erased") return fail("consent.optIn.erased", null, 409);
        throw redirect(`/contacts/${id}?notice=opted_in`);
      }
      const result = intent === "optout" ? await optOutContactByStaff(staff.em, input) : await eraseContactByStaff(staff.em, input);
      if (!result) notFound();
      throw redirect(`/contacts/${id}?notice=${result.outcome}`);
    }
  } catch (error) {
    const failure = contactsFormError(error);
    if (failure) return fail(failure.text, failure.field === "body" ? "body" : failure.field === "name" ? null : "label");
    if (error instanceof ContactsError && error.code === "not_found" && (intent === "label.add" || intent === "label.remove") && error.text === "contacts.label.notFound") {
      return fail(error.text, "label", 404);
    }
    throwContactsAccessError(error);
  }
  // Unknown intent: still 404 for a contact that is not there for this viewer.
  await loadContact(staff.em, viewer, id).catch(throwContactsAccessError);
  return fail("contacts.error.unknownAction", null);
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type ContactData = Loaded["contact"];

export default function ContactPage() {
  const loaded = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const msg = useMsg();
  const [params] = useSearchParams();
  const notice = params.get("notice");
  const { contact } = loaded;
  return (
    <>
      <p>
        <Link to="/contacts">{msg("contacts.page.back")}</Link>
      </p>
      <h1>{contact.name ?? contact.phone}</h1>
      {notice && notice in MARKETING_NOTICES ? (
        <p className="notice" role="status" data-testid="contact-notice">
          {msg(MARKETING_NOTICES[notice as keyof typeof MARKETING_NOTICES])}
        </p>
      ) : null}
      {notice && (NOTICES as readonly string[]).includes(notice) ? (
        <p className="notice" role="status" data-testid="contact-notice">
          {msg(`contacts.notice.${notice as NoticeName}`)}
        </p>
      ) : null}
      {failure && failure.field === null ? (
        <p className="error" role="alert">
          {msg(failure.error as MessageCode & "contacts.error.confirm")}
        </p>
      ) : null}
      {loaded.confirm ? <ConfirmAction kind={loaded.confirm} contactId={contact.id} /> : null}
      <div className="contact-page">
        <Summary contact={contact} timezone={loaded.timezone} />
        <LabelsPanel contact={contact} others={loaded.otherLabels} failure={failure?.field === "label" ? failure.error : null} />
        <NotesPanel contact={contact} timezone={loaded.timezone} failure={failure?.field === "body" ? failure : null} />
        <ConsentPanel contact={contact} canAct={loaded.canAct} failure={failure?.field === "evidence" ? failure : null} />
        <MarketingPanel contact={contact} canAct={loaded.canAct} failure={failure?.field === "marketing" ? failure : null} />
        <Appointments contact={contact} timezone={loaded.timezone} />
        <FeedbackPanel contact={contact} timezone={loaded.timezone} />
        <History history={loaded.history} next={loaded.next} paged={loaded.paged} contactId={contact.id} timezone={loaded.timezone} />
        <PatientData contact={contact} canAct={loaded.canAct} canDownload={loaded.canDownload} />
      </div>
    </>
  );
}

function Summary({ contact, timezone }: { contact: ContactData; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="summary-title" data-testid="contact-summary">
      <h2 id="summary-title">{msg("contacts.page.summary")}</h2>
      <dl className="facts">
        <dt>{msg("contacts.page.phone")}</dt>
        <dd className="phone">{contact.phone}</dd>
        <dt>{msg("contacts.page.lastContact")}</dt>
        <dd>{contact.lastContactAt ? formatDateTime(contact.lastContactAt, locale, timezone) : msg("contacts.never")}</dd>
        <dt>{msg("contacts.page.since")}</dt>
        <dd>{formatDateTime(contact.createdAt, locale, timezone)}</dd>
        <dt>{msg("contacts.page.channels")}</dt>
        <dd>
          <ul className="plain-list">
            {(["WHATSAPP", "SMS"] as const).map((ch) => (
              <li key={ch}>
                {contact.consent[ch] ? msg("contacts.page.channelConsent", { channel: ch, source: contact.consent[ch] ?? "" }) : msg("contacts.page.channelNoConsent", { channel: ch })}
              </li>
            ))}
            {contact.noWhatsapp ? <li>{msg("contacts.page.noWhatsapp")}</li> : null}
          </ul>
        </dd>
        <dt>{msg("contacts.page.names")}</dt>
        <dd>
          <ul className="plain-list">
            {contact.names.map((n) => (
              <li key={n.name}>
                {n.name} <span className="muted">({msg("contacts.page.nameSeen", { count: n.appointments })})</span>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </section>
  );
}

function LabelsPanel({ contact, others, failure }: { contact: ContactData; others: Loaded["otherLabels"]; failure: string | null }) {
  const msg = useMsg();
  return (
    <section className="card" id="labels" aria-labelledby="labels-title" data-testid="contact-labels">
      <h2 id="labels-title">{msg("contacts.page.labels")}</h2>
      {contact.labels.length === 0 ? (
        <p className="muted">{msg("contacts.page.noLabels")}</p>
      ) : (
        <ul className="labels">
          {contact.labels.map((l) => (
            <li key={l.id} className="label-chip">
              {l.name}{" "}
              <Form method="post" className="inline-form">
                <CsrfInput />
                <input type="hidden" name="intent" value="label.remove" />
                <input type="hidden" name="label" value={l.id} />
                <button type="submit" className="link-button" aria-label={msg("contacts.page.removeLabel", { name: l.name })}>
                  ×
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 ? (
        <Form method="post" className="inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="label.add" />
          <div className="field">
            <label htmlFor="add-label">{msg("contacts.page.addLabel")}</label>
            <select id="add-label" name="label" required {...(failure ? { "aria-invalid": true as const, "aria-describedby": "add-label-error" } : {})}>
              {others.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
            {failure ? (
              <p id="add-label-error" className="field-error">
                {msg(failure as "contacts.label.notFound")}
              </p>
            ) : null}
          </div>
          <div className="buttons">
            <button type="submit">{msg("contacts.page.add")}</button>
          </div>
        </Form>
      ) : contact.labels.length === 0 ? (
        <p className="muted">{msg("contacts.page.noLabelsDefined")}</p>
      ) : null}
    </section>
  );
}

function NotesPanel({ contact, timezone, failure }: { contact: ContactData; timezone: string; failure: ActionFailure | null }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" id="notes" aria-labelledby="notes-title" data-testid="contact-notes">
      <h2 id="notes-title">{msg("contacts.page.notes")}</h2>
      <p className="hint">{msg("contacts.page.notesHint")}</p>
      {contact.notes.length === 0 ? (
        <p className="muted">{msg("contacts.page.noNotes")}</p>
      ) : (
        <ol className="notes">
          {contact.notes.map((n) => (
            <li key={n.id} data-testid="contact-note">
              <p className="note-body">{n.body}</p>
              <p className="muted">
                {n.authorName ? msg("contacts.page.noteBy", { name: n.authorName }) : msg("contacts.page.noteByRemoved")} · <time dateTime={n.createdAt}>{formatDateTime(n.createdAt, locale, timezone)}</time>
              </p>
            </li>
          ))}
        </ol>
      )}
      {/* Keyed on the notes: a saved note empties the field (the form mounts anew). */}
      <Form method="post" key={contact.notes.length}>
        <CsrfInput />
        <input type="hidden" name="intent" value="note" />
        <div className="field">
          <label htmlFor="note-body">{msg("contacts.page.newNote")}</label>
          <textarea
            id="note-body"
            name="body"
            rows={3}
            required
            maxLength={NOTE_MAX_LENGTH}
            defaultValue={failure?.values.body ?? ""}
            {...(failure ? { "aria-invalid": true as const, "aria-describedby": "note-body-error" } : {})}
          />
          {failure ? (
            <p id="note-body-error" className="field-error">
              {msg(failure.error as "contacts.note.required")}
            </p>
          ) : null}
        </div>
        <div className="buttons">
          <button type="submit">{msg("contacts.page.saveNote")}</button>
        </div>
      </Form>
    </section>
  );
}

function ConsentPanel({ contact, canAct, failure }: { contact: ContactData; canAct: boolean; failure: ActionFailure | null }) {
  const msg = useMsg();
  return (
    <section className="card" id="consent" aria-labelledby="consent-title" data-testid="consent-history">
      <h2 id="consent-title">{msg("contacts.page.consent")}</h2>
      <p data-testid="optout-state">
        {contact.erased ? msg("contacts.page.erased") : contact.optedOut ? msg("contacts.page.optedOut", { source: contact.optedOutSource ?? "" }) : msg("contacts.page.notOptedOut")}
      </p>
      <ConsentTimeline items={contact.consentHistory} />
      {canAct && !contact.erased && !contact.optedOut ? (
        <p>
          <Link to={`/contacts/${contact.id}?confirm=optout#confirm`} className="button secondary">
            {msg("contacts.actions.optOut")}
          </Link>
        </p>
      ) : null}
      {canAct && contact.optedOut && !contact.erased ? (
        <Form method="post" aria-labelledby="optin-title" data-testid="optin-form">
          <h3 id="optin-title">{msg("contacts.actions.optIn")}</h3>
          <CsrfInput />
          <input type="hidden" name="intent" value="optin" />
          <input type="hidden" name="confirmed" value="yes" />
          <div className="field">
            <label htmlFor="optin-channel">{msg("contacts.actions.optInChannel")}</label>
            <select id="optin-channel" name="channel" defaultValue={contact.lastChannel ?? "WHATSAPP"}>
              <option value="WHATSAPP">WhatsApp</option>
              <option value="SMS">SMS</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="optin-evidence">{msg("consent.optIn.evidence")}</label>
            <textarea
              id="optin-evidence"
              name="evidence"
              required
              maxLength={1000}
              rows={3}
              defaultValue={failure?.values.evidence ?? ""}
              aria-describedby={failure ? "optin-evidence-hint optin-evidence-error" : "optin-evidence-hint"}
              {...(failure ? { "aria-invalid": true as const } : {})}
            />
            <p id="optin-evidence-hint" className="hint">
              {msg("consent.optIn.evidenceHint")}
            </p>
            {failure ? (
              <p id="optin-evidence-error" className="field-error">
                {msg(failure.error as "consent.optIn.evidenceRequired")}
              </p>
            ) : null}
          </div>
          <div className="buttons">
            <button type="submit">{msg("consent.optIn.confirm")}</button>
          </div>
        </Form>
      ) : null}
    </section>
  );
}

/** Marketing consent (SPEC §14): separate from the consent to rating requests, recorded with how it was obtained. */
function MarketingPanel({ contact, canAct, failure }: { contact: ContactData; canAct: boolean; failure: ActionFailure | null }) {
  const msg = useMsg();
  const m = contact.marketing;
  return (
    <section className="card" id="marketing" aria-labelledby="marketing-title" data-testid="marketing-consent">
      <h2 id="marketing-title">{msg("broadcast.consent.title")}</h2>
      <p data-testid="marketing-state">{m ? msg("broadcast.consent.given", { when: m.at, source: msg("consent.history.source", { source: m.source === "CSV_IMPORT" ? "IMPORT" : m.source }) }) : msg("broadcast.consent.none")}</p>
      {canAct && !contact.erased && !m ? (
        <Form method="post" data-testid="marketing-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="marketing.grant" />
          <div className="field">
            <label htmlFor="marketing-evidence">{msg("broadcast.consent.evidence")}</label>
            <textarea
              id="marketing-evidence"
              name="evidence"
              required
              maxLength={1000}
              rows={2}
              defaultValue={failure?.values.evidence ?? ""}
              {...(failure ? { "aria-invalid": true as const, "aria-describedby": "marketing-evidence-error" } : {})}
            />
            {failure ? (
              <p id="marketing-evidence-error" className="field-error">
                {msg("broadcast.consent.evidenceRequired")}
              </p>
            ) : null}
          </div>
          <button type="submit">{msg("broadcast.consent.grant")}</button>
        </Form>
      ) : null}
      {canAct && !contact.erased && m ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="marketing.withdraw" />
          <button type="submit" className="secondary">
            {msg("broadcast.consent.withdraw")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}

function Appointments({ contact, timezone }: { contact: ContactData; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="appointments-title" data-testid="contact-appointments">
      <h2 id="appointments-title">{msg("contacts.page.appointments")}</h2>
      {contact.appointments.length === 0 ? (
        <p className="muted">{msg("contacts.page.noAppointments")}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{msg("contacts.page.col.appointment")}</th>
                <th scope="col">{msg("contacts.page.col.campaign")}</th>
                <th scope="col">{msg("contacts.page.col.doctor")}</th>
                <th scope="col">{msg("contacts.page.col.rating")}</th>
              </tr>
            </thead>
            <tbody>
              {contact.appointments.map((a) => (
                <tr key={a.patientId}>
                  <td>
                    {formatDateTime(a.appointmentAt, locale, timezone)}
                    <br />
                    <span className="muted">{a.name}</span>
                  </td>
                  <td>
                    <Link to={`/campaigns/${a.campaignId}`}>{a.campaignName}</Link>
                    <br />
                    <span className="muted">{a.practiceName}</span>
                  </td>
                  <td>{a.doctorName ?? "—"}</td>
                  <td>{a.rating !== null ? msg("contacts.page.rating", { rating: a.rating }) : msg("contacts.page.noRating")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FeedbackPanel({ contact, timezone }: { contact: ContactData; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="feedback-title" data-testid="contact-feedback">
      <h2 id="feedback-title">{msg("contacts.page.feedback")}</h2>
      {contact.feedback.length === 0 ? (
        <p className="muted">{msg("contacts.page.noFeedback")}</p>
      ) : (
        <ul className="plain-list">
          {contact.feedback.map((f) => (
            <li key={f.id}>
              <strong>{msg("contacts.page.feedbackSource", { source: f.source })}</strong>
              {f.rating !== null ? ` · ${msg("contacts.page.rating", { rating: f.rating })}` : ""} · <time dateTime={f.createdAt}>{formatDateTime(f.createdAt, locale, timezone)}</time>
              {f.text.trim() !== "" ? <p className="note-body">{f.text}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History({ history, next, paged, contactId, timezone }: { history: Loaded["history"]; next: string | null; paged: boolean; contactId: string; timezone: string }) {
  const msg = useMsg();
  const locale = useLocale();
  return (
    <section className="card" id="messages" aria-labelledby="history-title" data-testid="contact-history">
      <h2 id="history-title">{msg("contacts.page.history")}</h2>
      <p className="hint">{msg("contacts.page.historyHint")}</p>
      {history.length === 0 ? (
        <p className="muted">{msg("contacts.page.noHistory")}</p>
      ) : (
        <ol className="history">
          {history.map((e) => (
            <li key={e.id} className={`history-entry ${e.direction}`} data-testid="history-entry">
              <p className="history-head">
                <strong>{e.direction === "out" ? msg("contacts.history.out", { type: e.type ?? "", channel: e.channel }) : msg("contacts.history.in", { channel: e.channel })}</strong>
                {e.status ? ` · ${msg("contacts.history.status", { status: e.status })}` : ""}
                {e.intent ? ` · ${msg("contacts.history.intent", { intent: e.intent, rating: String(e.rating ?? "") })}` : ""} · <time dateTime={e.at}>{formatDateTime(e.at, locale, timezone)}</time>
                {e.campaignName ? (
                  <>
                    {" · "}
                    <Link to={`/campaigns/${e.campaignId}`}>{e.campaignName}</Link>
                  </>
                ) : null}
              </p>
              <p className="note-body">{e.body && e.body !== "" ? e.body : e.template ? msg("contacts.history.template") : msg("contacts.history.noText")}</p>
            </li>
          ))}
        </ol>
      )}
      <p className="pager">
        {paged ? <Link to={`/contacts/${contactId}#messages`}>{msg("contacts.history.newest")}</Link> : null}
        {next ? <Link to={`/contacts/${contactId}?after=${encodeURIComponent(next)}#messages`}>{msg("contacts.history.older")}</Link> : null}
      </p>
    </section>
  );
}

function PatientData({ contact, canAct, canDownload }: { contact: ContactData; canAct: boolean; canDownload: boolean }) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="data-title" data-testid="contact-data">
      <h2 id="data-title">{msg("contacts.actions.title")}</h2>
      {canDownload ? (
        <p>
          <a href={`/contacts/${contact.id}/data.json`} download data-testid="contact-download">
            {msg("contacts.actions.download")}
          </a>
          <br />
          <span className="hint">{msg("contacts.actions.downloadHint")}</span>
        </p>
      ) : null}
      {canAct && !contact.erased ? (
        <p>
          <Link to={`/contacts/${contact.id}?confirm=erase#confirm`} className="button danger">
            {msg("contacts.actions.erase")}
          </Link>
        </p>
      ) : null}
      {!canAct ? <p className="muted">{msg("contacts.actions.receptionNote")}</p> : null}
    </section>
  );
}

/** The confirmation step of opt-out and erasure: a GET page, then a POST with the CSRF token. */
function ConfirmAction({ kind, contactId }: { kind: "optout" | "erase"; contactId: string }) {
  const msg = useMsg();
  return (
    <section className="card confirm" id="confirm" aria-labelledby="confirm-title" data-testid="confirm-action">
      <h2 id="confirm-title">{msg(kind === "optout" ? "contacts.actions.optOutTitle" : "contacts.actions.eraseTitle")}</h2>
      <p>{msg(kind === "optout" ? "contacts.actions.optOutBody" : "contacts.actions.eraseBody")}</p>
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value={kind} />
        <input type="hidden" name="confirmed" value="yes" />
        <div className="buttons">
          <button type="submit" className={kind === "erase" ? "danger" : undefined}>
            {msg(kind === "optout" ? "contacts.actions.optOutConfirm" : "contacts.actions.eraseConfirm")}
          </button>
          <Link to={`/contacts/${contactId}`}>{msg("contacts.actions.cancel")}</Link>
        </div>
      </Form>
    </section>
  );
}
