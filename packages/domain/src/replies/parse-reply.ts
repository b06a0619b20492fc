import { parseButtonPayload } from "./button-payload.ts";
import {
  LEADING_ARTICLES,
  NEGATION_WORDS,
  NOT_A_RATING_AFTER_NUMBER,
  NOT_A_RATING_BEFORE_NUMBER,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  OPT_OUT_PHRASES,
  OUT_OF_RANGE_NUMBER_WORDS,
  QUALITY_BANDS,
  RATING_NUMBER_WORDS,
  RATING_QUALITY_WORDS,
  RATING_UNIT_WORDS,
} from "./keywords.ts";
import { STAR, normalizeReply } from "./normalize-reply.ts";
import { stripCourtesy } from "./strip-courtesy.ts";

export type ReplyRating = 1 | 2 | 3 | 4 | 5;

/**
 * How a patient's reply to the rating request is read (SPEC §5.6):
 * - `rating`: store it and schedule the one follow-up;
 * - `optout` / `optin`: change the contact's consent;
 * - `other`: not understood (or understood as something else) → HELP once, text to the staff inbox.
 */
export type ParsedReply =
  | { kind: "rating"; rating: ReplyRating }
  | { kind: "optout" }
  | { kind: "optin" }
  | { kind: "other" };

export interface ParseReplyOptions {
  /** WhatsApp quick-reply `ButtonPayload`; when it is one of ours it wins over the text (see button-payload.ts). */
  buttonPayload?: string | null;
}

const OTHER: ParsedReply = { kind: "other" };

/**
 * Reads a reply. Order: our button payload; then opt-out and opt-in (the whole message is a keyword or
 * a listed phrase); then a rating; else `other`. Greetings and courtesy at the ends of the message
 * ("Hola, …", "… por favor", "…, gracias doctora") are set aside first (strip-courtesy.ts) and the
 * same rules read what is left. When in doubt the answer is `other`: a wrong rating sends a wrong
 * follow-up, a wrong `other` only costs a staff member a look.
 */
export function parseReply(text: string, options: ParseReplyOptions = {}): ParsedReply {
  const fromButton = parseButtonPayload(options.buttonPayload);
  if (fromButton) return fromButton;

  const normalized = normalizeReply(text);
  const core = stripCourtesy(normalized);
  if (core === "") return OTHER;
  if (isOptOut(normalized) || isOptOut(core)) return { kind: "optout" };
  if (isOptIn(core)) return { kind: "optin" };

  // A question is never a rating ("¿5 es lo máximo?"): the patient wants an answer from a person.
  if (/[?¿]/.test(text.normalize("NFKC"))) return OTHER;
  const rating = readRating(withoutLeadingArticle(core.split(" ")));
  return rating === null ? OTHER : { kind: "rating", rating };
}

// "opt out", "stop all" are still the keyword: keywords compare without spaces.
const isOptOut = (s: string) => OPT_OUT_WORDS.has(s.replace(/ /g, "")) || OPT_OUT_PHRASE_SET.has(s);
const isOptIn = (s: string) => OPT_IN_WORDS.has(s.replace(/ /g, ""));

// The tables, normalised once the same way the replies are.
const normalizedSet = (words: readonly string[]) => new Set(words.map(normalizeReply));
const OPT_OUT_WORDS = new Set(OPT_OUT_KEYWORDS.map((k) => normalizeReply(k).replace(/ /g, "")));
const OPT_IN_WORDS = new Set(OPT_IN_KEYWORDS.map((k) => normalizeReply(k).replace(/ /g, "")));
const OPT_OUT_PHRASE_SET = normalizedSet(OPT_OUT_PHRASES);
const normalizedRecord = <T>(record: Readonly<Record<string, T>>) =>
  new Map(Object.entries(record).map(([word, value]) => [normalizeReply(word), value]));
const NUMBER_WORDS = normalizedRecord({ ...RATING_NUMBER_WORDS, ...OUT_OF_RANGE_NUMBER_WORDS });
const QUALITY_WORDS = normalizedRecord(RATING_QUALITY_WORDS);
const UNIT_WORDS = normalizedSet(RATING_UNIT_WORDS);
const NEGATIONS = normalizedSet(NEGATION_WORDS);
const BEFORE_NOT_RATING = normalizedSet(NOT_A_RATING_BEFORE_NUMBER);
const AFTER_NOT_RATING = normalizedSet(NOT_A_RATING_AFTER_NUMBER);
const ARTICLES = normalizedSet(LEADING_ARTICLES);

/**
 * "el 5", "la 3", "una ⭐⭐⭐⭐" → without the article, when the article and one number (with its unit)
 * are the whole message. Anything more keeps the article, and "el"/"la" before a number then mark a
 * date or a time ("el 5 en la tarde", "a la 1").
 */
function withoutLeadingArticle(tokens: string[]): string[] {
  if (tokens.length < 2 || !ARTICLES.has(tokens[0]!)) return tokens;
  const rest = tokens.slice(1);
  const items = toItems(rest);
  return items.length === 1 && items[0]!.type === "number" ? rest : tokens;
}

/** A number the patient gave: digits, a number word, "N/5", "N de 5", or a run of stars. */
interface NumberItem {
  type: "number";
  /** May be outside 1–5 (or NaN for "4.5", "3:30"): such a number makes the reply `other`. */
  value: number;
  stars: number; // length of the star run, 0 when not stars
}
interface WordItem {
  type: "word";
  word: string;
}
type Item = NumberItem | WordItem;

