// The reader without any model (SPEC §16): what a patient's message asks, against the practice's
// knowledge. URGENT and HUMAN come first (handoff.ts); then each knowledge topic is scored from the
// concepts its words carry (lexicon.ts), and a topic is answered only above a confidence threshold.
// Fuzzy matching is Levenshtein distance (fastest-levenshtein, decision 022) on Spanish phonetic keys.
import { distance } from "fastest-levenshtein";
import type { Language, PracticeKnowledge, Topic } from "../knowledge.ts";
import { hasFacts } from "../knowledge.ts";
import { asksForPerson, detectUrgent, type UrgentReason } from "./handoff.ts";
import { type Concept, FUNCTION_WORDS, LEXICON, SERVICE_SYNONYMS } from "./lexicon.ts";
import { phoneticKey, tokenize } from "./normalize.ts";

/** The confidence the reader ships with: below it a question waits for staff (corpus-tuned, see the corpus test). */
export const ANSWER_THRESHOLD = 0.6;

export type Reading =
  | { kind: "URGENT"; reasons: UrgentReason[] }
  | { kind: "HUMAN" }
  | { kind: "TOPIC"; topic: Topic; confidence: number; faq?: number }
  | { kind: "NONE"; why: NoneReason; best?: { topic: Topic; confidence: number } };

/**
 * Why nothing is answered: no topic word, a topic under the threshold, a question about symptoms or
 * medicine (never answered by the bot), the patient reporting something ("ya pagué", "estoy en el
 * parqueadero"), a question about another place ("el horario de la farmacia"), a price of something the
 * practice does not list, or a topic the practice's knowledge says nothing about.
 */
export type NoneReason = "NO_TOPIC" | "BELOW_THRESHOLD" | "CLINICAL" | "REPORT" | "OTHER_PLACE" | "PRICE_OF_OTHER" | "NO_FACTS";

export interface ReadOptions {
  /** Answer only at or above this confidence (0…1); default {@link ANSWER_THRESHOLD}. */
  threshold?: number;
}

/** How well a typed word matched a table word: exactly, by sound, or within an edit. */
const EXACT = 1;
const SOUNDS_LIKE = 0.95;
const ONE_EDIT = 0.85;

interface Vocabulary {
  /** word → concepts, table words and the practice's own words. */
  words: Map<string, Set<Concept | `SERVICE:${number}` | "INSURER" | "DOCTOR_NAME">>;
  byKey: Map<string, string[]>;
  /** Table words long enough to be matched within one edit, by phonetic key. */
  fuzzy: { key: string; word: string }[];
}

type Tag = Concept | `SERVICE:${number}` | "INSURER" | "DOCTOR_NAME";

function addWord(v: Vocabulary, word: string, tag: Tag) {
  let tags = v.words.get(word);
  if (!tags) {
    tags = new Set();
    v.words.set(word, tags);
    const key = phoneticKey(word);
    v.byKey.set(key, [...(v.byKey.get(key) ?? []), word]);
    if (word.length >= 6) v.fuzzy.push({ key, word });
  }
  tags.add(tag);
}

/** Content words of a name the owner typed: "Limpieza (profilaxis)" → limpieza, profilaxis. */
function nameWords(name: string): string[] {
  return tokenize(name).filter((w) => w.length > 2 && !FUNCTION_WORDS.has(w) && !/^\d/.test(w) && !LEXICON.get(w)?.includes("DENTAL"));
}

// The vocabulary depends on the knowledge only; a practice's knowledge object is read many times.
const vocabularies = new WeakMap<PracticeKnowledge, Vocabulary>();

function vocabularyOf(k: PracticeKnowledge): Vocabulary {
  const cached = vocabularies.get(k);
  if (cached) return cached;
  const v: Vocabulary = { words: new Map(), byKey: new Map(), fuzzy: [] };
  for (const [word, concepts] of LEXICON) for (const c of concepts) addWord(v, word, c);
  k.services.forEach((service, i) => {
    const own = [...nameWords(service.name.es), ...nameWords(service.name.en), ...service.aliases.flatMap(nameWords)];
    const synonyms = own.flatMap((w) => SERVICE_SYNONYMS[w] ?? []);
    for (const w of [...own, ...synonyms]) addWord(v, w, `SERVICE:${i}`);
  });
  for (const insurer of k.insurers) for (const w of tokenize(insurer).filter((w) => w.length > 1 && !FUNCTION_WORDS.has(w))) addWord(v, w, "INSURER");
  for (const doctor of k.doctors) for (const w of nameWords(doctor.name)) if (!LEXICON.has(w)) addWord(v, w, "DOCTOR_NAME");
  vocabularies.set(k, v);
  return v;
}

