import { IntlMessageFormat } from "intl-messageformat";
import { catalogue, type Catalogue, type MessageCode } from "./catalogue.ts";
import type { Entry, Locale, Params } from "./define.ts";

/** BCP 47 tag each interface language formats numbers, dates and plurals with. */
export const LOCALE_TAGS: Record<Locale, string> = { es: "es-EC", en: "en" };

type ParamsOf<C extends MessageCode> = Catalogue[C] extends Entry<infer P> ? P : never;
/** No argument for an entry without parameters; exactly its parameters otherwise. */
type ArgsOf<C extends MessageCode> = keyof ParamsOf<C> extends never ? [] : [params: ParamsOf<C>];

export type Msg = <C extends MessageCode>(code: C, ...args: ArgsOf<C>) => string;

// Compiled once per language and code: parsing is the expensive part of formatting.
const compiled = new Map<string, IntlMessageFormat>();

function formatter(locale: Locale, code: MessageCode): IntlMessageFormat {
  const id = `${locale}\u0000${code}`;
  let f = compiled.get(id);
  if (!f) {
    f = new IntlMessageFormat(catalogue[code][locale], LOCALE_TAGS[locale]);
    compiled.set(id, f);
  }
  return f;
}

/** The lookup for one interface language. */
export function createMsg(locale: Locale): Msg {
  return (code, ...args) => {
    const params: Params | undefined = args[0];
    const out = formatter(locale, code).format<string>(params);
    // Rich-text elements are not used, so the result is always one string.
    return Array.isArray(out) ? out.join("") : String(out);
  };
}