const isRating = (n: number): n is ReplyRating => Number.isInteger(n) && n >= 1 && n <= 5;

/**
 * The rating in a normalised reply, or null. Rules (each one sends doubtful replies to staff):
 * 1. no negation and no opt-out keyword anywhere ("no 5"; "stop 5" may mean stop: a person decides);
 * 2. the scale the patient repeats is dropped ("del 1 al 5, un 4" → "un 4");
 * 3. all numbers agree ("5 5 5" → 5; "3 o 4", "3 ⭐⭐⭐⭐⭐" → null) and are 1–5 ("10", "4,5" → null;
 *    "10/10" is the one out-of-10 score read, as 5);
 * 4. a number stands at the start or the end ("5 pero tardaron mucho", "le pongo 5"), is not a time or a
 *    count ("a las 3", "2 horas", "uno de los mejores");
 * 5. quality words ("excelente", "muy malo") rate alone; next to a number they must point the same way.
 */
function readRating(tokens: string[]): ReplyRating | null {
  if (tokens.some((t) => NEGATIONS.has(t) || OPT_OUT_WORDS.has(t))) return null;
  const items = toItems(dropScale(tokens));
  const numbers = items.filter((i): i is NumberItem => i.type === "number");
  const qualities = qualityRatings(items);

  if (numbers.length === 0) {
    const [first] = qualities;
    return first !== undefined && qualities.every((q) => q === first) ? first : null;
  }

  const first = numbers[0]!.value;
  if (!isRating(first) || numbers.some((n) => n.value !== first)) return null;
  if (items[0]?.type !== "number" && items.at(-1)?.type !== "number") return null;
  for (const [i, item] of items.entries()) {
    if (item.type !== "number" || item.stars > 0) continue;
    const before = items[i - 1];
    const after = items[i + 1];
    if (before?.type === "word" && BEFORE_NOT_RATING.has(before.word)) return null;
    if (after?.type === "word" && AFTER_NOT_RATING.has(after.word)) return null;
  }
  if (qualities.some((q) => !QUALITY_BANDS[q].includes(first))) return null;
  return first;
}

/** "del 1 al 5", "de 1 a 5", "1 al 5", "del uno al cinco": the patient quoting the scale, not a rating. */
function dropScale(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const start = tokens[i] === "de" || tokens[i] === "del" ? i + 1 : i;
    const [low, link, high] = tokens.slice(start, start + 3);
    if ((low === "1" || low === "uno") && (link === "a" || link === "al") && (high === "5" || high === "cinco")) {
      i = start + 2;
      continue;
    }
    out.push(tokens[i]!);
  }
  return out;
}

/** The value of a number token, undefined when it is a word. NaN for "4.5", "4,5", "3:30". */
function numberValue(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const outOf = /^(\d+)\/(\d+)$/.exec(token);
  if (outOf) return scoreOutOf(Number(outOf[1]), Number(outOf[2]));
  if (/^\d+[.,:]\d/.test(token)) return Number.NaN;
  return NUMBER_WORDS.get(token);
}

/** "4/5", "4 de 5" → 4; "10/10" → 5 (a perfect score is unambiguous); any other scale → NaN. */
function scoreOutOf(score: number, scale: number): number {
  if (scale === 5) return score;
  if (scale === 10 && score === 10) return 5;
  return Number.NaN;
}

function toItems(tokens: string[]): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.startsWith(STAR)) {
      items.push({ type: "number", value: token.length / STAR.length, stars: token.length / STAR.length });
      continue;
    }
    const value = numberValue(token);
    if (value === undefined) {
      items.push({ type: "word", word: token });
      continue;
    }
    // "4 de 5", "4 sobre 5", "cuatro de cinco"
    const [link, scaleToken] = tokens.slice(i + 1, i + 3);
    const scale = scaleToken === undefined ? undefined : numberValue(scaleToken);
    if ((link === "de" || link === "sobre") && scale !== undefined) {
      items.push({ type: "number", value: scoreOutOf(value, scale), stars: 0 });
      i += 2;
      continue;
    }
    items.push({ type: "number", value, stars: 0 });
  }
  return dropUnits(items);
}

/**
 * Units belong to the number beside them: "5 estrellas", "5⭐", "⭐ 5" are all 5. A single star next
 * to a number is a unit; a longer run of stars counts on its own ("2 ⭐⭐" agrees, "3 ⭐⭐⭐⭐⭐" does not).
 */
function dropUnits(items: Item[]): Item[] {
  const isPlainNumber = (item: Item | undefined) => item?.type === "number" && item.stars === 0;
  return items.filter((item, i) => {
    if (item.type === "word") return !(UNIT_WORDS.has(item.word) && isPlainNumber(items[i - 1]));
    return !(item.stars === 1 && (isPlainNumber(items[i - 1]) || isPlainNumber(items[i + 1])));
  });
}

/** The quality words in the reply, longest phrase first ("muy malo" before "malo"). */
function qualityRatings(items: Item[]): ReplyRating[] {
  const found: ReplyRating[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.type !== "word") continue;
    const next = items[i + 1];
    const pair = next?.type === "word" ? QUALITY_WORDS.get(`${item.word} ${next.word}`) : undefined;
    if (pair !== undefined) {
      found.push(pair);
      i++;
      continue;
    }
    const single = QUALITY_WORDS.get(item.word);
    if (single !== undefined) found.push(single);
  }
  return found;
}
