// Interface language: Spanish (es-EC) by default, English available. Texts come from the message
// catalogue by code (`msg("billing.back")`, @rm/catalogue, decision 010). Older pages still write both
// languages inline (`t("Guardar", "Save")`); lint allows no new such pairs.
import { useRouteLoaderData } from "@remix-run/react";
import { createMsg, formatCoded, isCoded, type Coded, type Msg } from "@rm/catalogue";
import { translateMessage } from "./messages.ts";

export const LOCALES = ["es", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "es";

/** BCP 47 tag for <html lang> and Intl formatting. */
export const LOCALE_TAGS: Record<Locale, string> = { es: "es-EC", en: "en" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export type Translate = (es: string, en: string) => string;

export function translator(locale: Locale): Translate {
  return locale === "en" ? (_es, en) => en : (es) => es;
}

interface RootData {
  locale: Locale;
  csrf: string;
}

export function useRootData(): RootData {
  const data = useRouteLoaderData<RootData>("root");
  return { locale: data?.locale ?? DEFAULT_LOCALE, csrf: data?.csrf ?? "" };
}

export function useLocale(): Locale {
  return useRootData().locale;
}

export function useT(): Translate {
  return translator(useLocale());
}

/** The catalogue lookup in the interface language. */
export function useMsg(): Msg {
  return createMsg(useLocale());
}

/** The catalogue lookup for a language known outside React (loaders, actions, meta). */
export function msgFor(locale: Locale): Msg {
  return createMsg(locale);
}

/** A text from the server: a catalogue code with parameters, or Spanish text from code not yet moved to codes. */
export type Text = string | Coded;

/** A server text in `locale`; Spanish text is looked up in the old table of translations (messages.ts). */
export function textIn(text: Text, locale: Locale): string {
  return isCoded(text) ? formatCoded(locale, text) : translateMessage(text, locale);
}

/** A count in the interface language's digits (1.500 / 1,500). */
export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(LOCALE_TAGS[locale]).format(value);
}

/**
 * A date and time as staff read it, in `timeZone` — the practice's or workspace's zone (IANA name),
 * never the process's or the browser's: the server renders in its own zone (UTC in production) and
 * the browser hydrates in the viewer's, and any difference makes React throw the page away and
 * render it again, wiping what was typed. Required, so a call cannot forget it.
 */
export function formatDateTime(value: string | Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(value));
}
