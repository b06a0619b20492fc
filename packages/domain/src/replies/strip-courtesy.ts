import { COURTESY_PHRASES, GREETING_PHRASES, VOCATIVE_WORDS } from "./keywords.ts";
import { normalizeReply } from "./normalize-reply.ts";

/** Phrases as normalised token lists, longest first so "muchas gracias" goes before "gracias". */
const phrases = (list: readonly string[]) =>
  list.map((p) => normalizeReply(p).split(" ")).sort((a, b) => b.length - a.length);
const LEADING = phrases([...GREETING_PHRASES, ...VOCATIVE_WORDS, ...COURTESY_PHRASES]);
const TRAILING = phrases([...VOCATIVE_WORDS, ...COURTESY_PHRASES]);

const startsWith = (tokens: readonly string[], phrase: readonly string[], at: number) =>
  phrase.every((word, i) => tokens[at + i] === word);

/**
 * A normalised reply without the greetings, vocatives and courtesy phrases at its ends
 * ("hola doctora un 5 muchas gracias" → "un 5"; "por favor no me envien mas mensajes" →
 * "no me envien mas mensajes"). Only whole phrases of the closed lists in keywords.ts, only at the
 * ends: what is left is read by the same exact rules as before, so nothing in the middle of a
 * message ("no me den de baja", "a las 5") is ever skipped. Empty when the reply was only courtesy.
 */
export function stripCourtesy(normalized: string): string {
  const tokens = normalized === "" ? [] : normalized.split(" ");
  let start = 0;
  let end = tokens.length;
  for (let found = true; found && start < end; ) {
    const phrase = LEADING.find((p) => p.length <= end - start && startsWith(tokens, p, start));
    found = phrase !== undefined;
    if (phrase) start += phrase.length;
  }
  for (let found = true; found && start < end; ) {
    const phrase = TRAILING.find((p) => p.length <= end - start && startsWith(tokens, p, end - p.length));
    found = phrase !== undefined;
    if (phrase) end -= phrase.length;
  }
  return tokens.slice(start, end).join(" ");
}
