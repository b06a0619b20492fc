import { z } from "zod";
import { ValidationError, type FieldErrors } from "./errors.ts";

/** Parses `input` with `schema` or throws a ValidationError with one Spanish message per field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "_form";
    fieldErrors[key] ??= issue.message;
  }
  throw new ValidationError(fieldErrors);
}

export const emailField = z
  .string({ error: "Ingrese un correo electrónico." })
  .trim()
  .toLowerCase()
  .max(320, "El correo es demasiado largo.")
  .pipe(z.email("Ingrese un correo electrónico válido."));

export const passwordField = z
  .string({ error: "Ingrese una contraseña." })
  .min(10, "La contraseña debe tener al menos 10 caracteres.")
  .max(200, "La contraseña es demasiado larga (máximo 200 caracteres).");

export const nameField = z
  .string({ error: "Ingrese un nombre." })
  .trim()
  .min(1, "Ingrese un nombre.")
  .max(120, "El nombre es demasiado largo (máximo 120 caracteres).");
