// Template drafts (SPEC §14 "AI drafts"): a brief written by staff → three drafts in one structured
// answer (Ollama ignores `n`). The prompt is built only from the brief and fixed instructions, so no
// patient data can reach the provider; callers must not add any.
import { z } from "zod";
import type { AiClient, ChatMessage } from "./client.ts";

export const DRAFT_TONES = ["cercano", "formal", "alegre", "sobrio"] as const;
export type DraftTone = (typeof DRAFT_TONES)[number];
export const DRAFT_LENGTHS = ["corto", "medio", "largo"] as const;
export type DraftLength = (typeof DRAFT_LENGTHS)[number];
export const DRAFT_LANGUAGES = ["es", "en"] as const;
export type DraftLanguage = (typeof DRAFT_LANGUAGES)[number];

export interface DraftBrief {
  objective: string;
  tone: DraftTone;
  length: DraftLength;
  /** One per line in the form. */
  keyPoints: string[];
  language: DraftLanguage;
}

/** What each length means to the model: one SMS segment, two, three. */
const LENGTH_HINT: Record<DraftLength, string> = {
  corto: "at most 150 characters (one SMS segment)",
  medio: "at most 300 characters",
  largo: "at most 450 characters",
};

const TONE_HINT: Record<DraftTone, string> = {
  cercano: "warm and close, addressing the patient informally but respectfully",
  formal: "formal and polite",
  alegre: "cheerful and upbeat, at most one emoji",
  sobrio: "plain and matter-of-fact, no emoji",
};

/** Our template variables a draft may use (the rest need a patient's appointment). */
export const DRAFT_VARIABLES = ["name", "practice", "doctor"] as const;

export const draftsAnswerSchema = z.object({
  drafts: z
    .array(z.object({ text: z.string().trim().min(1).max(1600) }))
    .min(3)
    .max(3),
});
export type DraftsAnswer = z.infer<typeof draftsAnswerSchema>;

export function buildDraftPrompt(brief: DraftBrief): ChatMessage[] {
  const language = brief.language === "es" ? "Spanish (Latin American)" : "English";
  const system = [
    "You write short WhatsApp/SMS messages that a health practice (dentist, doctor) sends to its patients.",
    `Write exactly three different drafts in ${language}, each ${LENGTH_HINT[brief.length]}, with a tone that is ${TONE_HINT[brief.tone]}.`,
    `You may use only these placeholders, written exactly so: ${DRAFT_VARIABLES.map((v) => `{{${v}}}`).join(", ")} (patient's first name, practice name, doctor's name). Use no other placeholder and invent no names, phone numbers, prices, dates or links.`,
    "Never mention a diagnosis, a treatment or a procedure a particular patient had, and give no medical advice.",
    'Answer only with JSON: {"drafts":[{"text":"…"},{"text":"…"},{"text":"…"}]}.',
  ].join("\n");
  const points = brief.keyPoints.length ? brief.keyPoints.map((p) => `- ${p}`).join("\n") : "- (none)";
  const user = `Objective: ${brief.objective}\nKey points:\n${points}`;
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

/**
 * Seed 004's single-brace variables (`{nombre_cliente}`, …) mapped to ours; a single-brace name we
 * have no equivalent for becomes `{{name}}`-style so the template check names it as unknown.
 */
export const SEED_VARIABLE_MAP: Readonly<Record<string, string>> = {
  nombre_cliente: "name",
  nombre_paciente: "name",
  nombre: "name",
  nombre_asesor: "doctor",
  nombre_doctor: "doctor",
  doctor: "doctor",
  nombre_consultorio: "practice",
  consultorio: "practice",
  clinica: "practice",
};

const SINGLE_BRACE = /(?<!\{)\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}(?!\})/g;

export function mapSeedVariables(text: string): string {
  return text.replace(SINGLE_BRACE, (_m, name: string) => `{{${SEED_VARIABLE_MAP[name.toLowerCase()] ?? name}}}`);
}

/** Three drafts for `brief`, their seed-style variables mapped to ours. Throws `AiError`. */
export async function draftTemplates(client: AiClient, brief: DraftBrief, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const answer = await client.completeJson(buildDraftPrompt(brief), draftsAnswerSchema, {
    name: "template_drafts",
    temperature: 0.8,
    maxTokens: 1200,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return answer.drafts.map((d) => mapSeedVariables(d.text.trim()));
}
