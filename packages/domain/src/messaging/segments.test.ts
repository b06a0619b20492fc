import { describe, expect, it } from "vitest";
import { countSegments, creditsFor } from "./segments.ts";

// The default templates' texts, as a practice would keep them.
const INITIAL = "Hola {{name}}, ¿cómo calificarías tu visita al {{practice}}? Responde del 1 al 5.";
const UNHAPPY = "Lamentamos no cumplir tus expectativas. Cuéntanos qué podemos mejorar: {{feedbackLink}}";

describe("countSegments", () => {
  it.each([
    // [label, text, encoding, segments, characters, unitsPerSegment]
    ["empty text costs nothing", "", "GSM7", 0, 0, 160],
    ["GSM-7 at the 160 boundary", "a".repeat(160), "GSM7", 1, 160, 160],
    ["GSM-7 one over", "a".repeat(161), "GSM7", 2, 161, 153],
    ["GSM-7 two full concatenated segments", "a".repeat(306), "GSM7", 2, 306, 153],
    ["GSM-7 third segment", "a".repeat(307), "GSM7", 3, 307, 153],
    ["UCS-2 at the 70 boundary", "á".repeat(70), "UCS2", 1, 70, 70],
    ["UCS-2 one over", "á".repeat(71), "UCS2", 2, 71, 67],
    ["UCS-2 two full concatenated segments", "ó".repeat(134), "UCS2", 2, 134, 67],
    ["UCS-2 third segment", "ú".repeat(135), "UCS2", 3, 135, 67],
    ["extension characters count two septets", "[]{}", "GSM7", 1, 8, 160],
    ["80 euro signs fill one segment", "€".repeat(80), "GSM7", 1, 160, 160],
    ["81 euro signs need two", "€".repeat(81), "GSM7", 2, 162, 153],
    ["an extension char pushes 159 plain chars over", "a".repeat(159) + "€", "GSM7", 2, 161, 153],
    ["é ñ ü ¿ ¡ are GSM-7", "¿Qué tal? Señor Müller ¡gracias! à è ù ì ò Ä Ñ Ü", "GSM7", 1, 48, 160],
  ])("%s", (_label, text, encoding, segments, characters, unitsPerSegment) => {
    expect(countSegments(text)).toMatchObject({ encoding, segments, characters, unitsPerSegment });
  });

  it("counts an emoji as two UTF-16 units (a surrogate pair)", () => {
    expect(countSegments("😀")).toMatchObject({ encoding: "UCS2", segments: 1, characters: 2 });
    expect(countSegments("😀".repeat(35))).toMatchObject({ segments: 1, characters: 70 });
    expect(countSegments("😀".repeat(36))).toMatchObject({ segments: 2, characters: 72 });
  });

  it("never splits a surrogate pair across segments", () => {
    // 66 units + a 2-unit emoji would straddle the 67-unit boundary of a concatenated segment
    const text = "á".repeat(66) + "😀" + "á".repeat(10);
    const result = countSegments(text);
    expect(result.characters).toBe(78);
    expect(result.segments).toBe(2);
  });

  it("counts extension characters in UCS-2 as one unit", () => {
    expect(countSegments("á€[")).toMatchObject({ encoding: "UCS2", characters: 3 });
  });

  it("names the characters that forced UCS-2, once each, in order", () => {
    expect(countSegments(INITIAL).nonGsmCharacters).toEqual(["ó", "í"]);
    // é is GSM-7: the default unhappy follow-up stays in one GSM-7 segment
    expect(countSegments(UNHAPPY)).toMatchObject({ encoding: "GSM7", nonGsmCharacters: [] });
    expect(countSegments("Gracias 🙏 ¡nos vemos! 🙏").nonGsmCharacters).toEqual(["🙏"]);
    expect(countSegments("Hola").nonGsmCharacters).toEqual([]);
  });

  it("keeps joined emoji (family, flags) together as one character", () => {
    expect(countSegments("👨‍👩‍👧 🇪🇨").nonGsmCharacters).toEqual(["👨‍👩‍👧", "🇪🇨"]);
  });

  it("prices the default initial message: one accent doubles the cost", () => {
    const rendered = INITIAL.replace("{{name}}", "María Fernanda").replace("{{practice}}", "Clínica Dental Sonrisas");
    expect(countSegments(rendered)).toMatchObject({ encoding: "UCS2", segments: 2 });
    const plain = "Hola Maria Fernanda, ¿como calificarias tu visita al Clinica Dental Sonrisas? Responde del 1 al 5.";
    expect(countSegments(plain)).toMatchObject({ encoding: "GSM7", segments: 1 });
  });

  it("treats CRLF line breaks as GSM-7", () => {
    expect(countSegments("Hola\r\nGracias")).toMatchObject({ encoding: "GSM7", characters: 13 });
  });
});

describe("creditsFor", () => {
  it("charges SMS by segment", () => {
    expect(creditsFor("SMS", "a".repeat(161))).toBe(2);
    expect(creditsFor("SMS", "á".repeat(71))).toBe(2);
  });
  it("charges a WhatsApp template message one credit whatever its length", () => {
    expect(creditsFor("WHATSAPP", "á".repeat(500))).toBe(1);
  });
});

describe("countSegments fast path for GSM-7 basic text", () => {
  it("agrees with Twilio's calculator around every segment boundary", async () => {
    const { SegmentedMessage } = await import("sms-segments-calculator");
    const alphabet = "@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà";
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const length of [1, 2, 80, 159, 160, 161, 305, 306, 307, 458, 459, 460, 800]) {
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const ours = countSegments(text);
      const theirs = new SegmentedMessage(text);
      expect(ours.encoding).toBe("GSM7");
      expect(theirs.encodingName).toBe("GSM-7");
      expect(ours.segments).toBe(theirs.segmentsCount);
      expect(ours.characters).toBe(theirs.encodedChars.reduce((n, c) => n + c.codeUnits.length, 0));
    }
  });
});
