// @rm/ai's client against the simulator's fake chat-completions endpoint: answers, each kind of failure, the one repair
// turn for a malformed structured answer, and the drafts built on it.
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AiClient, AiError, draftTemplates, type DraftBrief } from "@rm/ai";

const SID = "AC" + "3c".repeat(16);
let sim: Simulator;
let baseUrl: string;

beforeAll(async () => {
  sim = createSimulator({ accountSid: SID, authTokens: ["token-ai-client"] });
  const { url } = await sim.listen(0);
  baseUrl = `${url}/v1`;
});
afterAll(() => sim.close());
beforeEach(() => sim.ai.reset());

const client = (over: Partial<{ timeoutMs: number; apiKey: string; model: string }> = {}) =>
  new AiClient({ baseUrl, model: over.model ?? "llama3.2", timeoutMs: over.timeoutMs ?? 2000, ...(over.apiKey ? { apiKey: over.apiKey } : {}) });

const brief: DraftBrief = { objective: "Recordar la limpieza semestral", tone: "cercano", length: "corto", keyPoints: ["Atendemos los sábados"], language: "es" };

async function failure(p: Promise<unknown>): Promise<AiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiError);
  return err as AiError;
}

describe("AiClient against the fake endpoint", () => {
  it("a refusal (content null, message.refusal set) is an AiError marked refused, not an empty answer", async () => {
    sim.ai.script([{ refusal: "I can't help with that." }]);
    const err = await failure(client().complete([{ role: "user", content: "x" }]));
    expect([err.kind, err.details.refused]).toEqual(["malformed", true]);
  });

  it("the assistant's structured request gets, unscripted, PERSON, the first practice entry of the prompt, or UNSURE", async () => {
    const schema = z.object({ action: z.enum(["ANSWER", "PERSON", "UNSURE"]), text: z.string() });
    const ask = (system: string, user: string) => client().completeJson([{ role: "system", content: system }, { role: "user", content: user }], schema, { name: "assistant_reply" });
    await expect(ask("Practice information:\n[1] Solo perros de asistencia.\n\n[2] Parqueadero del edificio.", "¿Puedo ir con mi perro?")).resolves.toEqual({ action: "ANSWER", text: "Solo perros de asistencia." });
    await expect(ask("Practice information:\n[1] Horario.", "quiero hablar con una persona")).resolves.toEqual({ action: "PERSON", text: "" });
    await expect(ask("Practice information:\n", "¿?")).resolves.toEqual({ action: "UNSURE", text: "" });
  });

  it("sends the model and messages to {base}/chat/completions and returns the answer", async () => {
    sim.ai.script([{ content: "Hola" }]);
    const answer = await client().complete([{ role: "user", content: "Di hola" }]);
    expect(answer).toMatchObject({ content: "Hola", model: "llama3.2", finishReason: "stop" });
    expect(sim.ai.requests).toHaveLength(1);
    expect(sim.ai.requests[0]!.body).toMatchObject({ model: "llama3.2", messages: [{ role: "user", content: "Di hola" }] });
  });

  it("sends the API key as a bearer token, and a wrong key is a provider error (401)", async () => {
    sim.ai.configure({ apiKey: "sk-right" });
    await expect(client({ apiKey: "sk-right" }).complete([{ role: "user", content: "x" }])).resolves.toMatchObject({ content: expect.any(String) });
    const err = await failure(client({ apiKey: "sk-wrong" }).complete([{ role: "user", content: "x" }]));
    expect(err.kind).toBe("provider");
    expect(err.details.status).toBe(401);
    expect(err.message).not.toContain("sk-wrong");
  });

  it("turns a 429 into rate_limited and a 500 or an unknown model into provider errors", async () => {
    sim.ai.script([{ status: 429 }, { status: 500 }]);
    expect((await failure(client().complete([{ role: "user", content: "x" }]))).kind).toBe("rate_limited");
    const server = await failure(client().complete([{ role: "user", content: "x" }]));
    expect([server.kind, server.details.status]).toEqual(["provider", 500]);
    sim.ai.configure({ models: ["llama3.2"] });
    const model = await failure(client({ model: "gpt-unknown" }).complete([{ role: "user", content: "x" }]));
    expect([model.kind, model.details.status, model.details.providerCode]).toEqual(["provider", 404, "model_not_found"]);
  });

  it("gives up after its timeout when the provider is slow or never answers", async () => {
    sim.ai.configure({ latencyMs: 1000 });
    const started = Date.now();
    expect((await failure(client({ timeoutMs: 200 }).complete([{ role: "user", content: "x" }]))).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(900);
    sim.ai.configure({ latencyMs: 0 });
    sim.ai.script([{ hang: true }]);
    expect((await failure(client({ timeoutMs: 200 }).complete([{ role: "user", content: "x" }]))).kind).toBe("timeout");
  });

  it("calls an unreachable endpoint unreachable", async () => {
    const closed = new AiClient({ baseUrl: "http://127.0.0.1:9/v1", model: "m", timeoutMs: 2000 });
    expect((await failure(closed.complete([{ role: "user", content: "x" }]))).kind).toBe("unreachable");
  });

  it("calls a body that is not JSON, an empty answer or one cut off at the token limit malformed", async () => {
    sim.ai.script([{ malformedBody: true }, { content: "" }, { content: '{"drafts": [', finishReason: "length" }]);
    for (let i = 0; i < 3; i++) expect((await failure(client().complete([{ role: "user", content: "x" }]))).kind).toBe("malformed");
  });

  it("asks for JSON with a schema, repairs one malformed answer, and fails on a second", async () => {
    const schema = z.object({ answer: z.string() });
    sim.ai.script([{ content: "Claro, aquí está: answer" }, { content: '```json\n{"answer": "sí"}\n```' }]);
    await expect(client().completeJson([{ role: "user", content: "¿Sí?" }], schema, { name: "yes" })).resolves.toEqual({ answer: "sí" });
    const [first, repair] = sim.ai.requests.map((r) => r.body as { response_format: { type: string; json_schema: { name: string } }; messages: { role: string; content: string }[] });
    expect(first!.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "yes" } });
    expect(repair!.messages.at(-2)).toEqual({ role: "assistant", content: "Claro, aquí está: answer" });
    expect(repair!.messages.at(-1)!.content).toContain("no es JSON");

    sim.ai.script([{ content: '{"other": 1}' }, { content: '{"answer": 2}' }]);
    const err = await failure(client().completeJson([{ role: "user", content: "¿Sí?" }], schema, { name: "yes" }));
    expect(err.kind).toBe("malformed");
  });
});

