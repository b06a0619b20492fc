import type { ReplyRating } from "./parse-reply.ts";

/**
 * The word tables behind {@link parseReply} (SPEC §5.6 and the reply corpus
 * `test/fixtures/replies.tsv`). Entries are written the way people type them; they are compared after
 * {@link normalizeReply}, so case, accents and punctuation here do not matter.
 *
 * Adding a word is a product decision: every entry turns some patient message into an action
 * (opt-out, opt-in, a stored rating) instead of sending it to the staff inbox. Add a fixture row with it.
 */

/**
 * Opt-out keywords: the WHOLE message must be one of these (SPEC §5.6). They are the carrier / Twilio
 * standard set (STOP … REVOKE, OPTOUT) plus the Spanish words patients in Ecuador use. CANCELAR and
 * CANCEL only count alone: "quiero cancelar mi cita" is about the appointment and goes to staff.
 */
export const OPT_OUT_KEYWORDS = [
  "STOP",
  "BAJA",
  "CANCELAR",
  "PARAR",
  "UNSUBSCRIBE",
  "END",
  "QUIT",
  "STOPALL",
  "REVOKE",
  "OPTOUT",
  "CANCEL",
] as const;

/**
 * Whole-message phrases that are also an opt-out. Listed one by one instead of "a keyword plus
 * anything": "stop por favor" is clear, "cancelar mi cita" is not.
 */
export const OPT_OUT_PHRASES = [
  "Stop. Gracias",
  "Stop, por favor",
  "Ya no me escriban",
  "Ya no me escriban más",
  "No me escriban",
  "No me escriban más",
] as const;

/** Opt back in (SPEC §5.6): the whole message is one of these. START/UNSTOP are Twilio's, ALTA Spanish. */
export const OPT_IN_KEYWORDS = ["START", "ALTA", "UNSTOP"] as const;

/**
 * Spanish number words read as a rating. Only the whole words: "un"/"una" are articles ("le doy un 4")
 * and never a number here.
 */
export const RATING_NUMBER_WORDS: Readonly<Record<string, number>> = {
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
};

/**
 * Number words outside 1–5: they make a reply a number that is not a rating ("diez" → staff), instead
 * of being ignored and letting another word decide.
 */
export const OUT_OF_RANGE_NUMBER_WORDS: Readonly<Record<string, number>> = {
  cero: 0,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
};

/**
 * Words that rate the visit without a number (values fixed by the reply corpus). Longest phrases are
 * matched first, so "muy malo" is 1 and not "malo" 2. Both genders: "la atención fue mala".
 */
export const RATING_QUALITY_WORDS: Readonly<Record<string, ReplyRating>> = {
  excelente: 5,
  "muy bueno": 4,
  "muy buena": 4,
  bueno: 4,
  buena: 4,
  regular: 3,
  malo: 2,
  mala: 2,
  "muy malo": 1,
  "muy mala": 1,
  pésimo: 1,
  pésima: 1,
  terrible: 1,
};

/**
 * When a reply has both a number and a quality word, the number decides, but only if the word points
 * the same way ("Muy buena atención, le pongo 5" → 5; "3 excelente" → staff). A quality word allows
 * the ratings in its band.
 */
export const QUALITY_BANDS: Readonly<Record<ReplyRating, readonly number[]>> = {
  5: [4, 5],
  4: [4, 5],
  3: [2, 3, 4],
  2: [1, 2],
  1: [1, 2],
};

/** Words that follow a number as its unit, as in "5 estrellas", "4 puntos": part of the rating. */
export const RATING_UNIT_WORDS = ["estrella", "estrellas", "punto", "puntos"] as const;

/**
 * Negations: a reply with one of these is never read as a rating ("no 5", "no fue mala"); too easy to
 * get backwards, so it goes to staff.
 */
export const NEGATION_WORDS = ["no", "ni", "nunca", "jamás", "tampoco"] as const;

/**
 * A number right after one of these words is a time or a date, not a rating ("a las 3", "el 5 de
 * marzo" is caught by the word after it).
 */
export const NOT_A_RATING_BEFORE_NUMBER = ["las", "el", "del", "hasta", "desde"] as const;

/**
 * A number right before one of these words counts something else ("2 horas", "5 minutos",
 * "uno de los mejores", "4 de 10"): the reply goes to staff.
 */
export const NOT_A_RATING_AFTER_NUMBER = [
  "de",
  "sobre",
  "am",
  "pm",
  "h",
  "hora",
  "horas",
  "min",
  "minuto",
  "minutos",
  "día",
  "días",
  "semana",
  "semanas",
  "mes",
  "meses",
  "año",
  "años",
  "veces",
  "personas",
  "pacientes",
] as const;
