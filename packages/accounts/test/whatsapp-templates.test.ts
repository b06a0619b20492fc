// The own account's WhatsApp text: the editor's starting text is one WhatsApp accepts, and named
// variables become Twilio's numbered placeholders without gaps, each template with its own names.
import { describe, expect, it } from "vitest";
import { contentVariablesForTemplate, WHATSAPP_CONTENT_TYPES } from "@rm/domain";
import { defaultWhatsAppText, skipsANumber, toNumbered, whatsappTextProblems } from "../src/whatsapp-templates.ts";

describe("own-account WhatsApp texts", () => {
  it("starts every type, in both languages, from a text WhatsApp's format rules accept", () => {
    for (const type of WHATSAPP_CONTENT_TYPES) {
      for (const language of ["es", "en"]) {
        const { body, buttons } = defaultWhatsAppText(type, language);
        expect(whatsappTextProblems(type, body, buttons), `${type} ${language}: ${body}`).toEqual({});
      }
    }
  });

  it("numbers only the variables a text uses, in the order they appear, without a gap", () => {
    expect(toNumbered("Hola {{name}}, {{doctor}} en {{practice}}: {{ratingLink}} Gracias.")).toEqual({ body: "Hola {{1}}, {{2}} en {{3}}: {{4}} Gracias.", names: ["name", "doctor", "practice", "ratingLink"] });
    // The rating request without the doctor: the fixed order made this {{1}} … {{3}} {{4}}.
    expect(toNumbered("Hola {{name}}, gracias por visitar {{practice}}: {{ratingLink}} Gracias.")).toEqual({ body: "Hola {{1}}, gracias por visitar {{2}}: {{3}} Gracias.", names: ["name", "practice", "ratingLink"] });
    expect(toNumbered("En {{practice}}, {{name}}, califique: {{ratingLink}} Gracias.")).toEqual({ body: "En {{1}}, {{2}}, califique: {{3}} Gracias.", names: ["practice", "name", "ratingLink"] });
    expect(skipsANumber("Hola {{1}}, en {{3}}: {{4}} Gracias.")).toBe(true);
    expect(skipsANumber("En {{2}}, {{1}} Gracias.")).toBe(false);
  });

  it("sends a message's values with the template's own numbers, and a fallback for an empty one", () => {
    // What an INITIAL message carries: the fixed order (name, doctor, practice, ratingLink).
    const stored = { "1": "", "2": "Dra. Vélez", "3": "Clínica Sur", "4": "https://rm.example/q/abc" };
    expect(contentVariablesForTemplate("INITIAL", stored, ["name", "practice", "ratingLink"], "es")).toEqual({ "1": "paciente", "2": "Clínica Sur", "3": "https://rm.example/q/abc" });
    expect(contentVariablesForTemplate("INITIAL", stored, ["practice", "name", "ratingLink"], "en")).toEqual({ "1": "Clínica Sur", "2": "patient", "3": "https://rm.example/q/abc" });
    // A template created by the fixed order keeps its numbers.
    expect(contentVariablesForTemplate("INITIAL", stored, null, "es")).toEqual({ ...stored, "1": "paciente" });
  });
});
