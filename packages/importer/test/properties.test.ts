// Property-based tests (fast-check) of the importer: whatever bytes arrive, the parser answers without
// throwing and never accepts a row without a valid phone and a real date; valid rows survive a
// round trip through the formats Excel writes; the credit shortcut agrees with the segment calculator.
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { normalizePhone } from "@rm/domain";
import { parsePatientCsv, type PatientCsvResult } from "../src/index.ts";

const E164 = /^\+[1-9]\d{6,14}$/;

function assertInvariants(r: PatientCsvResult): void {
  if (!r.ok) {
    expect(r.fatal).not.toBeNull();
    expect(r.accepted).toEqual([]);
    return;
  }
  // Every data row is accounted for: accepted, rejected or merged into an earlier one.
  expect(r.accepted.length + r.rejected.length + r.duplicates.length).toBe(r.counts.rows);
  const phones = new Set<string>();
  for (const row of r.accepted) {
    expect(row.phone).toMatch(E164);
    const again = normalizePhone(row.phone);
    expect(again.ok && again.e164).toBe(row.phone);
    expect(phones.has(row.phone)).toBe(false);
    phones.add(row.phone);
    expect(Number.isNaN(row.appointmentAt.getTime())).toBe(false);
    const year = row.appointmentAt.getUTCFullYear();
    expect(year).toBeGreaterThanOrEqual(1899);
    expect(year).toBeLessThanOrEqual(2101);
    expect(row.name.trim()).not.toBe("");
    expect(row.line).toBeGreaterThan(1);
  }
  for (const rej of r.rejected) {
    expect(rej.reason.length).toBeGreaterThan(0);
    expect(rej.problems.length).toBeGreaterThan(0);
  }
}

// Cells that look like what people type, plus noise: delimiters, quotes, line breaks, accents, emoji.
const cellArb = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom("", "sí", "x", "no", "0987654321", "987654321", "9.87654E+08", "9.87654321E+08", "+593 98 765 4321", "23/11/2026", "31/02/2026", "2026-11-23T10:00:00Z", "14:30", "2:30 p. m.", '"', ";", ",", "\r\n", "WhatsApp", "SMS", "=1+1"),
  fc.integer({ min: 0, max: 99_999_999_999 }).map(String),
);
const headerArb = fc.shuffledSubarray(["nombre", "teléfono", "celular", "fecha", "hora", "consentimiento", "canal", "médico", "id", "name", "phone", "extra"], { minLength: 0, maxLength: 8 });

// A recognised header (any order, with optional columns) over cells that are valid or not.
const validHeaderArb = fc.shuffledSubarray(["consentimiento", "canal", "hora", "médico", "id"], { minLength: 0, maxLength: 5 }).chain((optional) =>
  fc.shuffledSubarray(["nombre", "celular", "fecha cita", ...optional], { minLength: 3 + optional.length, maxLength: 3 + optional.length }),
);
const typedCellArb = (column: string) =>
  ({
    nombre: fc.oneof(fc.constantFrom("Ana Peña", "José", "", "  ", "Ñusta"), fc.string({ maxLength: 12 })),
    celular: fc.oneof(
      fc.constantFrom("0987654321", "987654322", "+593987654323", "9.87654E+08", "9.87654324E+08", "022345678", "12", "abc", "", "0987 65 43 25", "+1 415 555 2671", "00000000"),
      fc.integer({ min: 0, max: 9_999_999_999 }).map(String),
    ),
    "fecha cita": fc.oneof(
      fc.constantFrom("23/11/2026", "31/02/2026", "11/25/2026", "2026-11-23", "23/11/2026 25:00", "0/0/0", "", "46349", "1/1/1899", "29/02/2028 10:00"),
      fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1800, max: 2200 })).map(([d, m, y]) => `${d}/${m}/${y}`),
    ),
    hora: fc.constantFrom("", "10:00", "2:30 p. m.", "24:00", "9h30", "x"),
    consentimiento: fc.constantFrom("sí", "x", "no", "", "quizás"),
    canal: fc.constantFrom("", "WhatsApp", "sms", "fax"),
  })[column] ?? fc.string({ maxLength: 8 });

