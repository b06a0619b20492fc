/**
 * Destination countries a workspace may text (SMS-pumping guard): its own country plus the ones its
 * owner added. A number's country comes from libphonenumber-js, never from its prefix by hand
 * (+1 is shared by many countries).
 */
import { isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";

export interface DestinationPolicy {
  /** The workspace's own country (ISO 3166 alpha-2), always allowed. */
  ownCountry: string;
  /** Further countries its owner allowed. */
  extraCountries?: readonly string[] | null;
}

/** The country of a number (E.164, optionally `whatsapp:`-prefixed), or null when none can be told. */
export function phoneCountry(address: string): string | null {
  const parsed = parsePhoneNumberFromString(address.replace(/^whatsapp:/i, ""));
  return parsed?.country ?? null;
}

/**
 * A number's prefix: its country calling code and the first `digits` national digits ("+5939912…"
 * → "+5939912" for 4). SMS-pumping rings rotate the rest of the number, so caps count prefixes too.
 */
export function phonePrefix(e164: string, digits: number): string {
  const parsed = parsePhoneNumberFromString(e164.replace(/^whatsapp:/i, ""));
  if (!parsed) return e164.slice(0, 1 + digits);
  return `+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, digits)}`;
}

/** Null when the number may be texted, else the Spanish and English reason it may not. */
export function destinationRejection(address: string, policy: DestinationPolicy): { es: string; en: string; country: string | null; allowed: string } | null {
  const country = phoneCountry(address);
  const allowed = new Set([policy.ownCountry.toUpperCase(), ...(policy.extraCountries ?? []).map((c) => c.toUpperCase())]);
  if (country && allowed.has(country)) return null;
  const list = [...allowed].join(", ");
  if (!country) {
    return {
      es: `No se puede saber el país de destino del número; este consultorio solo envía a: ${list}.`,
      en: `The number's destination country cannot be told; this practice only sends to: ${list}.`,
      country,
      allowed: list,
    };
  }
  return {
    es: `País de destino no permitido (${country}): este consultorio solo envía a ${list}. El propietario puede añadir países en Configuración.`,
    en: `Destination country not allowed (${country}): this practice only sends to ${list}. The owner can add countries in Settings.`,
    country,
    allowed: list,
  };
}

/**
 * An owner's list of countries as typed ("CO, pe; US"): upper-cased, deduplicated ISO codes, or the
 * entries that are not countries libphonenumber-js knows.
 */
export function parseCountryList(text: string): { ok: true; countries: string[] } | { ok: false; unknown: string[] } {
  const entries = text.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter((c) => c !== "");
  const unknown = entries.filter((c) => !/^[A-Z]{2}$/.test(c) || !isSupportedCountry(c));
  if (unknown.length) return { ok: false, unknown: [...new Set(unknown)] };
  return { ok: true, countries: [...new Set(entries)].sort() };
}
