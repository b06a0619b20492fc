// @rm/assistant (SPEC §16): the practice's knowledge, the hand-offs and the reader without a model.
export * from "./knowledge.ts";
export { tokenize, phoneticKey } from "./reader/normalize.ts";
export { detectUrgent, asksForPerson, type UrgentReason, type UrgentReading } from "./reader/handoff.ts";
export { ANSWER_THRESHOLD, readPatientQuestion, type NoneReason, type ReadOptions, type Reading } from "./reader/read-question.ts";
export { renderAnswer } from "./answer.ts";
export { awayMessage, isOpenAt, nextOpening, type AwayDecision, type AwayInput } from "./hours.ts";
export { parseKnowledgeForm, knowledgeToForm, TEXT_FIELDS, type KnowledgeFieldError, type KnowledgeForm, type ParsedKnowledgeForm } from "./knowledge-form.ts";
export { loadKnowledge, knowledgeForPractice, saveKnowledge, type KnowledgeActor } from "./store.ts";
export { demoKnowledge } from "./demo-knowledge.ts";
export { AUTOMATIC_HANDLING_ORDER, decideAutomaticHandling, type HandlingDecision, type HandlingInput } from "./handling.ts";
export { askAssistant, assistantAnswerSchema, assistantPrompt, knowledgeEntries, retrieveEntries, type AssistantAnswer, type AssistantModel, type AssistantOutcome, type KnowledgeEntry } from "./llm.ts";
