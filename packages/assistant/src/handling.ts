// The fixed order of automatic handling of an inbound patient message (SPEC §16):
// opt-out, urgent, an awaited rating, a person asked for, a knowledge answer, the away message, HELP.
// The conversation pipeline owns the steps that need its state (opt-out and HELP keywords, whether a
// rating is awaited and the text reads as one); this package owns the rest. `decideAutomaticHandling`
// puts them in that order, so the order lives in one pure, tested place.
import { awayMessage } from "./hours.ts";
import { renderAnswer } from "./answer.ts";
import type { Language, PracticeKnowledge, Topic } from "./knowledge.ts";
import { asksForPerson, detectUrgent, type UrgentReason } from "./reader/handoff.ts";
import { readPatientQuestion } from "./reader/read-question.ts";

export const AUTOMATIC_HANDLING_ORDER = ["OPT_OUT", "URGENT", "AWAITED_RATING", "PERSON_ASKED", "KNOWLEDGE_ANSWER", "AWAY_MESSAGE", "HELP"] as const;

export interface HandlingInput {
  text: string;
  /** The patient's language (the contact's; Spanish when unknown). */
  language: Language;
  knowledge: PracticeKnowledge;
  practiceName: string;
  now: Date;
  /** When this thread last got an away message (kept on the thread by the caller), or null. */
  lastAwayAt: Date | null;
  /** The caller's reading of its own keywords and state. */
  optOut: boolean;
  /** A rating is awaited from this patient and the text reads as one (SPEC §5.6). */
  awaitedRating: boolean;
  help: boolean;
  /** Confidence threshold for a knowledge answer; default ANSWER_THRESHOLD. */
  threshold?: number;
}

export type HandlingDecision =
  | { step: "OPT_OUT" }
  /** Hand off at once with an urgent staff alert; never a bot answer. */
  | { step: "URGENT"; reasons: UrgentReason[] }
  | { step: "AWAITED_RATING" }
  /** Hand off to staff (the thread waits for a person). */
  | { step: "PERSON_ASKED" }
  /** Send `text` (the bot's message, to be marked as such in the thread). */
  | { step: "KNOWLEDGE_ANSWER"; topic: Topic; confidence: number; text: string }
  /** Send `text` and store `now` as the thread's last away time. */
  | { step: "AWAY_MESSAGE"; text: string }
  | { step: "HELP" }
  /** Nothing automatic: the message waits for staff. */
  | { step: "STAFF" };

/** The first step of the order that applies to this message. Pure: no I/O, no clock of its own. */
export function decideAutomaticHandling(input: HandlingInput): HandlingDecision {
  if (input.optOut) return { step: "OPT_OUT" };
  const urgent = detectUrgent(input.text);
  if (urgent.urgent) return { step: "URGENT", reasons: urgent.reasons };
  if (input.awaitedRating) return { step: "AWAITED_RATING" };
  if (asksForPerson(input.text)) return { step: "PERSON_ASKED" };
  const reading = readPatientQuestion(input.knowledge, input.text, input.language, input.threshold === undefined ? {} : { threshold: input.threshold });
  if (reading.kind === "TOPIC") {
    const text = renderAnswer(input.knowledge, reading, input.language);
    if (text) return { step: "KNOWLEDGE_ANSWER", topic: reading.topic, confidence: reading.confidence, text };
  }
  const away = awayMessage({ knowledge: input.knowledge, now: input.now, lastAwayAt: input.lastAwayAt, language: input.language, practiceName: input.practiceName });
  if (away.send) return { step: "AWAY_MESSAGE", text: away.text };
  if (input.help) return { step: "HELP" };
  return { step: "STAFF" };
}
