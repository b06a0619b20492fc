import { formatCoded, type Coded } from "@rm/catalogue";

/**
 * A rule the user broke (shown next to the field or above the form), never a server fault.
 * `code` is stable for the UI; `text` is the catalogue text with its parameters, when the rule has
 * one (pages show it in their language); `message` is its Spanish default.
 */
export class AccountsError extends Error {
  override name = "AccountsError";
  readonly code: string;
  readonly field: string | undefined;
  readonly text: Coded | undefined;
  constructor(code: string, message: string | Coded, field?: string) {
    super(typeof message === "string" ? message : formatCoded("es", message));
    this.code = code;
    this.field = field;
    this.text = typeof message === "string" ? undefined : message;
  }
}

/** Field errors of a zod-validated form: field → first message (Spanish). */
export type FieldErrors = Record<string, string>;

export class ValidationError extends Error {
  override name = "ValidationError";
  readonly fieldErrors: FieldErrors;
  /** The same errors as catalogue texts, for the fields whose rule has one. */
  readonly fieldTexts: Record<string, Coded>;
  constructor(errors: Record<string, string | Coded>) {
    super(`invalid input: ${Object.keys(errors).join(", ")}`);
    this.fieldErrors = {};
    this.fieldTexts = {};
    for (const [field, error] of Object.entries(errors)) {
      if (typeof error === "string") this.fieldErrors[field] = error;
      else {
        this.fieldErrors[field] = formatCoded("es", error);
        this.fieldTexts[field] = error;
      }
    }
  }
}
