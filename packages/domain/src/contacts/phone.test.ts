import { describe, expect, it } from "vitest";
import { PHONE_REJECTION_ES, normalizePhone } from "./phone.ts";

const MOBILE = { ok: true, e164: "+593987654321", type: "MOBILE", reachable: true, country: "EC" };

describe("normalizePhone — Ecuadorian mobiles as users write them", () => {
  it.each([
    "0987654321",
    "987654321", // leading 0 lost (Excel number column)
    "+593 98 765 4321",
    "+593987654321",
    "593987654321", // country code without +
    "00593987654321", // international prefix from Ecuador
    "098-765-4321",
    "098.765.4321",
    "(098) 765 4321",
    "  0987 654 321  ",
    "whatsapp:+593987654321", // Twilio's From on WhatsApp
    "WhatsApp:+593987654321",
    "tel:+593987654321",
    "'0987654321", // Excel text marker
    "＋５９３ ９８７ ６５４ ３２１", // full-width digits
    "0987\u00A0654\u00A0321", // non-breaking spaces
    "9.87654321E+08", // Excel scientific notation, all digits kept
    "9,87654321E+08", // … in a Spanish-locale Excel
    "5.93987654321E+11",
    "+593 98 765 4321 ext. 12", // an extension is dropped
  ])("%j → +593987654321 mobile", (input) => {
    expect(normalizePhone(input)).toEqual(MOBILE);
  });
});

describe("normalizePhone — landlines and other countries", () => {
  it.each([
    ["02 234 5678", "+59322345678", "FIXED_LINE", false, "EC"], // Quito
    ["(02) 2345-678", "+59322345678", "FIXED_LINE", false, "EC"],
    ["04 256 7890", "+59342567890", "FIXED_LINE", false, "EC"], // Guayaquil
    ["+1 415 555 2671", "+14155552671", "FIXED_LINE_OR_MOBILE", true, "US"],
    ["+34 612 345 678", "+34612345678", "MOBILE", true, "ES"],
    ["+57 321 1234567", "+573211234567", "MOBILE", true, "CO"],
  ] as const)("%j → %s %s reachable=%s", (input, e164, type, reachable, country) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164, type, reachable, country });
  });

  it("uses the workspace's default country for national numbers", () => {
    expect(normalizePhone("612 345 678", "ES")).toMatchObject({ ok: true, e164: "+34612345678" });
    expect(normalizePhone("0987654321", "CO")).toMatchObject({ ok: false });
  });
});

describe("normalizePhone — rejections", () => {
  it.each([
    ["", "EMPTY"],
    ["   ", "EMPTY"],
    [null, "EMPTY"],
    [undefined, "EMPTY"],
    ["whatsapp:", "EMPTY"],
    ["sin teléfono", "NOT_A_NUMBER"],
    ["098765432a", "NOT_A_NUMBER"],
    ["12345", "TOO_SHORT"],
    ["+999 1234567", "INVALID_COUNTRY"],
    ["+59398765432", "INVALID_NUMBER"], // one digit short for a mobile
    ["0912345678", "INVALID_NUMBER"], // unallocated range
    ["9.87654E+08", "LOSSY_SCIENTIFIC_NOTATION"], // Excel kept 6 of 9 digits
    ["9,87654E+08", "LOSSY_SCIENTIFIC_NOTATION"],
    ["5.93988E+11", "LOSSY_SCIENTIFIC_NOTATION"],
  ] as const)("%j → %s", (input, reason) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason });
  });

  it("has a Spanish explanation for every reason", () => {
    for (const text of Object.values(PHONE_REJECTION_ES)) expect(text).toMatch(/\.$/);
  });
});
