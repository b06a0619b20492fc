// Spanish-aware normalization of what a patient types (SPEC §16): case, accents and ñ, punctuation and
// emoji, letters stretched for emphasis, and the abbreviations of WhatsApp writing. The result is a list
// of plain tokens the cue tables (cues.ts) are written in.

/**
 * WhatsApp and SMS spellings → the word they stand for. Whole tokens only, after accents are gone.
 * Common in Ecuador and across Spanish chat; each one is unambiguous in a message to a practice.
 */
const SHORTHAND: Readonly<Record<string, string>> = {
  q: "que",
  k: "que",
  ke: "que",
  qe: "que",
  xq: "porque",
  pq: "porque",
  xk: "porque",
  porq: "porque",
  x: "por",
  xa: "para",
  pa: "para",
  tb: "tambien",
  tmb: "tambien",
  tbn: "tambien",
  dnd: "donde",
  qda: "queda",
  qdan: "quedan",
  qdo: "quedo",
  dond: "donde",
  cdo: "cuando",
  cuant: "cuanto",
  cnto: "cuanto",
  kuanto: "cuanto",
  kuanta: "cuanta",
  kiero: "quiero",
  kisiera: "quisiera",
  bn: "bien",
  hr: "hora",
  hrs: "horas",
  hs: "horas",
  dr: "doctor",
  dra: "doctora",
  doc: "doctor",
  info: "informacion",
  xfa: "por favor",
  xfavor: "por favor",
  porfa: "por favor",
  pls: "por favor",
  plis: "por favor",
  mñn: "manana",
  mnn: "manana",
  sab: "sabado",
  dom: "domingo",
  tlf: "telefono",
  cel: "celular",
  ud: "usted",
  uds: "ustedes",
};

/** Lowercase, accent-free tokens: "¿Dónde QUEDAN?? 😅" → ["donde", "quedan"]. */
export function tokenize(text: string): string[] {
  let s = text.normalize("NFKC").toLowerCase();
  // Drop accents and the tilde of ñ; the cue tables are written without them and patients often omit them.
  s = s.normalize("NFD").replace(/\p{M}/gu, "");
  // Keep letters, digits and the point or comma inside numbers ("1.200"); everything else separates words.
  s = s.replace(/[^\p{L}\p{N}]+/gu, " ");
  const out: string[] = [];
  for (const raw of s.split(" ")) {
    if (!raw) continue;
    // "holaaaa", "siiii", "porfaaa": a letter typed three or more times is one letter (no Spanish word has a triple).
    const token = raw.replace(/(\p{L})\1{2,}/gu, "$1");
    const expanded = SHORTHAND[token];
    if (expanded) out.push(...expanded.split(" "));
    else out.push(token);
  }
  return out;
}

/**
 * A phonetic key for Spanish as it is misspelt: silent h, b/v, s/z/c before e and i, ll/y, qu/k/c, x
 * before a consonant as s, and double letters collapsed. "orario" and "horario", "ubicasion" and
 * "ubicacion", "kuanto" and "cuanto" have the same key.
 */
export function phoneticKey(token: string): string {
  let s = token;
  s = s.replace(/ch/g, "ç"); // keep ch apart from c and h (ç never survives tokenize)
  s = s.replace(/h/g, "");
  s = s.replace(/qu(?=[ei])/g, "k").replace(/c(?=[ei])/g, "s").replace(/c/g, "k").replace(/q/g, "k");
  s = s.replace(/z/g, "s").replace(/v/g, "b").replace(/ll/g, "y").replace(/x(?=[^aeiou]|$)/g, "s");
  s = s.replace(/(.)\1+/g, "$1");
  return s.replace(/ç/g, "ch");
}
