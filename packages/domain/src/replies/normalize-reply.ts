/**
 * Normalisation of an inbound patient reply (SPEC §5.6), kept apart from the rules that read it.
 *
 * The result is a string of lowercase, accent-free tokens separated by single spaces, which the keyword
 * and rating tables can be compared against directly:
 *
 *   "  Calificación: 3 "     → "calificacion 3"
 *   "⭐️⭐️⭐️⭐️⭐️ Excelente!" → "⭐⭐⭐⭐⭐ excelente"
 *   "4️⃣"  / "５"             → "4" / "5"
 *   "Stop. Gracias 🙏"        → "stop gracias"
 *   "4,5" / "4.5" / "4 / 5"   → "4,5" / "4.5" / "4/5"   (number punctuation survives, see below)
 */

/** The one canonical star in normalised text; every star the patient may type becomes this. */
export const STAR = "⭐";

/**
 * Stars counted as rating stars: ⭐ (U+2B50, WhatsApp's star, often followed by the emoji variation
 * selector U+FE0F), ★ (U+2605, black star, typed on keyboards and SMS) and 🌟 (U+1F31F, glowing star).
 * The hollow ☆ (U+2606) is deliberately absent: "★★★☆☆" means 3, and counting ☆ would say 5.
 */
const STAR_CHARACTERS = /[\u2B50\u2605\u{1F31F}]\uFE0F?/gu;

/** Keycap emoji: a digit, an optional U+FE0F and U+20E3 ("4️⃣" → "4"); 🔟 is its own code point. */
const KEYCAP = /([0-9])\uFE0F?\u20E3/g;
const KEYCAP_TEN = /\u{1F51F}/gu;

/**
 * Punctuation that is part of a number and must survive, because it changes the meaning:
 * "4/5" is a rating out of 5, "4.5" and "4,5" are decimals (not a whole rating), "3:30" is a time.
 * Only kept directly between two digits; everywhere else it is just punctuation ("5." → "5").
 */
const NUMBER_PUNCTUATION = new Set([".", ",", ":", "/"]);

/**
 * Normalises a reply for matching: Unicode compatibility forms (fullwidth digits "５" → "5"),
 * keycap digits, stars to {@link STAR} (runs kept together, split from words), lowercase, accents
 * stripped ("más" → "mas", "ñ" → "n"), every other symbol, punctuation or emoji turned into a space
 * (WhatsApp markup `*5*`, `_4_` included) except number punctuation between digits, whitespace
 * collapsed and trimmed.
 */
export function normalizeReply(text: string): string {
  let s = text.normalize("NFKC");
  s = s.replace(KEYCAP, " $1 ").replace(KEYCAP_TEN, " 10 ");
  s = s.replace(STAR_CHARACTERS, STAR);
  s = s.toLowerCase();
  // Decompose and drop combining marks: accents, U+FE0F left on other emoji, enclosing marks.
  s = s.normalize("NFD").replace(/\p{M}/gu, "");
  // "4 / 5" → "4/5": a spaced slash between digits is still "out of".
  s = s.replace(/(\d)\s*\/\s*(?=\d)/g, "$1/");
  s = s.replace(/[^\p{L}\p{N}\s]/gu, (ch, offset: number, whole: string) => {
    if (ch === STAR) return ` ${STAR} `;
    const between = /\d/.test(whole[offset - 1] ?? "") && /\d/.test(whole[offset + 1] ?? "");
    return between && NUMBER_PUNCTUATION.has(ch) ? ch : " ";
  });
  // A run of stars is one token even when the patient spaced them ("⭐ ⭐ ⭐" → "⭐⭐⭐").
  s = s.replace(new RegExp(`${STAR}(?:\\s+${STAR})+`, "gu"), (run) => run.replace(/\s+/g, ""));
  return s.replace(/\s+/g, " ").trim();
}
