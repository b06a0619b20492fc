import { SegmentedMessage } from "sms-segments-calculator";

/**
 * Typographic characters that word processors and phones insert, with their plain GSM-7 stand-ins.
 * Letters are not listed: they lose their accent generically below.
 */
const TYPOGRAPHIC: Readonly<Record<string, string>> = {
  "\u2018": "'", // ‘
  "\u2019": "'", // ’
  "\u201A": "'", // ‚
  "\u201B": "'", // ‛
  "\u00B4": "'", // ´
  "\u0060": "'", // ` (not in GSM-7)
  "\u201C": '"', // “
  "\u201D": '"', // ”
  "\u201E": '"', // „
  "\u00AB": '"', // «
  "\u00BB": '"', // »
  "\u2010": "-", // hyphen
  "\u2011": "-", // non-breaking hyphen
  "\u2012": "-", // figure dash
  "\u2013": "-", // –
  "\u2014": "-", // —
  "\u2015": "-", // ―
  "\u2212": "-", // minus sign
  "\u2026": "...", // …
  "\u2022": "-", // •
  "\u00A0": " ", // no-break space
  "\u2007": " ",
  "\u2009": " ",
  "\u202F": " ",
  "\u00BA": "o", // º as in 1º
  "\u00AA": "a", // ª as in 1ª
};

const segmenter = new Intl.Segmenter("es", { granularity: "grapheme" });

function isGsm(text: string): boolean {
  return new SegmentedMessage(text).encodingName === "GSM-7";
}

function stripAccents(grapheme: string): string {
  return grapheme.normalize("NFD").replace(/\p{M}/gu, "");
}

/**
 * An SMS variant of `text` that stays in GSM-7 where it can (160 characters per segment instead of 70).
 * Only characters outside GSM-7 change: á→a, í→i, ó→o, ú→u, Á→A, ç→c, curly quotes/dashes/ellipsis→ASCII;
 * é, ñ, Ñ, ü, Ü, à, è, ù, ì, ò, Ä, ¿, ¡, € … are GSM-7 and are kept. Emoji and other scripts have no
 * stand-in and are kept as they are; `countSegments(result).nonGsmCharacters` names what remains.
 */
export function toGsmVariant(text: string): string {
  const normalized = text.normalize("NFC");
  const replacements = new Map<string, string>();
  for (const char of new SegmentedMessage(normalized).getNonGsmCharacters()) {
    if (replacements.has(char)) continue;
    const typographic = TYPOGRAPHIC[char];
    const unaccented = stripAccents(char);
    const candidate = typographic ?? unaccented;
    replacements.set(char, candidate.length > 0 && isGsm(candidate) ? candidate : char);
  }
  if (replacements.size === 0) return normalized;
  let out = "";
  for (const { segment } of segmenter.segment(normalized)) out += replacements.get(segment) ?? segment;
  return out;
}
