// The LLM assistant (SPEC §16): an optional answer from an OpenAI-compatible model, grounded only in the
// practice's knowledge. This module is pure but for the one model call: it retrieves the knowledge
// entries the question is about, builds the prompt from them and nothing else, asks for a structured
// answer (ANSWER, PERSON or UNSURE) and checks it. The caller (the conversation pipeline) runs the two
// hand-offs before it, calls it outside any database transaction, and sends or hands off with the result.
import { AiError, type ChatMessage } from "@rm/ai";
import { z } from "zod";
import { renderAnswer } from "./answer.ts";
import { hasFacts, pick, TOPICS, type Language, type PracticeKnowledge, type Topic } from "./knowledge.ts";
import { asksForPerson, detectUrgent } from "./reader/handoff.ts";
import { FUNCTION_WORDS } from "./reader/lexicon.ts";
import { phoneticKey, tokenize } from "./reader/normalize.ts";
import { readPatientQuestion } from "./reader/read-question.ts";

/** One piece of the practice's knowledge, as the model sees it. */
export interface KnowledgeEntry {
  topic: Topic;
  text: string;
}

/** The structured answer the model must give (strict JSON schema): what to do, and the text when it answers. */
export const assistantAnswerSchema = z.object({
  /** ANSWER: `text` answers from the entries; PERSON: the patient wants a person; UNSURE: the entries do not answer it, or it is a medical question. */
  action: z.enum(["ANSWER", "PERSON", "UNSURE"]),
  text: z.string().max(1200),
});
export type AssistantAnswer = z.infer<typeof assistantAnswerSchema>;

/** What the model client must do: the shape of @rm/ai's AiClient.completeJson. */
export interface AssistantModel {
  completeJson<T>(messages: ChatMessage[], schema: z.ZodType<T>, options: { name: string; temperature?: number; maxTokens?: number; signal?: AbortSignal }): Promise<T>;
}

export type AssistantOutcome =
  | { kind: "ANSWER"; text: string; entries: Topic[] }
  /** Hand the thread to staff: asked for a person (by the rules or the model), or urgent (the rules). */
  | { kind: "HANDOFF"; why: "PERSON" | "URGENT" }
  /** Leave it to staff: nothing in the knowledge, the model unsure, a medical question, or an answer that failed the checks. */
  | { kind: "UNSURE"; why: "NO_KNOWLEDGE" | "MODEL_UNSURE" | "MEDICAL" | "EMPTY" }
  /** The model did not answer in time or failed; the message waits for staff. */
  | { kind: "ERROR"; error: AiError };

/** Every entry the knowledge has facts for, rendered as the patient would be answered, plus the practice's own questions. */
export function knowledgeEntries(k: PracticeKnowledge, language: Language): KnowledgeEntry[] {
  const out: KnowledgeEntry[] = [];
  for (const topic of TOPICS) {
    if (topic === "FAQ" || !hasFacts(k, topic)) continue;
    const text = renderAnswer(k, { kind: "TOPIC", topic, confidence: 1 }, language);
    if (text) out.push({ topic, text });
  }
  k.faqs.forEach((f) => {
    const q = pick(f.question, language);
    const a = pick(f.answer, language);
    if (q && a) out.push({ topic: "FAQ", text: `${q}\n${a}` });
  });
  return out;
}

// Content words as sounds, plurals folded ("perros" and "perro", "mascotas" and "mascota").
const contentWords = (text: string) =>
  new Set(
    tokenize(text)
      .filter((t) => t.length > 2 && !FUNCTION_WORDS.has(t))
      .map((t) => phoneticKey(t.length > 4 ? t.replace(/(?<=[^aeiou])es$|s$/, "") : t)),
  );

/** The reader's best topic counts only when the reader saw something of it. */
const BEST_TOPIC_MIN_CONFIDENCE = 0.3;

/**
 * The entries a question is about, best first, at most `max`: the reader's best topic (even below its
 * threshold, if it saw something of it) first, then entries sharing content words with the question. Empty when nothing relates:
 * then the model is not asked at all.
 */
