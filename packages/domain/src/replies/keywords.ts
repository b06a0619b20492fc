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
  "No me escriba más",
  "Ya no me escriba",
  "No me envíen más mensajes",
  "No me envíen mensajes",
  "Ya no me envíen mensajes",
  "Ya no me envíen más mensajes",
  "No me manden más mensajes",
  "Ya no me manden mensajes",
  "No quiero recibir más mensajes",
  "Ya no quiero recibir mensajes",
  "Dejen de escribirme",
  "Dejen de enviarme mensajes",
] as const;

// Courtesy around a reply, stripped from its ends before the rules read it (see strip-courtesy.ts):
// "Hola doctora, un 5, muchas gracias" is read as "un 5", "ya no me escriban, gracias" as
// "ya no me escriban". Closed lists, never a pattern: each entry is a phrase that adds nothing to a
// rating or an opt-out. Never put a number, a quality word, a negation or an opt-out word in them.

/** Greetings that open a message ("Hola, 5", "Buenas tardes 4"). Only stripped at the start. */
export const GREETING_PHRASES = [
  "Hola",
  "Holi",
  "Buenas",
  "Muy buenas",
  "Buenos días",
  "Buen día",
  "Buenas tardes",
  "Buenas noches",
  "Saludos",
  "Hi",
  "Hello",
] as const;

/** Who the patient addresses ("buenos días doctor, …", "5 gracias doctora"). Stripped at either end. */
export const VOCATIVE_WORDS = ["doctor", "doctora", "doc", "dr", "dra", "señor", "señora", "señorita", "licenciada", "licenciado"] as const;

/** Thanks and "please" ("…, gracias", "… por favor", "Por favor no me envíen…"). Stripped at either end. */
export const COURTESY_PHRASES = [
  "gracias",
  "muchas gracias",
  "mil gracias",
  "muchísimas gracias",
  "gracias por todo",
  "gracias por la atención",
  "por favor",
  "porfavor",
  "porfa",
  "xfa",
  "please",
  "thanks",
  "thank you",
  "saludos",
  "bendiciones",
  "buen día",
  "buenas tardes",
  "buenas noches",
] as const;

/**
 * Articles before a number: "el 5", "la 3" are the rating when the article and the number (with its
 * unit) are the whole message; "nos vemos el 5", "a la 1" are dates and times and go to staff.
 */
export const LEADING_ARTICLES = ["un", "una", "el", "la"] as const;

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
 * A number right after one of these words is a time or a date, not a rating ("a las 3", "a la 1",
 * "nos vemos el 5"; "el 5 de marzo" is also caught by the word after it). A message that is only the
 * article and the number ("el 5") is read through LEADING_ARTICLES.
 */
export const NOT_A_RATING_BEFORE_NUMBER = ["las", "la", "el", "del", "hasta", "desde"] as const;

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