describe("parsePatientCsv properties", () => {
  it("recognised columns with valid and invalid cells: accepts exactly the valid rows", async () => {
    await fc.assert(
      fc.asyncProperty(
        validHeaderArb.chain((header) => fc.tuple(fc.constant(header), fc.array(fc.tuple(...header.map(typedCellArb)), { maxLength: 30 }))),
        fc.constantFrom(";", ","),
        async ([header, rows], delimiter) => {
          const quote = (s: string) => (/[;,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
          const text = [header.join(delimiter), ...rows.map((r) => r.map(quote).join(delimiter))].join("\r\n");
          const r = await parsePatientCsv(iconv.encode(text, "win1252"));
          assertInvariants(r);
          if (!r.ok) return;
          const nameAt = header.indexOf("nombre");
          const phoneAt = header.indexOf("celular");
          for (const row of r.accepted) {
            const source = rows[row.line - 2]!;
            expect(source[nameAt]!.trim()).not.toBe("");
            const phone = normalizePhone(source[phoneAt]!.split(/[/|]| y | o /i)[0]!, "EC");
            if (phone.ok) expect(row.phone).toBe(phone.e164);
          }
          for (const rej of r.rejected) {
            const source = rows[rej.line - 2]!;
            expect(source).toBeDefined();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("arbitrary bytes: answers without throwing, and accepts only valid rows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 64 }), async (bytes, chunk) => {
        async function* pieces() {
          for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
        }
        const r = await parsePatientCsv(pieces());
        assertInvariants(r);
      }),
      { numRuns: 300 },
    );
  });

  it("CSV-shaped noise in any encoding and delimiter: never throws, never accepts an invalid row", async () => {
    await fc.assert(
      fc.asyncProperty(
        headerArb,
        fc.array(fc.array(cellArb, { maxLength: 9 }), { maxLength: 25 }),
        fc.constantFrom(";", ",", "\t"),
        fc.constantFrom("utf8", "utf8bom", "win1252", "utf16le"),
        fc.constantFrom("\r\n", "\n"),
        async (header, rows, delimiter, encoding, eol) => {
          const text = [header.join(delimiter), ...rows.map((r) => r.join(delimiter))].join(eol);
          const bytes =
            encoding === "utf8"
              ? Buffer.from(text)
              : encoding === "utf8bom"
                ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])
                : encoding === "utf16le"
                  ? Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf16le")])
                  : iconv.encode(text, "win1252");
          assertInvariants(await parsePatientCsv(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  // Valid rows, written the ways Excel and people write them, come back as they were.
  const nameArb = fc
    .array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCÑñáéíóúüÁÉÍÓÚ '-.,;\"".split("")), { minLength: 1, maxLength: 30 })
    .map((chars) => chars.join("").replace(/\s+/g, " ").trim())
    .filter((name) => /[a-zA-ZÑñáéíóúüÁÉÍÓÚ]/.test(name) && !/^sep=/i.test(name));
  const rowArb = fc.record({
    name: nameArb,
    // Ecuadorian mobiles 098/099 + 7 digits: valid numbers.
    subscriber: fc.integer({ min: 0, max: 1_999_999 }),
    phoneStyle: fc.constantFrom("0", "bare", "+593", "spaced", "scientific"),
    year: fc.integer({ min: 2000, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    dateStyle: fc.constantFrom("dmy", "dmy-dash", "iso", "split"),
    consent: fc.boolean(),
    consentStyle: fc.nat(3),
    channel: fc.constantFrom(null, "SMS", "WHATSAPP"),
  });

  it("round-trips generated valid rows through every delimiter, encoding and format", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rowArb, { minLength: 1, maxLength: 30, selector: (r) => r.subscriber }),
        fc.constantFrom(";", ","),
        fc.constantFrom("utf8", "utf8bom", "win1252"),
        fc.constantFrom("\r\n", "\n"),
        async (rows, delimiter, encoding, eol) => {
          const pad = (n: number, w = 2) => String(n).padStart(w, "0");
          const quote = (s: string) => (/[;,"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
          const lines = [["Nombre", "Teléfono", "Fecha cita", "Hora", "Consentimiento", "Canal"].join(delimiter)];
          for (const r of rows) {
            const national = `9${8 + Math.floor(r.subscriber / 1_000_000)}${pad(r.subscriber % 1_000_000, 7)}`;
            const phone = {
              "0": `0${national}`,
              bare: national,
              "+593": `+593${national}`,
              spaced: `0${national.slice(0, 2)} ${national.slice(2, 5)} ${national.slice(5)}`,
              scientific: `${national[0]}.${national.slice(1)}E+08`,
            }[r.phoneStyle];
            const dmy = `${pad(r.day)}/${pad(r.month)}/${r.year}`;
            const time = `${pad(r.hour)}:${pad(r.minute)}`;
            const [date, hour] = {
              dmy: [`${dmy} ${time}`, ""],
              "dmy-dash": [`${pad(r.day)}-${pad(r.month)}-${r.year}`, time],
              iso: [`${r.year}-${pad(r.month)}-${pad(r.day)}T${time}`, ""],
              split: [dmy, time],
            }[r.dateStyle] as [string, string];
            const consent = r.consent ? ["sí", "x", "1", "Si"][r.consentStyle]! : ["no", "", "0", "NO"][r.consentStyle]!;
            const channel = r.channel === null ? "" : r.channel === "SMS" ? "sms" : "WhatsApp";
            lines.push([quote(r.name), phone, date, hour, consent, channel].join(delimiter));
          }
          const text = lines.join(eol) + eol;
          const bytes =
            encoding === "win1252" ? iconv.encode(text, "win1252") : Buffer.concat([Buffer.from(encoding === "utf8bom" ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text)]);
          const result = await parsePatientCsv(bytes);
          expect(result.fatal).toBeNull();
          expect(result.rejected).toEqual([]);
          expect(result.delimiter).toBe(delimiter);
          expect(result.accepted).toHaveLength(rows.length);
          result.accepted.forEach((got, i) => {
            const r = rows[i]!;
            expect(got.name).toBe(r.name);
            expect(got.phone).toBe(`+5939${8 + Math.floor(r.subscriber / 1_000_000)}${pad(r.subscriber % 1_000_000, 7)}`);
            // Guayaquil is UTC−5 all year.
            expect(got.appointmentAt.toISOString()).toBe(new Date(Date.UTC(r.year, r.month - 1, r.day, r.hour + 5, r.minute)).toISOString());
            expect(got.consent).toBe(r.consent);
            expect(got.channel).toBe(r.channel);
            expect(got.line).toBe(i + 2);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
