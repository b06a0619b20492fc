// A stand-in for an OpenAI-compatible chat-completions endpoint (SPEC §14: tests and `npm start`
// never call a real model). Served by the simulator under `/v1` like Ollama, so `AI_BASE_URL` is
// `<simulator>/v1`. It models only what the real APIs do:
// - POST /v1/chat/completions answers `{id, object: "chat.completion", created, model, choices:
//   [{index, message: {role: "assistant", content}, finish_reason}], usage}`
//   (https://platform.openai.com/docs/api-reference/chat/create).
// - Errors are `{"error": {"message", "type", "param", "code"}}`: 401 invalid_api_key, 404
//   model_not_found, 429 rate_limit_exceeded, 500 server_error, 503 overloaded
//   (https://platform.openai.com/docs/guides/error-codes).
// - Like Ollama it ignores `n` and answers one choice (https://docs.ollama.com/api/openai-compatibility),
//   the less generous of the two, so a client that relies on `n` fails here too.
// - A model may refuse a structured-outputs request: the message then has `content: null` and a
//   `refusal` text (https://platform.openai.com/docs/guides/structured-outputs#refusals).
// Without a script it answers deterministically from the request: a `template_drafts` structured
// request gets three drafts built from the brief (one with seed 004's `{nombre_cliente}` variables),
// an `assistant_reply` request (the LLM assistant, SPEC §16) answers from the first practice entry in
// its prompt (or PERSON / UNSURE), anything else a fixed text derived from the last user message.
// Tests script answers (e.g. an `assistant_reply` JSON with UNSURE), refusals, errors, slowness,
// hangs and malformed bodies through `script()` or `POST /_sim/ai/script`.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readJson, sendJson } from "./http-util.ts";

/** One scripted turn: consumed by the next request, in order. */
export type AiScriptStep =
  /** A normal answer with this message content (e.g. a JSON string for structured requests). */
  | { content: string; finishReason?: "stop" | "length"; delayMs?: number }
  /** An error answer with this HTTP status (429, 500, 503, 401, 404, 400) in the provider's shape. */
  | { status: number; message?: string; code?: string | null; type?: string; delayMs?: number }
  /** The model refuses: `content: null` and this `refusal` text, finish_reason "stop". */
  | { refusal: string; delayMs?: number }
  /** Never answers: the client's own timeout has to end it. */
  | { hang: true }
  /** HTTP 200 whose body is not JSON (a broken proxy or provider). */
  | { malformedBody: true; delayMs?: number };

export interface AiFakeConfig {
  /** Delay before every answer. */
  latencyMs: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey: string | null;
  /** When non-empty, other models answer 404 (as a provider without that model does). */
  models: string[];
}

export interface AiRequestRecord {
  at: number;
  body: unknown;
}

const ERROR_TYPES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Invalid request." },
  401: { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." },
  404: { type: "invalid_request_error", code: "model_not_found", message: "The model does not exist or you do not have access to it." },
  429: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached for requests. Please try again later." },
  500: { type: "server_error", code: null, message: "The server had an error while processing your request. Sorry about that!" },
  503: { type: "server_error", code: "overloaded", message: "The engine is currently overloaded, please try again later." },
};

export class AiFake {
  config: AiFakeConfig = { latencyMs: 0, apiKey: null, models: [] };
  readonly requests: AiRequestRecord[] = [];
  private steps: AiScriptStep[] = [];
  private abort = new AbortController();
  private readonly now: () => number;

  constructor(now: () => number = Date.now, initial: Partial<AiFakeConfig> = {}) {
    this.now = now;
    this.config = { ...this.config, ...initial };
  }

  configure(patch: Partial<AiFakeConfig>): AiFakeConfig {
    this.config = { ...this.config, ...patch };
    return this.config;
  }

  /** Appends turns consumed by the next requests, in order; afterwards the default answers resume. */
  script(steps: AiScriptStep[]): void {
    this.steps.push(...steps);
  }

  get pendingSteps(): number {
    return this.steps.length;
  }

