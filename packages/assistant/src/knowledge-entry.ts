// The knowledge page's entry (`@rm/assistant/knowledge`): the model, the form and the store, without the
// reader, so the web app's route modules reach no matching library.
export * from "./knowledge.ts";
export { parseKnowledgeForm, knowledgeToForm, TEXT_FIELDS, type KnowledgeFieldError, type KnowledgeForm, type ParsedKnowledgeForm } from "./knowledge-form.ts";
export { loadKnowledge, knowledgeForPractice, saveKnowledge, type KnowledgeActor } from "./store.ts";
export { demoKnowledge } from "./demo-knowledge.ts";
