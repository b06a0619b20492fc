/**
 * A rule the user broke (shown next to the field or above the form), never a server fault.
 * `code` is stable for the UI's translations; `message` is the Spanish default text.
 */
export class AccountsError extends Error {
  override name = "AccountsError";
  readonly code: string;
  readonly field: string | undefined;
  constructor(code: string, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** Field errors of a zod-validated form: field → first message. */
export type FieldErrors = Record<string, string>;

export class ValidationError extends Error {
  override name = "ValidationError";
  readonly fieldErrors: FieldErrors;
  constructor(fieldErrors: FieldErrors) {
    super(`invalid input: ${Object.keys(fieldErrors).join(", ")}`);
    this.fieldErrors = fieldErrors;
  }
}
