// Turning domain rule violations into form answers: field errors next to their fields, a message
// above the form, status 400 (409 for conflicts), and the submitted values back so nothing typed is lost.
import { data } from "@remix-run/node";
import { AccountsError, ValidationError } from "@rm/accounts";
import type { Coded } from "@rm/catalogue";

export interface FormFailure {
  ok: false;
  /** Spanish text per field (pages not yet on codes translate it back, messages.ts). */
  fieldErrors: Record<string, string>;
  formError?: string;
  /** The same errors as catalogue codes with parameters, where the rule has one: shown in the page's language. */
  fieldTexts?: Record<string, Coded>;
  formText?: Coded;
  values: Record<string, string>;
  intent?: string;
}

/** Text fields of a form (files and repeated keys ignored; passwords dropped). */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || key === "_csrf" || /password|confirm|current/i.test(key)) continue;
    values[key] ??= value;
  }
  return values;
}

/** Answers a rule violation as a form failure; anything else is rethrown (a real server error). */
export function formFailure(error: unknown, form: FormData, intent?: string) {
  const values = formValues(form);
  if (error instanceof ValidationError) {
    return data<FormFailure>({ ok: false, fieldErrors: error.fieldErrors, fieldTexts: error.fieldTexts, values, ...(intent ? { intent } : {}) }, { status: 400 });
  }
  if (error instanceof AccountsError) {
    if (error.code === "forbidden") throw data({ error: error.message }, { status: 403 });
    if (error.code === "not_found") throw data({ error: error.message }, { status: 404 });
    const status = error.code === "plan_limit" || error.code === "last_owner" || error.code === "email_taken" ? 409 : 400;
    const text = error.text;
    const failure: FormFailure = error.field
      ? { ok: false, fieldErrors: { [error.field]: error.message }, ...(text ? { fieldTexts: { [error.field]: text } } : {}), values }
      : { ok: false, fieldErrors: {}, formError: error.message, ...(text ? { formText: text } : {}), values };
    if (intent) failure.intent = intent;
    return data<FormFailure>(failure, { status });
  }
  throw error;
}

export function str(form: FormData, key: string): string {
  const value = form.get(key);
  return typeof value === "string" ? value : "";
}

export function formObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") out[key] ??= value;
  return out;
}
