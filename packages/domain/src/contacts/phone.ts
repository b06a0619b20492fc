/**
 * Phone numbers as patients and spreadsheets write them, turned into E.164 (SPEC §5.1).
 * libphonenumber-js with the `max` metadata: only it tells mobile from fixed-line numbers.
 */
import { type CountryCode, type NumberType, parsePhoneNumberFromString, validatePhoneNumberLength } from "libphonenumber-js/max";

export type PhoneType = NonNullable<NumberType> | "UNKNOWN";

export type PhoneRejection =
  | "EMPTY"
  | "NOT_A_NUMBER"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "INVALID_COUNTRY"
  | "INVALID_NUMBER"
  /** Excel showed the number in scientific notation (9.87654E+08) and digits were lost. */
  | "LOSSY_SCIENTIFIC_NOTATION";

export type NormalizedPhone =
  | {
      ok: true;
      e164: string;
      type: PhoneType;
      /** Can receive SMS/WhatsApp: a mobile, or a number whose plan does not tell (US: fixed-or-mobile). */
      reachable: boolean;
      country: CountryCode | null;
    }
  | { ok: false; reason: PhoneRejection };

/** Spanish text for the CSV import's rejected-rows page. */
export const PHONE_REJECTION_ES: Readonly<Record<PhoneRejection, string>> = {
  EMPTY: "Falta el número de teléfono.",
  NOT_A_NUMBER: "No es un número de teléfono.",
  TOO_SHORT: "El número es demasiado corto.",
  TOO_LONG: "El número es demasiado largo.",
  INVALID_COUNTRY: "No se reconoce el código de país.",
  INVALID_NUMBER: "El número no es válido.",
  LOSSY_SCIENTIFIC_NOTATION:
    "Excel convirtió el número a notación científica (p. ej. 9,87654E+08) y se perdieron dígitos. Formatee la columna como texto y vuelva a exportar.",
};

const REACHABLE: ReadonlySet<PhoneType> = new Set<PhoneType>(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

// 9.87654E+08, 9,87654321e8, 5.93987654321E+11 (Excel in English or Spanish locale)
const SCIENTIFIC = /^\+?(\d)(?:[.,](\d+))?e\+?(\d{1,2})$/i;

type Expanded = { ok: true; digits: string } | { ok: false };

/** Expands Excel's scientific notation; fails when the mantissa has fewer digits than the number. */
function expandScientific(text: string): Expanded | null {
  const match = SCIENTIFIC.exec(text.replace(/\s/g, ""));
  if (!match) return null;
  const [, lead = "", fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  const mantissa = lead + fraction;
  // The number has exponent + 1 digits; the mantissa must carry all of them (trailing zeros may be
  // real, but we cannot know, so a shorter mantissa is lossy).
  if (fraction.length > exponent) return { ok: false };
  if (mantissa.length < exponent + 1) return { ok: false };
  return { ok: true, digits: mantissa.padEnd(exponent + 1, "0") };
}

function cleanInput(input: string): string {
  return input
    .normalize("NFKC") // full-width digits, non-breaking spaces
    .trim()
    .replace(/^(whatsapp|tel|sms):/i, "")
    .replace(/^'/, "") // Excel's "this is text" apostrophe
    .trim();
}

export function normalizePhone(input: string | null | undefined, defaultCountry: CountryCode = "EC"): NormalizedPhone {
  let text = cleanInput(input ?? "");
  if (text === "") return { ok: false, reason: "EMPTY" };

  const scientific = expandScientific(text);
  if (scientific && !scientific.ok) return { ok: false, reason: "LOSSY_SCIENTIFIC_NOTATION" };
  if (scientific?.ok) text = scientific.digits;

  // A letter anywhere (other than an extension marker) means this is not a phone number.
  if (/\p{L}/u.test(text.replace(/\s*(ext\.?|x)\s*\d+$/i, ""))) return { ok: false, reason: "NOT_A_NUMBER" };

  const parsed = parsePhoneNumberFromString(text, { defaultCountry });
  if (!parsed || !parsed.isValid()) {
    const length = validatePhoneNumberLength(text, { defaultCountry });
    if (length === "TOO_SHORT" || length === "TOO_LONG" || length === "INVALID_COUNTRY" || length === "NOT_A_NUMBER") {
      return { ok: false, reason: length };
    }
    return { ok: false, reason: "INVALID_NUMBER" };
  }
  const type: PhoneType = parsed.getType() ?? "UNKNOWN";
  return { ok: true, e164: parsed.number, type, reachable: REACHABLE.has(type), country: parsed.country ?? null };
}
