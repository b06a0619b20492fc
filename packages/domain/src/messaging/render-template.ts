/**
 * Message templates with `{{variable}}` placeholders (SPEC §5.4). Templates are checked with
 * `findUnknownVariables` before they are saved; rendering never fails on a patient's data.
 */
export const TEMPLATE_VARIABLES = [
  "name",
  "practice",
  "doctor",
  "appointmentType",
  "date",
  "ratingLink",
  "reviewLink",
  "feedbackLink",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

// {{name}}, {{ name }}; anything else inside double braces is reported as unknown.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);

/** Placeholders in `text` that are not template variables, once each, in order (e.g. a typo `{{nombre}}`). */
export function findUnknownVariables(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!KNOWN.has(name)) unknown.add(name);
  }
  return [...unknown];
}

/**
 * Fills the placeholders in one pass, so a value that itself contains `{{…}}` is never expanded.
 * A missing value (or an unknown placeholder) renders empty, and the gap it leaves is tidied:
 * "Hola {{name}}, gracias" without a name becomes "Hola, gracias", not "Hola , gracias".
 * Values are trimmed and their whitespace collapsed, so a CSV name cannot inject line breaks.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  const filled = text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = KNOWN.has(name) ? values[name as TemplateVariable] : undefined;
    return value ? value.replace(/\s+/g, " ").trim() : "";
  });
  return filled
    .split("\n")
    .map((line) =>
      line
        .replace(/[ \t]{2,}/g, " ")
        .replace(/ +([,.;:!?)])/g, "$1")
        .trim(),
    )
    .join("\n")
    .trim();
}
