// Form building blocks shared by the staff pages: the CSRF field every mutation needs, and fields
// that show their error next to them (aria-invalid + aria-describedby).
import type { ReactNode } from "react";
import { useLocale, useRootData } from "../i18n.ts";
import { translateMessage } from "../messages.ts";

export function CsrfInput() {
  return <input type="hidden" name="_csrf" value={useRootData().csrf} />;
}

export interface FieldProps {
  id: string;
  label: string;
  error?: string | undefined;
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
          {translateMessage(error, locale)}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | undefined }) {
  const locale = useLocale();
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {translateMessage(message, locale)}
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
