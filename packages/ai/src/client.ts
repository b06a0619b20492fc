// A client for any OpenAI-compatible chat-completions endpoint (OpenAI, a local Ollama, the
// simulator's fake), built on the official `openai` SDK (decision 026).
//
// Provider facts this relies on:
// - Chat completions: POST {base}/chat/completions with `model`, `messages`, optional
//   `response_format` ({type: "json_schema", json_schema: {name, schema, strict}}) and `max_tokens`;
//   the answer is `choices[i].message.content` with a `finish_reason` ("stop", "length", …).
//   https://platform.openai.com/docs/api-reference/chat/create
// - Errors are `{"error": {"message", "type", "param", "code"}}` with HTTP 401/403/404/429/500/503;
//   429 is a rate limit or an exhausted quota. https://platform.openai.com/docs/guides/error-codes
// - Ollama serves the same API under `/v1` (base URL `http://ollama:11434/v1`), ignores the API key,
//   accepts `response_format` but not `n` (absent from its supported request fields), so callers
//   ask for several answers inside one structured answer. https://docs.ollama.com/api/openai-compatibility
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, RateLimitError } from "openai";
import { z } from "zod";

export interface AiConfig {
  /** Base URL of the API, up to and including `/v1` (e.g. `http://ollama:11434/v1`). */
  baseUrl: string;
  /** Bearer token; Ollama ignores it. Never logged. */
  apiKey?: string | undefined;
  model: string;
  /** Whole request, including waiting for the model. */
  timeoutMs: number;
  /** Retries of a 408/409/429/5xx or a dropped connection, with the SDK's backoff. Default 0: a person is waiting. */
  maxRetries?: number | undefined;
}

/** What went wrong, in terms a page can turn into a message and an operator into an alert. */
export type AiErrorKind =
  /** No answer within `timeoutMs`. */
  | "timeout"
  /** HTTP 429: the provider's rate limit or quota. */
  | "rate_limited"
  /** Any other HTTP error answer (401 bad key, 404 unknown model, 5xx …). */
  | "provider"
  /** No connection (refused, DNS, reset). */
  | "unreachable"
  /** An answer arrived but is not what was asked for (not JSON, wrong shape, cut off by length). */
  | "malformed";

export interface AiErrorDetails {
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** From a 429's `Retry-After` header, when it sent one. */
  retryAfterSeconds?: number;
  /** The provider's `error.code` (e.g. `rate_limit_exceeded`, `model_not_found`). */
  providerCode?: string;
  /**
   * A structured-outputs request the model refused: `message.refusal` instead of content
   * (https://platform.openai.com/docs/guides/structured-outputs#refusals).
   */
  refused?: boolean;
}

export class AiError extends Error {
  override readonly name = "AiError";
  readonly kind: AiErrorKind;
  readonly details: AiErrorDetails;
  constructor(kind: AiErrorKind, message: string, details: AiErrorDetails = {}) {
    super(message);
    this.kind = kind;
    this.details = details;
  }
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionOptions {
  temperature?: number;
  maxTokens?: number;
  /** Ask for JSON matching this JSON Schema (OpenAI "structured outputs"; Ollama's `format`). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

export interface Completion {
  content: string;
  model: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

export interface AiClientOptions {
  /** Injected fetch (tests); default the global one. */
  fetch?: typeof fetch;
}

/** The API key is never needed to be real for Ollama, but the SDK refuses an empty one. */
const PLACEHOLDER_KEY = "unused";

export class AiClient {
  readonly model: string;
  private readonly sdk: OpenAI;

