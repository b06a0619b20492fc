// The two hand-offs that come before any automatic answer (SPEC §16): an urgent message and a patient
// asking for a person. Pure functions over the normalized text; no model, no knowledge needed.
// Each rule is a phrasing people use, not a row of the corpus: add a phrase with a test sentence.
import { tokenize } from "./normalize.ts";

/** Why a message is urgent; the staff alert names them. */
export type UrgentReason = "EMERGENCY" | "BLEEDING" | "STRONG_PAIN" | "SWELLING" | "TOOTH_INJURY" | "CANNOT_OPEN_MOUTH";

export interface UrgentReading {
  urgent: boolean;
  reasons: UrgentReason[];
}

// Words, as tokenize() leaves them (lowercase, no accents).
const EMERGENCY = /\b(emergencia|emergencias|urgencia|urgencias|urgente|emergency|urgent)\b/;
const BLEEDING = /\b(sangr\w*|hemorragia|bleed\w*)\b/;
/** Bleeding that is strong or goes on: with it, bleeding is urgent. */
const BLEEDING_PERSISTS =
  /\b(mucho|muchisimo|bastante|demasiado|abundante|sin parar|no (para|paro|deja|dejo|se detiene|se para|se corta|se quita|ha parado)|todavia|aun|sigue|sigo|lot|wont stop|won t stop|doesn t stop|does not stop|not stopping)\b/;
const PAIN = /\b(dolor|dolores|duele|duelen|doliendo|dolio|duela|pain|hurts?|aching)\b/;
/** Pain is urgent when it is strong (an intensifier) — "es normal que me duela" is not. */
const STRONG = /\b(muy fuerte|fuerte|fuertisimo|mucho|muchisimo|demasiado|insoportable|terrible|horrible|intenso|horrores|no aguanto|no soporto|no puedo dormir|severe|unbearable|a lot|really bad|terrible)\b/;
/** "ya no me duele", "no me duele mucho": pain denied. */
const PAIN_DENIED = /\b(ya no|no) (me |le |te )?(duele|duelen|dolio)\b/;
const SWELLING = /\b(hinchad[oa]s?|hinchazon|hinche|hincho|inflamad[oa]s?|inflamacion|absceso|swollen|swelling)\b/;
const FEVER = /\b(fiebre|calentura|fever)\b/;
/** Swelling is urgent with fever, pain, in the face, or when the mouth will not open. */
const SWELLING_WITH = /\b(cara|cachete|mejilla|ojo|cuello|face|cheek)\b/;
const CANNOT_OPEN = /\bno (puedo|puede|podemos) (abrir la boca|abrir bien la boca|tragar|respirar)\b|\bcan ?t (open my mouth|swallow|breathe)\b/;
const TOOTH = /\b(diente|dientes|muela|muelas|incisivo|colmillo|tooth|teeth)\b/;
/** A tooth knocked out, fallen, or broken. */
const TOOTH_HURT =
  /\b(cayo|cayeron|caido|caida|salio|salto|tumbo|tumbaron|rompio|rompi|rompieron|roto|rota|rotos|partio|parti|partido|partida|quebro|quebre|quebrado|quebrada|fractur\w*|golpe|golpee|golpeo|accidente|knocked|broke|broken|chipped|fell)\b/;

/** Is the message urgent (SPEC §16): strong pain, bleeding that does not stop, swelling with fever, a knocked-out or broken tooth, an emergency. */
export function detectUrgent(text: string): UrgentReading {
  const s = tokenize(text).join(" ");
  const reasons: UrgentReason[] = [];
  if (EMERGENCY.test(s)) reasons.push("EMERGENCY");
  if (BLEEDING.test(s) && BLEEDING_PERSISTS.test(s)) reasons.push("BLEEDING");
  const pain = PAIN.test(s) && !PAIN_DENIED.test(s);
  if (pain && (STRONG.test(s) || FEVER.test(s))) reasons.push("STRONG_PAIN");
  if (SWELLING.test(s) && (FEVER.test(s) || pain || SWELLING_WITH.test(s) || CANNOT_OPEN.test(s))) reasons.push("SWELLING");
  if (TOOTH.test(s) && TOOTH_HURT.test(s)) reasons.push("TOOTH_INJURY");
  if (CANNOT_OPEN.test(s)) reasons.push("CANNOT_OPEN_MOUTH");
  return { urgent: reasons.length > 0, reasons };
}

const PEOPLE =
  "(persona|personas|humano|humana|alguien|doctor|doctora|odontologo|odontologa|dentista|recepcion|recepcionista|secretaria|secretario|asesor|asesora|agente|operador|operadora|encargado|encargada|administrador|administradora|gerente|dueno|duena)";
const ARTICLE = "(un |una |el |la |algun |alguna |su |sus )?";

/** Phrasings of "I want a person" (SPEC §16: a person asked for). */
const PERSON_ASKED = [
  new RegExp(`\\b(hablar|conversar|comunicarme|chatear|escribirle) con ${ARTICLE}${PEOPLE}\\b`),
  /\b(no quiero|no deseo|no me gusta) (hablar|chatear|escribir|conversar) con (un |una |el |la )?(robot|bot|maquina|contestadora|sistema|computadora)\b/,
  /\b(pasame|paseme|pasenme|comunicame|comuniqueme|comuniquenme|conectame|conecteme|transfierame|transfiereme)\b/,
  /\b(me|nos|le) (puede|pueden|podria|podrian) (atender|ayudar|responder|contestar) (alguien|una persona|un humano)\b/,
  /\balguien (que|quien) me (atienda|ayude|responda|conteste)\b/,
  /\b(persona|humano|humana) (real|de verdad)\b/,
  /\b(llamenme|llameme|llamame|me (pueden|puede|podrian|podria) llamar|que me llamen|que me llame)\b/,
  /\bhay alguien\b/,
  /\b(talk|speak|chat) (to|with) (a |an |the )?(person|human|someone|somebody|doctor|receptionist|agent|staff)\b/,
  /\b(real person|human being|not a bot|not a robot)\b/,
];

/** Does the patient ask for a person rather than an automatic answer? */
export function asksForPerson(text: string): boolean {
  const s = tokenize(text).join(" ");
  return PERSON_ASKED.some((re) => re.test(s));
}
