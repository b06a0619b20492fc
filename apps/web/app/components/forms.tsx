// Form building blocks shared by the staff pages: the CSRF field every mutation needs, and fields
// that show their error next to them (aria-invalid + aria-describedby).
import type { Coded } from "@rm/catalogue";
import type { ReactNode } from "react";
import { textIn, useLocale, useRootData, type Text } from "../i18n.ts";

/** A refused form's errors per field: the catalogue text where the rule has one, else its Spanish text. */
export function fieldTexts(failure: { fieldErrors: Record<string, string>; fieldTexts?: Record<string, Coded> | undefined } | undefined): Record<string, Text> {
  return failure ? { ...failure.fieldErrors, ...failure.fieldTexts } : {};
}

/** A refused form's message above the form, in the same way. */
export function formText(failure: { formError?: string | undefined; formText?: Coded | undefined } | undefined): Text | undefined {
  return failure?.formText ?? failure?.formError;
}

export function CsrfInput() {
  return <input type="hidden" name="_csrf" value={useRootData().csrf} />;
}

export interface FieldProps {
  id: string;
  label: string;
  /** A catalogue text from the server, or (from rules that have none yet) its Spanish text. */
  error?: Text | undefined;
  hint?: ReactNode;
  children: (props: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}

export function Field({ id, label, error, hint, children }: FieldProps) {
  const locale = useLocale();
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { "aria-invalid": true as const } : {}), ...(described ? { "aria-describedby": described } : {}) })}
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {textIn(error, locale)}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: Text | undefined }) {
  const locale = useLocale();
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {textIn(message, locale)}
    </p>
  );
}

export function Notice({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <p className="notice" role="status">
      {message}
    </p>
  );
}