interface Hit {
  index: number;
  word: string;
  tags: Set<Tag>;
  quality: number;
}

/** Each typed word's best match in the vocabulary: exact, same phonetic key, or one edit away on the key. */
function match(v: Vocabulary, tokens: string[]): { hits: Hit[]; unknown: string[] } {
  const hits: Hit[] = [];
  const unknown: string[] = [];
  tokens.forEach((token, index) => {
    const exact = v.words.get(token);
    if (exact) return void hits.push({ index, word: token, tags: exact, quality: EXACT });
    if (FUNCTION_WORDS.has(token) || /^\d+$/.test(token)) return;
    const key = phoneticKey(token);
    const same = v.byKey.get(key);
    if (same?.length) return void hits.push({ index, word: same[0]!, tags: v.words.get(same[0]!)!, quality: SOUNDS_LIKE });
    if (token.length >= 6) {
      const near = v.fuzzy.find((f) => Math.abs(f.key.length - key.length) <= 1 && distance(f.key, key) <= (key.length >= 9 ? 2 : 1));
      if (near) return void hits.push({ index, word: near.word, tags: v.words.get(near.word)!, quality: ONE_EDIT });
    }
    unknown.push(token);
  });
  return { hits, unknown };
}

/** Words that, just before "atender", make it "see me/him" (a booking) rather than "are you open". */
const SEE_ME = new Set(["me", "le", "lo", "la", "nos", "les", "puede", "pueden", "podria", "podrian", "puedan"]);

type Scores = Partial<Record<Exclude<Topic, "FAQ">, number>>;

function add(scores: Scores, topic: Exclude<Topic, "FAQ">, weight: number) {
  scores[topic] = Math.min(1, (scores[topic] ?? 0) + weight);
}

/**
 * Reads a patient's message against the practice's knowledge (SPEC §16). Pure and synchronous. The
 * tables hold Spanish and English words together (patients mix them), so `language` does not change the
 * reading; it is the language `renderAnswer` answers in.
 */
