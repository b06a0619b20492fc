// The knowledge page's plain form: what an owner types per line becomes knowledge, and back; a wrong line
// is named next to its field and nothing is saved.
import { describe, expect, it } from "vitest";
import { knowledgeToForm, parseKnowledgeForm } from "../src/index.ts";
import { faqKnowledge } from "./faq-fixture.ts";

describe("the knowledge form", () => {
  it("round-trips the knowledge through its fields", () => {
    const k = { ...faqKnowledge(), faqs: [{ question: { es: "¿Tienen wifi?", en: "Is there wifi?" }, answer: { es: "Sí.", en: "Yes." } }] };
    const form = knowledgeToForm(k);
    expect(form["hours.1"]).toBe("08:00-18:00");
    expect(form.doctors).toBe("Dra. Lucía Paredes | 1,3,5 | 08:00-18:00\nDr. Andrés Vera | 2,4 | 08:00-18:00\nDr. Andrés Vera | 6 | 09:00-13:00");
    expect(parseKnowledgeForm(form, k.timezone)).toEqual({ ok: true, knowledge: k });
  });

  it("reads the ways owners write hours and days", () => {
    const form = { ...knowledgeToForm(faqKnowledge()), "hours.1": "8:00 a 13:00; 14h00-18h00", doctors: "Dra. Ríos | 1-3 | 09:00-12:00" };
    const parsed = parseKnowledgeForm(form, "America/Guayaquil");
    expect(parsed.ok && parsed.knowledge.hours["1"]).toEqual([
      { from: "08:00", to: "13:00" },
      { from: "14:00", to: "18:00" },
    ]);
    expect(parsed.ok && parsed.knowledge.doctors).toEqual([{ name: "Dra. Ríos", hours: { "1": [{ from: "09:00", to: "12:00" }], "2": [{ from: "09:00", to: "12:00" }], "3": [{ from: "09:00", to: "12:00" }] } }]);
  });

  it("names each wrong field and returns no knowledge", () => {
    const form = {
      ...knowledgeToForm(faqKnowledge()),
      "hours.2": "18:00-08:00",
      holidays: "2026-12-25\n2026-02-30",
      services: "Limpieza | Cleaning | USD 35\n | sin nombre",
      awayIntervalHours: "0",
    };
    expect(parseKnowledgeForm(form, "America/Guayaquil")).toEqual({
      ok: false,
      errors: {
        "hours.2": { code: "assistant.error.interval", params: { value: "18:00-08:00" } },
        holidays: { code: "assistant.error.date", params: { value: "2026-02-30" } },
        services: { code: "assistant.error.line", params: { line: 2 } },
        awayIntervalHours: { code: "assistant.error.awayHours" },
      },
    });
  });
});