describe("strict structured outputs", () => {
  it("the fake refuses a strict schema OpenAI refuses (an open object, a length keyword) with 400", async () => {
    const ask = (schema: unknown) =>
      fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "s", strict: true, schema } } }),
      });
    const open = await ask({ type: "object", properties: { a: { type: "string" } }, required: ["a"] });
    expect(open.status).toBe(400);
    expect(((await open.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: "invalid_request_error", message: expect.stringContaining("additionalProperties") });
    const bounded = await ask({ type: "object", properties: { a: { type: "array", items: { type: "string" }, minItems: 3 } }, required: ["a"], additionalProperties: false });
    expect(bounded.status).toBe(400);
  });

  it("the client sends zod schemas in the strict subset, and zod still checks the bounds", async () => {
    const schema = z.object({ items: z.array(z.object({ text: z.string().min(1) })).min(2).max(2) });
    sim.ai.script([{ content: '{"items": [{"text": "a"}]}' }, { content: '{"items": [{"text": "a"}, {"text": "b"}]}' }]);
    await expect(client().completeJson([{ role: "user", content: "x" }], schema, { name: "two" })).resolves.toEqual({ items: [{ text: "a" }, { text: "b" }] });
    // The first answer (one item) passed the provider's schema but not zod's: it took the repair turn.
    expect(sim.ai.requests).toHaveLength(2);
    expect(JSON.stringify(sim.ai.requests[0]!.body)).not.toMatch(/minItems|minLength/);
  });
});

describe("template drafts", () => {
  it("gets three drafts in one structured request (no `n`) and maps seed 004's variables to ours", async () => {
    const drafts = await draftTemplates(client(), brief);
    expect(drafts).toHaveLength(3);
    expect(drafts.join("\n")).toContain("Recordar la limpieza semestral");
    expect(drafts[2]).toContain("{{name}}");
    expect(drafts[2]).toContain("{{doctor}}");
    expect(drafts.join("\n")).not.toMatch(/\{nombre_/);
    const body = sim.ai.requests[0]!.body as Record<string, unknown>;
    expect(body.n).toBeUndefined();
    expect(body.response_format).toMatchObject({ json_schema: { name: "template_drafts" } });
  });

  it("fails as malformed when the model answers two drafts twice", async () => {
    const two = JSON.stringify({ drafts: [{ text: "a" }, { text: "b" }] });
    sim.ai.script([{ content: two }, { content: two }]);
    expect((await failure(draftTemplates(client(), brief))).kind).toBe("malformed");
  });
});