  constructor(config: AiConfig, options: AiClientOptions = {}) {
    this.model = config.model;
    this.sdk = new OpenAI({
      baseURL: config.baseUrl.replace(/\/+$/, ""),
      apiKey: config.apiKey || PLACEHOLDER_KEY,
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries ?? 0,
      // The SDK logs nothing of ours below "warn"; "off" also keeps headers (the key) out of any log.
      logLevel: "off",
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** One chat completion; every failure is an `AiError`. */
  async complete(messages: ChatMessage[], options: CompletionOptions = {}): Promise<Completion> {
    let answer: OpenAI.Chat.Completions.ChatCompletion;
    try {
      answer = await this.sdk.chat.completions.create(
        {
          model: this.model,
          messages,
          ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
          ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
          ...(options.jsonSchema
            ? { response_format: { type: "json_schema" as const, json_schema: { name: options.jsonSchema.name, schema: options.jsonSchema.schema, strict: true } } }
            : {}),
        },
        options.signal ? { signal: options.signal } : {},
      );
    } catch (err) {
      throw toAiError(err);
    }
    const choice = Array.isArray(answer?.choices) ? answer.choices[0] : undefined;
    const content = choice?.message?.content;
    const refusal = (choice?.message as { refusal?: unknown } | undefined)?.refusal;
    if (typeof refusal === "string" && refusal.trim() !== "") throw new AiError("malformed", "The model refused to answer.", { refused: true });
    if (typeof content !== "string" || content.trim() === "") throw new AiError("malformed", "The answer has no message content.");
    if (choice?.finish_reason === "length") throw new AiError("malformed", "The answer was cut off at the token limit.");
    return {
      content,
      model: typeof answer.model === "string" ? answer.model : this.model,
      finishReason: choice?.finish_reason ?? null,
      usage: answer.usage ? { promptTokens: answer.usage.prompt_tokens, completionTokens: answer.usage.completion_tokens } : null,
    };
  }

  /**
   * A JSON answer validated with `schema`. A first answer that is not JSON or not of that shape gets
   * one repair turn (the model sees its answer and the problems); a second failure is `malformed`.
   */
  async completeJson<T>(messages: ChatMessage[], schema: z.ZodType<T>, options: Omit<CompletionOptions, "jsonSchema"> & { name: string }): Promise<T> {
    const { name, ...rest } = options;
    const jsonSchema = { name, schema: strictSubset(z.toJSONSchema(schema, { target: "draft-7" })) };
    const first = await this.complete(messages, { ...rest, jsonSchema });
    const parsed = parseJson(first.content, schema);
    if (parsed.ok) return parsed.value;
    const repair: ChatMessage[] = [
      ...messages,
      { role: "assistant", content: first.content },
      {
        role: "user",
        content: `Tu respuesta no es válida (${parsed.problem}). Responde de nuevo solo con un objeto JSON que cumpla este esquema, sin texto alrededor: ${JSON.stringify(jsonSchema.schema)}`,
      },
    ];
    const second = await this.complete(repair, { ...rest, jsonSchema });
    const reparsed = parseJson(second.content, schema);
    if (reparsed.ok) return reparsed.value;
    throw new AiError("malformed", `The answer is not the JSON asked for, even after one repair: ${reparsed.problem}`);
  }
}

// Keywords OpenAI's strict structured outputs refuse (HTTP 400 "Invalid schema") or may not honour:
// lengths, sizes and numeric bounds. The provider gets the shape; zod checks the bounds afterwards.
const UNSUPPORTED_IN_STRICT = new Set(["$schema", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "pattern", "format", "default"]);

/**
 * The JSON Schema as strict structured outputs take it: every object closed
 * (`additionalProperties: false`) with all its properties required, no length or numeric keywords.
 * https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
export function strictSubset(schema: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (UNSUPPORTED_IN_STRICT.has(key)) continue;
      out[key] = key === "properties" && value && typeof value === "object" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)])) : walk(value);
    }
    if (out.type === "object" && out.properties && typeof out.properties === "object") {
      out.additionalProperties = false;
      out.required = Object.keys(out.properties);
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

/** Models often wrap JSON in a ```json fence even when told not to; the fence is not the answer. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

function parseJson<T>(text: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(stripFence(text));
  } catch {
    return { ok: false, problem: "no es JSON" };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: result.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(raíz)"}: ${i.message}`).join("; ") };
}

function toAiError(err: unknown): AiError {
  if (err instanceof AiError) return err;
  // The SDK turns its own timeout into APIConnectionTimeoutError; an abort of ours is APIUserAbortError.
  if (err instanceof APIConnectionTimeoutError) return new AiError("timeout", "The AI provider did not answer in time.");
  if (err instanceof APIUserAbortError) return new AiError("timeout", "The request to the AI provider was cancelled.");
  if (err instanceof APIConnectionError) return new AiError("unreachable", "The AI provider cannot be reached.");
  if (err instanceof RateLimitError) {
    const retryAfter = Number(err.headers?.get("retry-after"));
    return new AiError("rate_limited", "The AI provider's rate limit or quota was reached.", {
      status: 429,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      ...(typeof err.code === "string" ? { providerCode: err.code } : {}),
    });
  }
  if (err instanceof APIError) {
    return new AiError("provider", `The AI provider answered HTTP ${err.status ?? "?"}.`, {
      ...(typeof err.status === "number" ? { status: err.status } : {}),
      ...(typeof err.code === "string" ? { providerCode: err.code } : {}),
    });
  }
  // A 200 whose body is not JSON surfaces as a SyntaxError from the SDK's parser.
  if (err instanceof SyntaxError) return new AiError("malformed", "The AI provider's answer is not JSON.");
  return new AiError("provider", `Unexpected failure calling the AI provider: ${(err as Error)?.message ?? String(err)}`);
}
