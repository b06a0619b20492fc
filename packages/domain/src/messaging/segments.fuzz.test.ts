import fc from "fast-check";
import { SegmentedMessage } from "sms-segments-calculator";
import { describe, expect, it } from "vitest";
import { countSegments } from "./segments.ts";

// countSegments answers the common cases (GSM-7 basic, UCS-2 with one unit per character) without
// the calculator; whatever the text, its answer must be the calculator's, which is Twilio's model
// of what gets billed.
const PIECES = ["a", "Z", "7", " ", "\n", ".", "¿", "ñ", "é", "á", "í", "ó", "ú", "Ú", "€", "{", "[", "~", "^", "😀", "👍🏽", "e\u0301", "\u200d", "ü", "ç", "Ω", "漢", "¡", "@", "|"];
const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 400 }).map((parts) => parts.join("")),
  fc.string({ maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
);

describe("countSegments against the calculator", () => {
  it("agrees on encoding, segments, billed units and the characters that force UCS-2", () => {
    fc.assert(
      fc.property(text, (t) => {
        const ours = countSegments(t);
        if (t.length === 0) {
          expect(ours.segments).toBe(0);
          return;
        }
        const reference = new SegmentedMessage(t);
        expect(ours.encoding).toBe(reference.encodingName === "UCS-2" ? "UCS2" : "GSM7");
        expect(ours.segments).toBe(reference.segmentsCount);
        expect(ours.characters).toBe(reference.encodedChars.reduce((sum, c) => sum + c.codeUnits.length, 0));
        expect(new Set(ours.nonGsmCharacters)).toEqual(new Set(reference.getNonGsmCharacters()));
      }),
      { numRuns: 500 },
    );
  });

  it("reports a mark that attaches to the character before it as the calculator does (fast-check counterexample)", () => {
    for (const t of [" \u1cf2", "a\u1cf2b", "Hola \u0903", "x\u0e33"]) {
      const reference = new SegmentedMessage(t);
      expect(countSegments(t)).toMatchObject({ segments: reference.segmentsCount, nonGsmCharacters: [...new Set(reference.getNonGsmCharacters())] });
    }
  });

  it("agrees at every length up to 8 segments, where the segment boundaries are", () => {
    for (const unit of ["á", "a", "€", "😀"]) {
      for (let n = 1; n <= 560; n++) {
        const t = unit === "😀" ? "ó" + unit.repeat(Math.ceil(n / 2)) : "Hola ó".slice(0, unit === "a" ? 0 : 6) + unit.repeat(n);
        expect(countSegments(t).segments, `${unit} × ${n}`).toBe(new SegmentedMessage(t).segmentsCount);
      }
    }
  });

  it("counts a Spanish request with accents as UCS-2: 70 units in one segment, 67 per part beyond", () => {
    expect(countSegments("á".repeat(70))).toMatchObject({ encoding: "UCS2", segments: 1, characters: 70, nonGsmCharacters: ["á"] });
    expect(countSegments("á".repeat(71))).toMatchObject({ segments: 2, unitsPerSegment: 67 });
    expect(countSegments(`Hola María, califique su atención del 1 al 5: ${"x".repeat(100)}`)).toMatchObject({ encoding: "UCS2", segments: 3, nonGsmCharacters: ["í", "ó"] });
  });
});
