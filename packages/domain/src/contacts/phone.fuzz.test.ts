// Property tests of phone normalisation (SPEC §5.1, §11): any cell of a spreadsheet is answered
// without throwing; what is accepted is E.164 and stable; what patients and Excel do to a valid
// number (spaces, dashes, brackets, prefixes, fullwidth digits) does not change it; letters never pass.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePhone, PHONE_REJECTION_ES } from "./phone.ts";

const E164 = /^\+[1-9]\d{6,14}$/;
const anyInput = fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.stringMatching(/^[-+()\d .]{0,25}$/));

/** Digit strings shaped like numbers (international or national), so many of them are valid somewhere. */
const numberLike = fc.oneof(fc.stringMatching(/^\+[1-9]\d{6,14}$/), fc.stringMatching(/^0\d{8,9}$/), fc.stringMatching(/^[2-9]\d{9}$/));

/** Ecuadorian mobiles as a clinic's spreadsheet holds them (0 9X XXX XXXX); only the valid ones. */
const ecMobile = fc
  .tuple(fc.integer({ min: 2, max: 9 }), fc.stringMatching(/^\d{7}$/))
  .map(([second, rest]) => `09${second}${rest}`)
  .filter((national) => normalizePhone(national).ok);

function decorate(national: string, style: number): string {
  const digits = national.slice(1); // without the trunk 0
  switch (style) {
    case 0:
      return `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
    case 1:
      return `+593 ${digits.slice(0, 2)}-${digits.slice(2, 5)}-${digits.slice(5)}`;
    case 2:
      return `(0${digits.slice(0, 2)}) ${digits.slice(2, 5)}.${digits.slice(5)}`;
    case 3:
      return `whatsapp:+593${digits}`;
    case 4:
      return `'${national}`;
    case 5:
      return `  593${digits}\u00A0`;
    default:
      // Fullwidth digits (copied from some keyboards and PDFs).
      return national.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
  }
}

describe("normalizePhone, for any input", () => {
  it("never throws; an accepted number is E.164, a rejection has a Spanish explanation", () => {
    fc.assert(
      fc.property(fc.option(anyInput, { nil: null }), (input) => {
        const r = normalizePhone(input);
        if (r.ok) expect(r.e164).toMatch(E164);
        else expect(PHONE_REJECTION_ES[r.reason]).toBeTruthy();
      }),
      { numRuns: 3000 },
    );
  });

  it("is idempotent: an accepted number normalises to itself with the same type", () => {
    fc.assert(
      fc.property(numberLike, fc.constantFrom("EC", "US", "CO", "PE", "ES") as fc.Arbitrary<"EC" | "US" | "CO" | "PE" | "ES">, (input, country) => {
        const first = normalizePhone(input, country);
        fc.pre(first.ok);
        if (!first.ok) return;
        const again = normalizePhone(first.e164, country);
        expect(again).toEqual(first);
      }),
      { numRuns: 1000, maxSkipsPerRun: 1000 },
    );
  });
});

describe("normalizePhone round-trips a valid number through formatting noise", () => {
  it("every way a clinic writes an Ecuadorian mobile gives the same E.164 mobile", () => {
    fc.assert(
      fc.property(ecMobile, fc.integer({ min: 0, max: 6 }), (national, style) => {
        const plain = normalizePhone(national);
        expect(plain).toMatchObject({ ok: true, e164: `+593${national.slice(1)}`, type: "MOBILE", reachable: true, country: "EC" });
        expect(normalizePhone(decorate(national, style))).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });

  it("a letter inside a number is never accepted", () => {
    fc.assert(
      fc.property(ecMobile, fc.integer({ min: 1, max: 9 }), fc.constantFrom("a", "O", "l", "é", "ñ", "Z"), (national, at, letter) => {
        const r = normalizePhone(national.slice(0, at) + letter + national.slice(at));
        expect(r).toEqual({ ok: false, reason: "NOT_A_NUMBER" });
      }),
    );
  });

  it("Excel's scientific notation that dropped digits is rejected, never guessed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{1,5}$/), fc.integer({ min: 8, max: 11 }), fc.constantFrom(".", ","), (lead, fraction, exponent, sep) => {
        fc.pre(fraction.length < exponent);
        expect(normalizePhone(`${lead}${sep}${fraction}E+${String(exponent).padStart(2, "0")}`)).toEqual({ ok: false, reason: "LOSSY_SCIENTIFIC_NOTATION" });
      }),
    );
  });
});
