// The drafts prompt and the mapping of seed 004's variables: pure functions, no provider.
import { describe, expect, it } from "vitest";
import { buildDraftPrompt, mapSeedVariables, type DraftBrief } from "../src/index.ts";

const brief: DraftBrief = { objective: "Recordar la limpieza semestral", tone: "cercano", length: "corto", keyPoints: ["Atendemos los sábados"], language: "es" };

describe("template drafts prompt", () => {
  it("builds the prompt from the brief alone, in the asked language", () => {
    const [system, user] = buildDraftPrompt({ ...brief, language: "en" });
    expect(system!.content).toContain("in English");
    expect(user!.content).toBe("Objective: Recordar la limpieza semestral\nKey points:\n- Atendemos los sábados");
  });

  it("leaves unmapped single-brace names as unknown placeholders for the template check", () => {
    expect(mapSeedVariables("Hola {nombre_cliente}, llame al {telefono}. {{practice}}")).toBe("Hola {{name}}, llame al {{telefono}}. {{practice}}");
  });
});