export function readPatientQuestion(knowledge: PracticeKnowledge, text: string, _language: Language, options: ReadOptions = {}): Reading {
  const threshold = options.threshold ?? ANSWER_THRESHOLD;
  const urgent = detectUrgent(text);
  if (urgent.urgent) return { kind: "URGENT", reasons: urgent.reasons };
  if (asksForPerson(text)) return { kind: "HUMAN" };

  const tokens = tokenize(text);
  const v = vocabularyOf(knowledge);
  const { hits, unknown } = match(v, tokens);
  const has = (tag: Tag) => hits.filter((h) => h.tags.has(tag));
  const q = (found: Hit[]) => (found.length ? Math.max(...found.map((h) => h.quality)) : 0);
  const services = hits.filter((h) => [...h.tags].some((t) => t.startsWith("SERVICE:")));

  if (has("CLINICAL").length) return { kind: "NONE", why: "CLINICAL" };
  // "Ya pagué, le envío el comprobante", "estoy en el parqueadero": news for staff, not a question.
  if (has("REPORT").length || /\bestoy (en|aqui|aca|afuera|abajo|arriba|llegando)\b/.test(tokens.join(" "))) return { kind: "NONE", why: "REPORT" };
  if (has("OTHER_PLACE").length) return { kind: "NONE", why: "OTHER_PLACE" };

  const scores: Scores = {};
  // HOURS
  add(scores, "HOURS", q(has("SCHEDULE")) * 1);
  add(scores, "HOURS", q(has("OPEN")) * 0.9);
  add(scores, "HOURS", q(has("HOUR")) * 0.5);
  const attend = has("ATTEND").filter((h) => !SEE_ME.has(tokens[h.index - 1] ?? ""));
  const seeMe = has("ATTEND").filter((h) => SEE_ME.has(tokens[h.index - 1] ?? ""));
  add(scores, "HOURS", q(attend) * 0.4);
  if (attend.length || has("HOUR").length || has("OPEN").length || has("DOCTOR_NAME").length) add(scores, "HOURS", q(has("DAY")) * 0.5);
  else add(scores, "HOURS", q(has("DAY")) * 0.2);
  // LOCATION
  add(scores, "LOCATION", q(has("LOCATE")) * 1);
  add(scores, "LOCATION", q(has("WHERE")) * 0.5);
  if (has("WHERE").length) add(scores, "LOCATION", q(has("LIE")) * 0.5);
  add(scores, "LOCATION", q(has("FLOOR")) * 0.7);
  add(scores, "LOCATION", q(has("LOST")) * 0.3);
  // PRICE: a price word, or "cuánto" with "sale" or a service ("¿cuánto la limpieza?", "how much is a cleaning?"),
  // about a service the practice lists with a price, or about nothing named ("¿precios?").
  // "¿cuánto dura / demora?" asks for a time.
  const howMuch = has("HOW_MUCH").length > 0 && !has("DURATION").length && (has("COME_TO").length > 0 || services.length > 0);
  const priceCue = has("PRICE").length > 0 || howMuch;
  if (priceCue) {
    const otherTopic = ["PARK", "PAY", "INSURANCE", "BOOK"].some((c) => has(c as Concept).length);
    if (!services.length && (otherTopic || unknown.length)) return { kind: "NONE", why: "PRICE_OF_OTHER" };
    // "¿cuánto cuesta un implante?" when implants have no price in the knowledge: staff answer it.
    if (services.length && !services.some((h) => [...h.tags].some((t) => t.startsWith("SERVICE:") && knowledge.services[Number(t.slice(8))]?.price.trim())))
      return { kind: "NONE", why: "PRICE_OF_OTHER" };
    add(scores, "PRICE", Math.max(q(has("PRICE")), q(has("COME_TO")), howMuch ? q(has("HOW_MUCH")) : 0) * 1);
  }
  // INSURANCE
  add(scores, "INSURANCE", q(has("INSURANCE")) * 1);
  add(scores, "INSURANCE", q(has("INSURER")) * 1);
  add(scores, "INSURANCE", q(has("COVER")) * 0.4);
  // BOOKING
  // "Voy a llegar tarde a mi cita", "¿a qué hora es mi cita?": an appointment that exists is for staff;
  // "quiero una cita", "¿puedo sacar un turno?" ask for one.
  add(scores, "BOOKING", q(has("BOOK")) * (has("REQUEST").length ? 1 : 0.5));
  add(scores, "BOOKING", q(has("AVAILABLE")) * 0.7);
  add(scores, "BOOKING", q(seeMe) * 0.9);
  // PAYMENT, PARKING
  add(scores, "PAYMENT", q(has("PAY")) * 1);
  add(scores, "PARKING", q(has("PARK")) * 1);
  // SERVICES: "¿hacen ortodoncia?"; a service named with a price word is the price's object instead.
  if (!priceCue) {
    add(scores, "SERVICES", q(has("SERVICES")) * 0.9);
    if (services.length) add(scores, "SERVICES", q(services) * (has("OFFER").length ? 1 : 0.3));
  }

  const ranked = (Object.entries(scores) as [Exclude<Topic, "FAQ">, number][]).filter(([, s]) => s > 0).sort((a, b) => b[1] - a[1]);
  const faq = bestFaq(knowledge, tokens);
  if (!ranked.length && !faq) return { kind: "NONE", why: "NO_TOPIC" };
  const [topic, best] = ranked[0] ?? ["HOURS", 0];
  const second = ranked[1]?.[1] ?? 0;
  // Two topics pulling at once lower the confidence in either.
  const confidence = round(best - 0.5 * second);
  if (faq && faq.confidence >= confidence) {
    if (faq.confidence >= threshold) return { kind: "TOPIC", topic: "FAQ", confidence: faq.confidence, faq: faq.index };
    return { kind: "NONE", why: "BELOW_THRESHOLD", best: { topic: "FAQ", confidence: faq.confidence } };
  }
  if (confidence < threshold) return { kind: "NONE", why: "BELOW_THRESHOLD", best: { topic, confidence } };
  if (!hasFacts(knowledge, topic)) return { kind: "NONE", why: "NO_FACTS", best: { topic, confidence } };
  return { kind: "TOPIC", topic, confidence };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The practice's own questions and answers: the share of content words in common (Dice), fuzzy per word. */
function bestFaq(k: PracticeKnowledge, tokens: string[]): { index: number; confidence: number } | null {
  const mine = content(tokens);
  if (!mine.length || !k.faqs.length) return null;
  let best: { index: number; confidence: number } | null = null;
  k.faqs.forEach((faq, index) => {
    for (const question of [faq.question.es, faq.question.en]) {
      const theirs = content(tokenize(question));
      if (!theirs.length) continue;
      const common = mine.filter((w) => theirs.some((t) => sameWord(w, t))).length;
      const confidence = round((2 * common) / (mine.length + theirs.length));
      if (!best || confidence > best.confidence) best = { index, confidence };
    }
  });
  return best;
}

const content = (tokens: string[]) => tokens.filter((t) => !FUNCTION_WORDS.has(t) && t.length > 1);

function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const ka = phoneticKey(a);
  const kb = phoneticKey(b);
  return ka === kb || (Math.min(a.length, b.length) >= 6 && distance(ka, kb) <= 1);
}