  reset(initial: Partial<AiFakeConfig> = {}): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.steps = [];
    this.requests.length = 0;
    this.config = { latencyMs: 0, apiKey: null, models: [], ...initial };
  }

  close(): void {
    this.abort.abort();
  }

  async handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: (this.config.models.length ? this.config.models : ["sim-model"]).map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "simulator" })),
      });
    }
    if (path !== "/v1/chat/completions") return this.error(res, 404, { message: `Unknown request URL: ${req.method ?? "GET"} ${path}.`, code: "unknown_url" });
    if (req.method !== "POST") return this.error(res, 405, { message: `Method ${req.method ?? ""} not allowed.`, type: "invalid_request_error" });
    if (this.config.apiKey !== null && req.headers.authorization !== `Bearer ${this.config.apiKey}`) return this.error(res, 401);

    let body: unknown;
    try {
      body = await readJson(req, 1_000_000);
    } catch {
      return this.error(res, 400, { message: "We could not parse the JSON body of your request." });
    }
    this.requests.push({ at: this.now(), body });
    const request = body as { model?: unknown; messages?: unknown; response_format?: { type?: string; json_schema?: { name?: string; strict?: boolean; schema?: unknown } } };
    if (typeof request.model !== "string" || !request.model) return this.error(res, 400, { message: "you must provide a model parameter", code: null });
    if (!Array.isArray(request.messages) || request.messages.length === 0) return this.error(res, 400, { message: "'messages' must be a non-empty array." });
    const format = request.response_format;
    if (format?.type === "json_schema" && format.json_schema?.strict === true) {
      const problem = strictSchemaProblem(format.json_schema.schema, "schema");
      if (problem) return this.error(res, 400, { message: `Invalid schema for response_format '${format.json_schema.name ?? ""}': ${problem}`, code: "invalid_json_schema" });
    }
    if (this.config.models.length && !this.config.models.includes(request.model)) return this.error(res, 404, { message: `The model \`${request.model}\` does not exist or you do not have access to it.` });

    const step = this.steps.shift();
    if (step && "hang" in step) {
      // Hold the connection until the client gives up or the simulator closes.
      await new Promise<void>((resolve) => {
        res.once("close", resolve);
        this.abort.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      if (!res.writableEnded) res.destroy();
      return;
    }
    const delay = (step && "delayMs" in step && step.delayMs !== undefined ? step.delayMs : 0) + this.config.latencyMs;
    if (delay > 0 && !(await this.sleep(delay, res))) return;
    if (step && "malformedBody" in step) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id": "chatcmpl-broken", "choices": [');
      return;
    }
    if (step && "status" in step) return this.error(res, step.status, step);

    const messages = request.messages as { role?: unknown; content?: unknown }[];
    if (step && "refusal" in step) {
      const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
      return sendJson(res, 200, {
        id: `chatcmpl-${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 24)}`,
        object: "chat.completion",
        created: Math.floor(this.now() / 1000),
        model: request.model,
        system_fingerprint: "fp_simulator",
        choices: [{ index: 0, message: { role: "assistant", content: null, refusal: step.refusal }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(step.refusal.length / 4), total_tokens: promptTokens + Math.ceil(step.refusal.length / 4) },
      });
    }
    const content = step && "content" in step ? step.content : defaultAnswer(messages, request.response_format?.json_schema?.name);
    const promptTokens = Math.ceil(JSON.stringify(messages).length / 4);
    sendJson(res, 200, {
      id: `chatcmpl-${createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 24)}`,
      object: "chat.completion",
      created: Math.floor(this.now() / 1000),
      model: request.model,
      system_fingerprint: "fp_simulator",
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: step && "content" in step ? (step.finishReason ?? "stop") : "stop" }],
      usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(content.length / 4), total_tokens: promptTokens + Math.ceil(content.length / 4) },
    });
  }

  /** `/_sim/ai/*`: a test (or a person with curl) scripts and inspects the fake. */
  async handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method} ${path}`;
    switch (route) {
      case "GET /_sim/ai/requests":
        return sendJson(res, 200, { total: this.requests.length, requests: this.requests.map((r) => ({ at: new Date(r.at).toISOString(), body: r.body })) });
      case "POST /_sim/ai/script": {
        const body = (await readJson(req, 1_000_000)) as { steps?: unknown };
        if (!Array.isArray(body.steps) || !body.steps.every(isStep)) return sendJson(res, 400, { error: "steps must be an array of {content} | {refusal} | {status} | {hang: true} | {malformedBody: true}" });
        this.script(body.steps);
        return sendJson(res, 200, { pending: this.steps.length });
      }
      case "POST /_sim/ai/configure": {
        const body = (await readJson(req, 100_000)) as Partial<AiFakeConfig>;
        const patch: Partial<AiFakeConfig> = {};
        if (body.latencyMs !== undefined) {
          if (typeof body.latencyMs !== "number" || body.latencyMs < 0) return sendJson(res, 400, { error: "latencyMs must be a number ≥ 0" });
          patch.latencyMs = body.latencyMs;
        }
        if (body.apiKey !== undefined) patch.apiKey = typeof body.apiKey === "string" && body.apiKey ? body.apiKey : null;
        if (body.models !== undefined) {
          if (!Array.isArray(body.models) || !body.models.every((m) => typeof m === "string")) return sendJson(res, 400, { error: "models must be an array of strings" });
          patch.models = body.models;
        }
        const { apiKey, ...shown } = this.configure(patch);
        return sendJson(res, 200, { ...shown, apiKeyRequired: apiKey !== null });
      }
      case "POST /_sim/ai/reset":
        this.reset({ latencyMs: this.config.latencyMs, apiKey: this.config.apiKey, models: this.config.models });
        return sendJson(res, 200, { ok: true });
      default:
        return sendJson(res, 404, { error: `unknown control route ${route}` });
    }
  }

  private error(res: ServerResponse, status: number, override: { message?: string; code?: string | null; type?: string } = {}): void {
    const base = ERROR_TYPES[status] ?? { type: "server_error", code: null, message: "Error." };
    sendJson(res, status, { error: { message: override.message ?? base.message, type: override.type ?? base.type, param: null, code: override.code !== undefined ? override.code : base.code } });
  }

  /** False when the client went away or the simulator closed meanwhile. */
  private sleep(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!res.destroyed), ms);
      const stop = () => {
        clearTimeout(timer);
        resolve(false);
      };
      res.once("close", stop);
      this.abort.signal.addEventListener("abort", stop, { once: true });
    });
  }
}

// Strict structured outputs accept a subset of JSON Schema: every object closed with all properties
// required; we also refuse length and numeric keywords, which strict mode has not always supported
// (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas). Stricter than a
// provider that accepts them is fine: a fake must not be kinder.
const STRICT_UNSUPPORTED = ["minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "pattern", "format", "default"];

function strictSchemaProblem(node: unknown, at: string): string | null {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) {
      const p = strictSchemaProblem(n, `${at}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  if (!node || typeof node !== "object") return null;
  const o = node as Record<string, unknown>;
  for (const k of STRICT_UNSUPPORTED) if (k in o) return `In context=${at}, '${k}' is not permitted.`;
  if (o.type === "object") {
    if (o.additionalProperties !== false) return `In context=${at}, 'additionalProperties' is required to be supplied and to be false.`;
    const props = o.properties && typeof o.properties === "object" ? Object.keys(o.properties) : [];
    const required = Array.isArray(o.required) ? o.required : [];
    const missing = props.filter((p) => !required.includes(p));
    if (missing.length) return `In context=${at}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
  }
  for (const [k, v] of Object.entries(o)) {
    if (k === "properties" && v && typeof v === "object") {
      for (const [pk, pv] of Object.entries(v)) {
        const p = strictSchemaProblem(pv, `${at}.properties.${pk}`);
        if (p) return p;
      }
    } else if (v && typeof v === "object") {
      const p = strictSchemaProblem(v, `${at}.${k}`);
      if (p) return p;
    }
  }
  return null;
}

function isStep(v: unknown): v is AiScriptStep {
  if (!v || typeof v !== "object") return false;
  const s = v as Record<string, unknown>;
  return typeof s.content === "string" || typeof s.refusal === "string" || (typeof s.status === "number" && s.status >= 400 && s.status <= 599) || s.hang === true || s.malformedBody === true;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && "text" in p ? String((p as { text: unknown }).text) : "")).join(" ");
  return "";
}

function defaultAnswer(messages: { role?: unknown; content?: unknown }[], schemaName: string | undefined): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const userText = textOf(lastUser?.content);
  if (schemaName === "template_drafts") {
    const system = textOf(messages.find((m) => m.role === "system")?.content);
    return JSON.stringify({ drafts: draftsFor(userText, /in English/.test(system) ? "en" : "es") });
  }
  if (schemaName === "assistant_reply") return JSON.stringify(assistantReply(textOf(messages.find((m) => m.role === "system")?.content), userText));
  const digest = createHash("sha256").update(userText).digest("hex").slice(0, 8);
  return `Respuesta simulada ${digest}.`;
}

/** Three drafts from the brief in the user message ("Objective: …" and "- point" lines). */
function draftsFor(userText: string, language: "es" | "en"): { text: string }[] {
  const objective = /Objective:\s*(.*)/.exec(userText)?.[1]?.trim().replace(/[.!]+$/, "") ?? "";
  const points = [...userText.matchAll(/^- (.+)$/gm)].map((m) => m[1]!.trim()).filter((p) => p !== "(none)");
  const list = points.length ? ` ${points.join(". ")}.` : "";
  if (language === "en") {
    return [
      { text: `Hi {{name}}, ${objective}.${list} {{practice}}` },
      { text: `{{practice}}: ${objective}.${list} We look forward to seeing you.` },
      { text: `Hello {nombre_cliente}! ${objective}.${list} Best regards, {nombre_asesor}` },
    ];
  }
  return [
    { text: `Hola {{name}}, ${objective}.${list} {{practice}}` },
    { text: `{{practice}}: ${objective}.${list} ¡Le esperamos!` },
    { text: `¡Hola {nombre_cliente}! ${objective}.${list} Saludos, {nombre_asesor}` },
  ];
}

/**
 * The LLM assistant's default (SPEC §16): PERSON when the patient asks for someone, else the first
 * practice entry of the prompt ("[1] …", the retrieval's best) as the answer, else UNSURE. Grounded by
 * construction: it never says anything the prompt's entries do not.
 */
function assistantReply(system: string, userText: string): { action: "ANSWER" | "PERSON" | "UNSURE"; text: string } {
  if (/\b(persona|alguien|humano|recepcion\w*|person|someone|human)\b/i.test(userText)) return { action: "PERSON", text: "" };
  const first = /\[1\] ([\s\S]*?)(?:\n\n\[2\]|$)/.exec(system)?.[1]?.trim();
  return first ? { action: "ANSWER", text: first } : { action: "UNSURE", text: "" };
}
