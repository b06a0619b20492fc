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

/**
 * A text carried as data: a code and its parameters, for a package to return (a refused form's field
 * error, a rule violation) and a page to show in its interface language. Plain JSON, so it travels
 * from an action to the browser unchanged; parameters are strings and numbers (no dates).
 */
export interface Coded {
  code: MessageCode;
  params?: Record<string, string | number>;
}

/** A Coded text, its parameters checked against the code like `msg`'s. */
export function coded<C extends MessageCode>(code: C, ...args: ArgsOf<C>): Coded {
  const params = args[0] as Record<string, string | number> | undefined;
  return params ? { code, params } : { code };
}

export function isCoded(value: unknown): value is Coded {
  return typeof value === "object" && value !== null && isMessageCode((value as Coded).code);
}

export function isMessageCode(value: unknown): value is MessageCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(catalogue, value);
}

/** Shows a Coded text in `locale`. */
export function formatCoded(locale: Locale, text: Coded): string {
  const out = formatter(locale, text.code).format<string>(text.params);
  return Array.isArray(out) ? out.join("") : String(out);
}
