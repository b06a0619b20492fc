// Public API of @rm/ai: the OpenAI-compatible chat-completions client and the template drafts built
// on it. See README.md.
export { AiClient, AiError, strictSubset, type AiClientOptions, type AiConfig, type AiErrorDetails, type AiErrorKind, type ChatMessage, type Completion, type CompletionOptions } from "./client.ts";
export {
  DRAFT_LANGUAGES,
  DRAFT_LENGTHS,
  DRAFT_TONES,
  DRAFT_VARIABLES,
  SEED_VARIABLE_MAP,
  buildDraftPrompt,
  draftTemplates,
  draftsAnswerSchema,
  mapSeedVariables,
  type DraftBrief,
  type DraftLanguage,
  type DraftLength,
  type DraftTone,
  type DraftsAnswer,
} from "./drafts.ts";