export function retrieveEntries(k: PracticeKnowledge, question: string, language: Language, max = 4): KnowledgeEntry[] {
  const entries = knowledgeEntries(k, language);
  const reading = readPatientQuestion(k, question, language, { threshold: 0 });
  const guess = reading.kind === "TOPIC" ? reading : reading.kind === "NONE" ? reading.best : undefined;
  const best = guess && guess.confidence >= BEST_TOPIC_MIN_CONFIDENCE ? guess.topic : undefined;
  const words = contentWords(question);
  const scored = entries
    .map((e, i) => {
      const own = contentWords(e.text);
      let overlap = 0;
      for (const w of words) if (own.has(w)) overlap++;
      return { e, i, score: overlap + (best && e.topic === best ? 10 : 0) };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i);
  return scored.slice(0, max).map((s) => s.e);
}

/** The system prompt: the rules, then the retrieved entries and nothing else about the practice. */
export function assistantPrompt(input: { practiceName: string; entries: KnowledgeEntry[]; question: string }): ChatMessage[] {
  const facts = input.entries.map((e, i) => `[${i + 1}] ${e.text}`).join("\n\n");
  const system = [
    `You answer patients of the dental practice "${input.practiceName}" by text message.`,
    "Use ONLY the practice information below. Never use other knowledge, never guess, never invent prices, hours, names or links.",
    "Answer in the language the patient wrote in, briefly (at most 3 short sentences), politely.",
    "Never give medical or dental advice, never diagnose, never suggest medicines or doses, never say whether a symptom is serious.",
    'Reply with JSON: {"action": "ANSWER" | "PERSON" | "UNSURE", "text": string}.',
    '- "ANSWER" when the information below answers the question; "text" is the answer.',
    '- "PERSON" when the patient asks to talk to a person, a receptionist or the doctor; "text" is "".',
    '- "UNSURE" when the information below does not answer it, when it is a medical question, or when in doubt; "text" is "".',
    "",
    "Practice information:",
    facts,
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: input.question },
  ];
}

// Belt and braces after the prompt: an answer that names medicines, doses or diagnoses is not sent.
const MEDICAL = /\b(\d+\s?mg|miligramos?|ibuprofeno|paracetamol|acetaminofen|amoxicilina|antibiotic\w*|analgesic\w*|antiinflamatori\w*|ibuprofen|painkillers?|diagnos\w*|infeccion|infection|tomar? (una|un|dos|\d) (pastilla|tableta|capsula)s?|take (a|one|two|\d) (pill|tablet)s?)\b/;

/**
 * Asks the model, once the rules found nothing urgent and no person asked for (checked again here, so
 * no caller can reach the model with them). Never throws for the provider: errors come back as ERROR.
 */
export async function askAssistant(
  model: AssistantModel,
  input: { knowledge: PracticeKnowledge; practiceName: string; question: string; language: Language; signal?: AbortSignal },
): Promise<AssistantOutcome> {
  if (detectUrgent(input.question).urgent) return { kind: "HANDOFF", why: "URGENT" };
  if (asksForPerson(input.question)) return { kind: "HANDOFF", why: "PERSON" };
  const entries = retrieveEntries(input.knowledge, input.question, input.language);
  if (entries.length === 0) return { kind: "UNSURE", why: "NO_KNOWLEDGE" };
  let answer: AssistantAnswer;
  try {
    answer = await model.completeJson(assistantPrompt({ practiceName: input.practiceName, entries, question: input.question }), assistantAnswerSchema, {
      name: "assistant_reply",
      temperature: 0,
      maxTokens: 400,
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (err) {
    if (err instanceof AiError) return { kind: "ERROR", error: err };
    throw err;
  }
  if (answer.action === "PERSON") return { kind: "HANDOFF", why: "PERSON" };
  if (answer.action === "UNSURE") return { kind: "UNSURE", why: "MODEL_UNSURE" };
  const text = answer.text.trim();
  if (!text) return { kind: "UNSURE", why: "EMPTY" };
  if (MEDICAL.test(tokenize(text).join(" "))) return { kind: "UNSURE", why: "MEDICAL" };
  return { kind: "ANSWER", text, entries: entries.map((e) => e.topic) };
}
