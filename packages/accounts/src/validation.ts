import { isMessageCode, type Coded, type MessageCode } from "@rm/catalogue";
import { z } from "zod";
import { ValidationError } from "./errors.ts";

/**
 * A zod message that is a catalogue code (checked when compiled): parseOrThrow turns it into the
 * code with the rule's bound (`max`, `min`) as parameters.
 */
export function code(c: MessageCode): string {
  return c;
}

/** The catalogue text of a zod issue whose message is a code; the plain message otherwise. */
function issueText(issue: z.core.$ZodIssue): string | Coded {
  if (!isMessageCode(issue.message)) return issue.message;
  const params: Record<string, string | number> = {};
  if (issue.code === "too_big") params.max = Number(issue.maximum);
  if (issue.code === "too_small") params.min = Number(issue.minimum);
  const extra: Record<string, string | number> = issue.code === "custom" && issue.params ? (issue.params as Record<string, string | number>) : {};
  Object.assign(params, extra);
  return Object.keys(params).length ? { code: issue.message, params } : { code: issue.message };
}

/** Parses `input` with `schema` or throws a ValidationError with one message per field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: Record<string, string | Coded> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "_form";
    errors[key] ??= issueText(issue);
  }
  throw new ValidationError(errors);
}

export const emailField = z
  .string({ error: code("accounts.email.required") })
  .trim()
  .toLowerCase()
  .max(320, code("accounts.email.tooLong"))
  .pipe(z.email(code("accounts.email.invalid")));

/** The shortest password accepted (the forms' hint and minlength say the same). */
export const PASSWORD_MIN_LENGTH = 10;

export const passwordField = z
  .string({ error: code("accounts.password.required") })
  .min(PASSWORD_MIN_LENGTH, code("accounts.password.tooShort"))
  .max(200, code("accounts.password.tooLong"));

export const nameField = z
  .string({ error: code("accounts.name.required") })
  .trim()
  .min(1, code("accounts.name.required"))
  .max(120, code("accounts.name.tooLong"));
