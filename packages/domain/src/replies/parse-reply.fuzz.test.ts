// Property tests of the reply parser (SPEC §5.6, §11): any text a patient can send is read without
// throwing, into one of the four answers, and the rules that protect against a wrong rating hold
// for every input, not only the listed fixtures.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ratingPayload } from "./button-payload.ts";
import { COURTESY_PHRASES, GREETING_PHRASES, NEGATION_WORDS, OPT_OUT_KEYWORDS, OPT_OUT_PHRASES, VOCATIVE_WORDS } from "./keywords.ts";
import { parseReply, type ReplyRating } from "./parse-reply.ts";

const anyText = fc.oneof(fc.string({ unit: "grapheme", maxLength: 200 }), fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 }));
const rating = fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<ReplyRating>;
const space = fc.constantFrom(" ", "  ", "\t", "\n", "\u00A0", "");
const trailing = fc.constantFrom("", ".", "!", "!!", " 🙏", " gracias", " 👍");

describe("parseReply, for any input", () => {
  it("never throws and answers one of rating 1–5, optout, optin or other", () => {
    fc.assert(
      fc.property(anyText, fc.option(anyText, { nil: undefined }), (text, buttonPayload) => {
        const r = parseReply(text, { buttonPayload });
        expect(["rating", "optout", "optin", "other"]).toContain(r.kind);
        if (r.kind === "rating") expect([1, 2, 3, 4, 5]).toContain(r.rating);
      }),
      { numRuns: 2000 },
    );
  });

  it("a question is never read as a rating", () => {
    fc.assert(
      fc.property(anyText, anyText, fc.constantFrom("?", "¿"), (a, b, mark) => {
        expect(parseReply(`${a}${mark}${b}`).kind).not.toBe("rating");
      }),
      { numRuns: 1000 },
    );
  });

  it("a negated reply is never read as a rating", () => {
    fc.assert(
      fc.property(fc.constantFrom(...NEGATION_WORDS), rating, fc.boolean(), (word, n, before) => {
        const text = before ? `${word} ${n}` : `${n} ${word}`;
        expect(parseReply(text).kind).not.toBe("rating");
      }),
    );
  });

  it("a number outside 1–5 alone is not a rating", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 6, max: 1_000_000 }), fc.constant(0)), space, (n, pad) => {
        expect(parseReply(`${pad}${n}${pad}`)).toEqual({ kind: "other" });
      }),
    );
  });
});

describe("parseReply round-trips the ratings it offers", () => {
  it("our rating button payload wins over any text", () => {
    fc.assert(
      fc.property(rating, anyText, (n, text) => {
        expect(parseReply(text, { buttonPayload: ratingPayload(n) })).toEqual({ kind: "rating", rating: n });
      }),
    );
  });

  it("a digit 1–5, however padded, is that rating", () => {
    fc.assert(
      fc.property(rating, space, space, trailing, (n, a, b, tail) => {
        expect(parseReply(`${a}${n}${b}${tail}`)).toEqual({ kind: "rating", rating: n });
      }),
    );
  });

  it("a run of N stars (any star kind, spaced or not) is rating N", () => {
    fc.assert(
      fc.property(rating, fc.constantFrom("⭐", "⭐\uFE0F", "★", "🌟"), fc.constantFrom("", " "), trailing, (n, star, sep, tail) => {
        expect(parseReply(Array.from({ length: n }, () => star).join(sep) + tail)).toEqual({ kind: "rating", rating: n });
      }),
    );
  });

  it("fullwidth and keycap digits read like ASCII ones", () => {
    fc.assert(
      fc.property(rating, fc.constantFrom("fullwidth", "keycap"), (n, form) => {
        const text = form === "fullwidth" ? String.fromCharCode(0xff10 + n) : `${n}\uFE0F\u20E3`;
        expect(parseReply(text)).toEqual({ kind: "rating", rating: n });
      }),
    );
  });
});

describe("parseReply sets courtesy aside and reads what is left the same way", () => {
  // Greetings, vocatives and thanks in any order and case, with the punctuation and emoji people put between them.
  const sep = fc.constantFrom(" ", ", ", ". ", "! ", " 🙏 ", " 😊 ", "... ");
  const cased = (a: fc.Arbitrary<string>) =>
    fc.tuple(a, fc.constantFrom("same", "upper", "lower")).map(([w, c]) => (c === "upper" ? w.toUpperCase() : c === "lower" ? w.toLowerCase() : w));
  const chain = (words: fc.Arbitrary<string>) => fc.array(fc.tuple(cased(words), sep), { maxLength: 3 });
  const before = chain(fc.constantFrom(...GREETING_PHRASES, ...VOCATIVE_WORDS, ...COURTESY_PHRASES)).map((xs) => xs.map(([w, s]) => w + s).join(""));
  const after = chain(fc.constantFrom(...VOCATIVE_WORDS, ...COURTESY_PHRASES)).map((xs) => xs.map(([w, s]) => s + w).join(""));
  const polite = (core: string, b: string, a: string) => `${b}${core}${a}`;

  it("a rating keeps its value", () => {
    const ratings = fc.tuple(rating, fc.constantFrom("N", "un N", "el N", "N estrellas", "le doy un N", "mi nota es N", "N/5"));
    fc.assert(
      fc.property(ratings, before, after, ([n, form], b, a) => {
        expect(parseReply(polite(form.replace("N", String(n)), b, a))).toEqual({ kind: "rating", rating: n });
      }),
      { numRuns: 1000 },
    );
  });

  it("an opt-out keyword or phrase stays an opt-out", () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPT_OUT_KEYWORDS, ...OPT_OUT_PHRASES), before, after, (core, b, a) => {
        expect(parseReply(polite(core, b, a))).toEqual({ kind: "optout" });
      }),
      { numRuns: 1000 },
    );
  });

  it("an ambiguous, negated or non-rating reply is never guessed", () => {
    const unsure = fc.constantFrom("5 o 4", "3 y 5", "no 5", "no me den de baja", "no quiero parar", "a las 5", "a la 1", "nos vemos el 5", "tengo 5 citas", "quiero cancelar mi cita", "stop 5", "hola");
    fc.assert(
      fc.property(unsure, before, after, (core, b, a) => {
        expect(parseReply(polite(core, b, a))).toEqual({ kind: "other" });
      }),
      { numRuns: 1000 },
    );
  });
});
