import { describe, expect, it } from "vitest";
import { countSegments } from "./segments.ts";
import { toGsmVariant } from "./to-gsm-variant.ts";

describe("toGsmVariant", () => {
  it.each([
    ["¿cómo calificarías tu visita?", "¿como calificarias tu visita?"],
    ["Clínica Ortodóncica Álvarez ÚNICA Íñigo Ó", "Clinica Ortodoncica Alvarez UNICA Iñigo O"],
    ["Cuéntanos qué podemos mejorar", "Cuéntanos qué podemos mejorar"], // é is GSM-7
    ["Peña, Müller, Ñandú", "Peña, Müller, Ñandu"],
    ["à è ù ì ò Ä Ö Å Æ Ø ß É Ç", "à è ù ì ò Ä Ö Å Æ Ø ß É Ç"], // all in the GSM-7 basic set
    ["“Gracias” — ‘Dr. Pérez’… – fin", "\"Gracias\" - 'Dr. Pérez'... - fin"],
    ["«Excelente»", '"Excelente"'],
    ["Su 1ª cita, 2º piso", "Su 1a cita, 2o piso"],
    ["Total 10\u00A0€ [ok]", "Total 10 € [ok]"],
    ["ç âêîôû", "c aeiou"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(toGsmVariant(input)).toBe(expected);
  });

  it("normalises decomposed accents first, so a composed é stays", () => {
    expect(toGsmVariant("Jose\u0301 Mari\u0301a")).toBe("José Maria");
  });

  it("keeps emoji (no stand-in) and the count still names them", () => {
    const variant = toGsmVariant("¡Gracias! 😊 Cuídate");
    expect(variant).toBe("¡Gracias! 😊 Cuidate");
    expect(countSegments(variant).nonGsmCharacters).toEqual(["😊"]);
  });

  it("brings the default messages back into GSM-7", () => {
    const texts = [
      "Hola Ana, ¿cómo calificarías tu visita al Consultorio Odontológico? Responde del 1 al 5.",
      "¡Nos alegra mucho que hayas tenido una buena experiencia! ¿Te importaría compartir tu opinión en Google para ayudar a otros pacientes?",
      "Lamentamos que tu experiencia no haya sido la esperada. Por favor, cuéntanos qué salió mal:",
    ];
    for (const text of texts) {
      const variant = toGsmVariant(text);
      expect(countSegments(variant).encoding).toBe("GSM7");
      expect(countSegments(variant).segments).toBeLessThanOrEqual(countSegments(text).segments);
    }
  });
});
