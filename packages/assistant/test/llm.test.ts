// The LLM assistant's side without a database (SPEC §16): retrieval of the entries a question is about,
// a prompt made of them and nothing else, the hand-offs before any model call, and the checks on the
// model's structured answer. The model is the simulator's fake chat-completions endpoint.
import { AiClient } from "@rm/ai";
import { createSimulator, type Simulator } from "@rm/twilio-simulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { askAssistant, assistantPrompt, demoKnowledge, emptyKnowledge, retrieveEntries } from "../src/index.ts";

let sim: Simulator;
let model: AiClient;
beforeAll(async () => {
  sim = createSimulator({ accountSid: "AC" + "4d".repeat(16), authTokens: ["t"] });
  const { url } = await sim.listen(0);
  model = new AiClient({ baseUrl: `${url}/v1`, model: "sim-model", timeoutMs: 2000 });
});
afterAll(() => sim.close());
beforeEach(() => sim.ai.reset());

const k = demoKnowledge();
const ask = (question: string, knowledge = k, language: "es" | "en" = "es") => askAssistant(model, { knowledge, practiceName: "Clínica Demo", question, language });

describe("retrieval and prompt", () => {
  it("retrieves the entries a question is about, and none for a question the knowledge says nothing of", () => {
    expect(retrieveEntries(k, "¿Se puede pagar con tarjeta?", "es")[0]?.topic).toBe("PAYMENT");
    expect(retrieveEntries(k, "¿Cuál es la capital de Francia?", "es")).toEqual([]);
  });

  it("the prompt carries only the retrieved entries, and the rules against medical advice", () => {
    const [system] = assistantPrompt({ practiceName: "Clínica Demo", entries: retrieveEntries(k, "¿Se puede pagar con tarjeta?", "es"), question: "¿Se puede pagar con tarjeta?" });
    expect(system!.content).toContain("Deuna");
    expect(system!.content).not.toContain("Av. Amazonas");
    expect(system!.content).toMatch(/Never give medical or dental advice/);
  });
});

describe("askAssistant", () => {
  it("hands off urgent messages and a person asked for without calling the model", async () => {
    expect(await ask("Me duele muchísimo la muela, no aguanto")).toEqual({ kind: "HANDOFF", why: "URGENT" });
    expect(await ask("quiero hablar con alguien")).toEqual({ kind: "HANDOFF", why: "PERSON" });
    expect(await ask("¿Se puede pagar con tarjeta?", emptyKnowledge("America/Guayaquil"))).toEqual({ kind: "UNSURE", why: "NO_KNOWLEDGE" });
    expect(sim.ai.requests).toHaveLength(0);
  });

  it("returns the model's grounded answer, and refuses to pass on medical advice or an empty answer", async () => {
    sim.ai.script([
      { content: JSON.stringify({ action: "ANSWER", text: "Sí, aceptamos tarjetas de débito y crédito." }) },
      { content: JSON.stringify({ action: "ANSWER", text: "Puede tomar paracetamol mientras tanto." }) },
      { content: JSON.stringify({ action: "ANSWER", text: "  " }) },
      { content: JSON.stringify({ action: "UNSURE", text: "" }) },
    ]);
    expect(await ask("¿Se puede pagar con tarjeta?")).toMatchObject({ kind: "ANSWER", text: "Sí, aceptamos tarjetas de débito y crédito." });
    expect(await ask("¿Se puede pagar con tarjeta?")).toEqual({ kind: "UNSURE", why: "MEDICAL" });
    expect(await ask("¿Se puede pagar con tarjeta?")).toEqual({ kind: "UNSURE", why: "EMPTY" });
    expect(await ask("¿Se puede pagar con tarjeta?")).toEqual({ kind: "UNSURE", why: "MODEL_UNSURE" });
  });

  it("answers in the patient's language: an English patient's prompt has the English knowledge", async () => {
    await ask("Can I pay by card?", k, "en");
    expect(JSON.stringify(sim.ai.requests[0]!.body)).toContain("debit and credit cards");
  });

  it("a provider error or a refusal comes back as ERROR, never thrown", async () => {
    sim.ai.script([{ status: 503 }, { refusal: "No." }]);
    expect(await ask("¿Se puede pagar con tarjeta?")).toMatchObject({ kind: "ERROR", error: { kind: "provider" } });
    expect(await ask("¿Se puede pagar con tarjeta?")).toMatchObject({ kind: "ERROR", error: { kind: "malformed", details: { refused: true } } });
  });
});
