// The catalogue is well formed: every text parses as ICU MessageFormat, Spanish and English of one
// code take the same parameters, codes are named by area, and the lookup formats with the locale's
// plural rules.
import { parse, TYPE, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { catalogue, coded, createMsg, formatCoded, isCoded, LOCALES, m } from "../src/index.ts";

function argumentNames(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.tag) {
      argumentNames(el.children, into);
      continue;
    }
    into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentNames(option.value, into);
  }
  return into;
}

const entries = Object.entries(catalogue);

describe("the catalogue", () => {
  it.each(entries)("%s parses in both languages and both take the same parameters", (_code, entry) => {
    const names = LOCALES.map((locale) => [...argumentNames(parse(entry[locale]))].sort());
    expect(names[1]).toEqual(names[0]);
    for (const locale of LOCALES) expect(entry[locale].trim()).not.toBe("");
  });

  it("codes are lower-case dotted names that start with their area", () => {
    for (const code of Object.keys(catalogue)) expect(code).toMatch(/^[a-z][a-zA-Z]*(\.[A-Za-z0-9_]+)+$/);
  });

  it("looks up by code in the interface language, with parameters", () => {
    expect(createMsg("es")("billing.success.applied", { plan: "Starter" })).toBe("Su plan ahora es Starter. Los créditos del período ya están disponibles.");
    expect(createMsg("en")("billing.back")).toBe("Back to Billing");
  });

  it("staff read why WhatsApp failed and that the message went by SMS, in both languages", () => {
    expect(createMsg("es")("timeline.smsFallback", { code: "63003", sent: "yes" })).toBe("WhatsApp falló (no tiene WhatsApp) → enviado por SMS");
    expect(createMsg("en")("timeline.smsFallback", { code: "63003", sent: "yes" })).toBe("WhatsApp failed (no WhatsApp on this number) → sent by SMS");
    expect(createMsg("es")("timeline.smsFallback", { code: "63016", sent: "no" })).toBe("WhatsApp falló (plantilla no utilizable) → se enviará por SMS");
    expect(createMsg("en")("timeline.smsFallback", { code: "63024", sent: "no" })).toBe("WhatsApp failed (WhatsApp does not accept this number) → going by SMS");
  });

  it("a coded text from a package survives JSON and reads in either language; an unknown code is not one", () => {
    const text = JSON.parse(JSON.stringify(coded("accounts.text.tooLong", { max: 300 }))) as unknown;
    expect(isCoded(text)).toBe(true);
    if (!isCoded(text)) return;
    expect(formatCoded("es", text)).toBe("Máximo 300 caracteres.");
    expect(formatCoded("en", text)).toBe("At most 300 characters.");
    expect(isCoded({ code: "no.such.code" })).toBe(false);
    expect(isCoded({ code: "toString" })).toBe(false);
  });

  it("a missing parameter is an error, not a blank in front of a patient", () => {
    const msg = createMsg("es") as (code: string, params?: object) => string;
    expect(() => msg("billing.success.applied", {})).toThrow(/plan/);
  });
});

describe("ICU formatting through the lookup", () => {
  // Entries made here, not in the catalogue: the plural rules and number formats of each language.
  it("plurals and numbers follow the language", async () => {
    const { IntlMessageFormat } = await import("intl-messageformat");
    const entry = m<{ count: number }>({ es: "{count, plural, one {# crédito} other {# créditos}}", en: "{count, plural, one {# credit} other {# credits}}" });
    expect(new IntlMessageFormat(entry.es, "es-EC").format({ count: 1 })).toBe("1 crédito");
    expect(new IntlMessageFormat(entry.es, "es-EC").format({ count: 1500 })).toBe("1.500 créditos");
    expect(new IntlMessageFormat(entry.en, "en").format({ count: 2 })).toBe("2 credits");
  });
});
