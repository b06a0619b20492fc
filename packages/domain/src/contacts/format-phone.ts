/**
 * A stored E.164 number as staff read it: the national form for numbers of the workspace's country
 * (`098 765 4321` in Ecuador), the international form for any other (`+1 415 555 0100`). Anything
 * that does not parse is shown as stored.
 */
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";

export function formatPhone(e164: string | null, homeCountry: CountryCode | string = "EC"): string {
  // A web chat visitor's contact has no phone until they confirm one (SPEC §16).
  if (e164 === null) return "";
  const parsed = parsePhoneNumberFromString(e164.replace(/^whatsapp:/i, ""));
  if (!parsed) return e164;
  return parsed.country === homeCountry ? parsed.formatNational() : parsed.formatInternational();
}
