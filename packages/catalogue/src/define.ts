// A catalogue entry: one code, its Spanish and English text as ICU MessageFormat (plurals, selects,
// numbers: https://formatjs.github.io/docs/core-concepts/icu-syntax), and — as a type only — the
// parameters it takes. `m<{ count: number }>({ es: "{count, plural, one {# cita} other {# citas}}", … })`.

export const LOCALES = ["es", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** A value a message may interpolate. Dates format with the locale's date style. */
export type ParamValue = string | number | Date;
export type Params = Record<string, ParamValue>;

export interface Texts {
  es: string;
  en: string;
}

/** An entry; `P` is carried in the type alone (the lookup checks it), never at run time. */
export interface Entry<P extends Params = Record<never, never>> extends Readonly<Texts> {
  readonly __params?: P;
}

/** Declares an entry and the parameters its texts use (none by default). */
export function m<P extends Params = Record<never, never>>(texts: Texts): Entry<P> {
  return texts;
}
