// Consent on staff pages (SPEC §5.1, §13): a contact's consent history as a small ordered list and —
// for a patient who opted out — the staff opt-back-in form, which needs the patient's evidence (the
// campaign page's patient detail; the contacts page will reuse it), and the uploader's attestation for
// a file without a consent column (the draft preview). Plain GET links and POST forms: no JavaScript needed.
import type { ReactNode } from "react";
import type { ConsentHistoryEntry } from "@rm/messaging";
import { Form, Link } from "@remix-run/react";
import type { Msg } from "@rm/catalogue";
import { CsrfInput } from "./forms.tsx";
import { useMsg } from "../i18n.ts";

/** One event as the page shows it: texts in the viewer's language, the time in the practice's zone. */
export interface ConsentHistoryItem {
  id: string;
  label: string;
  source: string;
  actor: string | null;
  evidence: string | null;
  at: string;
}

/** Formats the events on the server (the same text server and browser render). */
export function consentHistoryItems(entries: readonly ConsentHistoryEntry[], msg: Msg, when: (d: Date) => string): ConsentHistoryItem[] {
  return entries.map((e) => ({
    id: e.id,
    label: msg("consent.history.event", { action: e.action, channel: e.channel, purpose: e.purpose }),
    source: msg("consent.history.source", { source: e.source }),
    actor: e.actorName ? msg("consent.history.actor", { name: e.actorName }) : null,
    evidence: e.evidence ? msg("consent.history.evidence", { text: e.evidence }) : null,
    at: when(e.at),
  }));
}

export interface ConsentPanelProps {
  patient: { id: string; name: string; channel: "SMS" | "WHATSAPP"; optedOut: boolean; erased: boolean };
  items: readonly ConsentHistoryItem[];
  /** Where "close" goes (the page without the panel). */
  closeTo: string;
  /** Hidden fields that bring the user back to the same list after the POST. */
  keep: ReactNode;
  error?: string | undefined;
}

/** The events, oldest first, or a line saying there are none (the campaign's panel and the contact page). */
export function ConsentTimeline({ items }: { items: readonly ConsentHistoryItem[] }) {
  const msg = useMsg();
  return items.length === 0 ? (
    <p className="muted">{msg("consent.history.empty")}</p>
  ) : (
    <ol className="timeline">
      {items.map((e) => (
        <li key={e.id} className="step" data-testid="consent-event">
          <span className="step-label">
            {e.label} — {e.source}
            {e.actor ? ` ${e.actor}` : ""}
          </span>
          <time className="step-time">{e.at}</time>
          {e.evidence ? <div className="muted">{e.evidence}</div> : null}
        </li>
      ))}
    </ol>
  );
}

export function ConsentPanel({ patient, items, closeTo, keep, error }: ConsentPanelProps) {
  const msg = useMsg();
  return (
    <section className="card" aria-labelledby="consent-title" data-testid="consent-history">
      <h2 id="consent-title">{msg("consent.history.title", { name: patient.name })}</h2>
      <ConsentTimeline items={items} />
      {patient.optedOut && !patient.erased ? (
        <Form method="post" aria-labelledby="optin-title">
          <h3 id="optin-title">{msg("consent.optIn.title", { name: patient.name })}</h3>
          <p>{msg("consent.optIn.body", { channel: patient.channel })}</p>
          <CsrfInput />
          <input type="hidden" name="intent" value="optin" />
          <input type="hidden" name="confirmed" value="yes" />
          <input type="hidden" name="patient" value={patient.id} />
          {keep}
          <div className="field">
            <label htmlFor="optin-evidence">{msg("consent.optIn.evidence")}</label>
            <textarea
              id="optin-evidence"
              name="evidence"
              required
              maxLength={1000}
              rows={3}
              aria-describedby={error ? "optin-evidence-hint optin-evidence-error" : "optin-evidence-hint"}
              {...(error ? { "aria-invalid": true as const } : {})}
            />
            <p id="optin-evidence-hint" className="hint">
              {msg("consent.optIn.evidenceHint")}
            </p>
            {error ? (
              <p id="optin-evidence-error" className="field-error">
                {error}
              </p>
            ) : null}
          </div>
          <div className="buttons">
            <button type="submit">{msg("consent.optIn.confirm")}</button>
          </div>
        </Form>
      ) : null}
      <p>
        <Link to={closeTo}>{msg("consent.history.close")}</Link>
      </p>
    </section>
  );
}

/** The uploader's explicit word for a file without a consent column: required to confirm. */
export function ConsentAttestation() {
  const msg = useMsg();
  return (
    <div className="field" data-testid="consent-attestation">
      <p id="consent-attestation-hint" className="hint">
        {msg("consent.attestation.hint")}
      </p>
      <div className="checkbox">
        <input id="consent-attested" type="checkbox" name="consentAttested" value="yes" required aria-describedby="consent-attestation-hint" />
        <label htmlFor="consent-attested">{msg("consent.attestation.statement")}</label>
      </div>
    </div>
  );
}
