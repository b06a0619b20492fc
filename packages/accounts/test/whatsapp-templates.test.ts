// The own account's WhatsApp text: the editor's starting text is one WhatsApp accepts, and named
// variables become Twilio's numbered placeholders in the order the send path fills them.
import { describe, expect, it } from "vitest";
import { WHATSAPP_CONTENT_TYPES } from "@rm/domain";
import { defaultWhatsAppText, toNumbered, whatsappTextProblems } from "../src/whatsapp-templates.ts";

describe("own-account WhatsApp texts", () => {
  it("starts every type, in both languages, from a text WhatsApp's format rules accept", () => {
    for (const type of WHATSAPP_CONTENT_TYPES) {
      for (const language of ["es", "en"]) {
        const { body, buttons } = defaultWhatsAppText(type, language);
        expect(whatsappTextProblems(type, body, buttons), `${type} ${language}: ${body}`).toEqual({});
      }
    }
  });

  it("numbers the variables as the send path's ContentVariables do", () => {
    expect(toNumbered("INITIAL", "Hola {{name}}, {{doctor}} en {{practice}}: {{ratingLink}} Gracias.")).toBe("Hola {{1}}, {{2}} en {{3}}: {{4}} Gracias.");
    expect(toNumbered("REMINDER", "Hola {{name}}, en {{practice}}: {{ratingLink}} Gracias.")).toBe("Hola {{1}}, en {{2}}: {{3}} Gracias.");
  });
});
