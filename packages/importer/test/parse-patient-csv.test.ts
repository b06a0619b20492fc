import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { formatCoded } from "@rm/catalogue";
import { describe, expect, it } from "vitest";
import { parsePatientCsv, rejectedRowsToCsv, type PatientCsvResult } from "../src/index.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const byLine = (r: PatientCsvResult) => new Map(r.accepted.map((a) => [a.line, a]));

async function* inPieces(buf: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe("parsePatientCsv: Excel (Spanish Windows) file, ';' and Windows-1252", () => {
  it("detects the encoding and delimiter and reads accents, phones and day-first dates", async () => {
    const r = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    expect(r.ok).toBe(true);
    expect(r.encoding).toBe("windows-1252");
    expect(r.delimiter).toBe(";");
    expect(r.columns.map((c) => c.field)).toEqual(["name", "phone", "date", "time", "consent", "channel", "doctor", "externalId"]);
    const rows = byLine(r);
    expect([...rows.keys()]).toEqual([2, 3, 4, 10, 11, 13, 16]);
    expect(rows.get(2)).toMatchObject({ name: "José Muñoz", phone: "+593987654321", consent: true, channel: "WHATSAPP", doctor: "Dra. Peña", externalId: "HC-001" });
    // 23/11/2026 09:30 in Guayaquil (UTC−5)
    expect(rows.get(2)!.appointmentAt.toISOString()).toBe("2026-11-23T14:30:00.000Z");
    // Leading 0 missing, "2:30 p. m."
    expect(rows.get(3)).toMatchObject({ name: "María Ñáñez", phone: "+593987654322", channel: "SMS" });
    expect(rows.get(3)!.appointmentAt.toISOString()).toBe("2026-11-23T19:30:00.000Z");
    // 9.87654323E+08 carries every digit
    expect(rows.get(4)!.phone).toBe("+593987654323");
    // Date only: the default appointment time (17:00 local)
    expect(rows.get(10)).toMatchObject({ consent: false, appointmentHasTime: false });
    expect(rows.get(10)!.appointmentAt.toISOString()).toBe("2026-11-23T22:00:00.000Z");
    // Landline: accepted, flagged
    expect(rows.get(13)).toMatchObject({ phone: "+59322345678", reachable: false });
    // Time inside the date cell, "Sí" with a capital
    expect(rows.get(16)).toMatchObject({ phone: "+593987654335", consent: true });
    expect(rows.get(16)!.appointmentAt.toISOString()).toBe("2026-11-23T21:45:00.000Z");
    expect(r.consentMissing.map((c) => c.line)).toEqual([10, 11]);
    expect(r.duplicates).toEqual([{ line: 12, firstLine: 2, phone: "+593987654321", name: "José Muñoz (hijo)" }]);
    expect(r.counts).toMatchObject({ rows: 15, accepted: 7, rejected: 7, consentMissing: 2, duplicates: 1, notMobile: 1 });
  });

  it("rejects each bad row with its line, column and a Spanish reason", async () => {
    const r = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    const rejected = r.rejected.map((x) => [x.line, x.column, x.value]);
    expect(rejected).toEqual([
      [5, "Teléfono", "9.87654E+08"],
      [6, "Fecha cita", "31/02/2026"],
      [7, "Fecha cita", "11/25/2026"],
      [8, "Nombre", ""],
      [9, "Teléfono", "llamar a casa"],
      [14, "Canal", "fax"],
      [15, "Hora", "25:00"],
    ]);
    expect(r.rejected[0]!.reason).toMatch(/notación científica/);
    expect(r.rejected[1]!.reason).toMatch(/no existe en el calendario/);
    expect(r.rejected[2]!.reason).toMatch(/nunca mm\/dd/);
    expect(r.rejected[3]!.reason).toBe("Falta el nombre del paciente.");
    expect(r.rejected[4]!.reason).toBe("No es un número de teléfono.");
    expect(r.rejected[5]!.reason).toMatch(/WhatsApp o SMS/);
    expect(r.rejected[6]!.reason).toMatch(/Hora no reconocida/);
  });

  it("carries every row problem, file error and warning as a catalogue code that reads in English", async () => {
    const r = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    const english = (p: { code: Parameters<typeof formatCoded>[1]["code"]; params?: Record<string, string | number> }) => formatCoded("en", p);
    expect(r.rejected.map(english)).toEqual([
      "Excel turned the number into scientific notation (e.g. 9.87654E+08) and digits were lost. Format the column as text and export again.",
      "The date does not exist in the calendar (check day and month: the format is dd/mm/yyyy, never mm/dd).",
      "The date does not exist in the calendar (check day and month: the format is dd/mm/yyyy, never mm/dd).",
      "The patient's name is missing.",
      "Not a phone number.",
      "Unknown channel: use WhatsApp or SMS.",
      "Unrecognised time: use hh:mm (24-hour) or hh:mm a.m./p.m.",
    ]);
    // The Spanish reason stays the catalogue's Spanish text of the same code.
    for (const row of r.rejected) for (const p of row.problems) expect(p.reason).toBe(formatCoded("es", p));
    const unsure = await parsePatientCsv(Buffer.from("nombre;telefono;fecha;consentimiento\nAna;0987654321;1/1/2026;quizás\n", "utf8"));
    expect(unsure.warnings.map((w) => formatCoded("en", w))).toEqual(["1 row has an unrecognised consent (use sí/no, x, 1): imported without consent."]);
    const noColumn = await parsePatientCsv(Buffer.from("nombre;telefono;fecha\nAna;0987654321;1/1/2026\n", "utf8"));
    expect(noColumn.warnings.map((w) => formatCoded("en", w))).toEqual([
      "The file has no consent column: to import it, confirm that all these patients agreed to receive messages.",
    ]);

    const csv = (text: string, options = {}) => parsePatientCsv(Buffer.from(text, "utf8"), options);
    const en = async (text: string, options = {}) => {
      const result = await csv(text, options);
      return result.fatal ? formatCoded("en", result.fatal.text) : result.rejected.map((x) => formatCoded("en", x)).join(" | ");
    };
    expect(await en("nombre;hora\nAna;10:00\n")).toBe(
      "Required columns are missing: teléfono, fecha. The first row must hold the titles, e.g. nombre;telefono;fecha;hora;consentimiento.",
    );
    expect(await en("nombre;telefono;fecha\n")).toBe("The file is empty or has no patient rows.");
    expect(await en("nombre;telefono;fecha\nA;0987654321;1/1/2026\nB;0987654322;1/1/2026\nC;0987654323;1/1/2026\n", { maxRows: 2 })).toBe(
      "The file has more than 2 rows. Split it into several files.",
    );
    expect(await en(`nombre;telefono;fecha\n${"A;0987654321;1/1/2026\n".repeat(100)}`, { maxBytes: 1000 })).toMatch(/^The file is over the 0 MB limit/);
    expect(await en("nombre;telefono;fecha\nAna;0987654321;1/1/1850\n")).toBe("The year is out of range (1900–2100).");
    expect(await en("nombre;telefono;fecha\nAna;0987654321;mañana\n")).toMatch(/^Unrecognised date: use day\/month\/year \(dd\/mm\/yyyy\)/);
    expect(await en("nombre;telefono;fecha\nAna;0987654321;\n")).toBe("The appointment date is missing.");
    expect(await en(`nombre;telefono;fecha\n${"A".repeat(1001)};0987654321;1/1/2026\n`)).toBe("The value is too long (at most 1000 characters).");
  });

  it("gives the same result when the upload arrives in tiny chunks (split characters and lines)", async () => {
    const whole = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    const pieces = await parsePatientCsv(inPieces(fixture("excel-es-windows1252.csv"), 7));
    expect(pieces.accepted).toEqual(whole.accepted);
    expect(pieces.rejected).toEqual(whole.rejected);
    const utf8 = Buffer.from(iconv.decode(fixture("excel-es-windows1252.csv"), "win1252"), "utf8");
    const split = await parsePatientCsv(inPieces(utf8, 3));
    expect(split.encoding).toBe("utf-8");
    expect(split.accepted.map((a) => a.name)).toEqual(whole.accepted.map((a) => a.name));
  });

  it("reads a web ReadableStream, as an upload handler passes it", async () => {
    const whole = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    const streamed = await parsePatientCsv(new Blob([fixture("excel-es-windows1252.csv")]).stream());
    expect(streamed.accepted).toEqual(whole.accepted);
    expect(streamed.encoding).toBe("windows-1252");
  });

  it("rejected rows download as a ';' UTF-8 CSV Excel opens, one line per problem, formulas defused", async () => {
    const r = await parsePatientCsv(fixture("excel-es-windows1252.csv"));
    const csv = rejectedRowsToCsv(r.rejected, r.duplicates);
    expect(csv.startsWith("\uFEFFlinea;columna;valor;motivo\r\n")).toBe(true);
    expect(csv).toContain("6;Fecha cita;31/02/2026;");
    // A merged duplicate's phone in E.164, as stored (a + and digits are no formula).
    expect(csv).toContain("12;teléfono;+593987654321;Teléfono repetido: se usa la fila 2.");
    const again = await parsePatientCsv(Buffer.from("nombre;telefono;fecha\r\n=HYPERLINK(\"x\");abc;23/11/2026\r\n"));
    expect(rejectedRowsToCsv(again.rejected)).toContain("2;telefono;abc;");
    const formula = await parsePatientCsv(Buffer.from("nombre;telefono;fecha\r\nAna;=1+1;23/11/2026\r\n"));
    expect(rejectedRowsToCsv(formula.rejected)).toContain(";'=1+1;");
    const plus = await parsePatientCsv(Buffer.from("nombre;telefono;fecha\r\nAna;+1+cmd;23/11/2026\r\n"));
    expect(rejectedRowsToCsv(plus.rejected)).toContain(";'+1+cmd;");
  });
});

describe("parsePatientCsv: UTF-8 with BOM, ',' and English headers", () => {
  it("reads quoted fields, ISO dates with offsets and foreign numbers; unknown consent is no consent", async () => {
    const r = await parsePatientCsv(fixture("excel-utf8-bom-comma.csv"));
    expect(r.encoding).toBe("utf-8-bom");
    expect(r.delimiter).toBe(",");
    const rows = byLine(r);
    expect(rows.get(2)).toMatchObject({ name: "Pérez, Ana", phone: "+593987654341", channel: "WHATSAPP", consent: true, externalId: "A-1" });
    expect(rows.get(3)).toMatchObject({ name: "Zoë Müller", channel: "SMS", consent: true });
    expect(rows.get(4)).toMatchObject({ name: 'O\'Brien "Tom"', consent: true });
    expect(rows.get(4)!.appointmentAt.toISOString()).toBe("2026-11-23T20:00:00.000Z");
    expect(rows.get(6)).toMatchObject({ phone: "+14155552671", consent: false, consentRecognised: false });
    expect(r.rejected.map((x) => [x.line, x.column])).toEqual([[5, "Appointment"]]);
    expect(r.warnings.map((w) => formatCoded("es", w)).join(" ")).toMatch(/consentimiento no reconocido/);
  });

  it("honours the practice time zone", async () => {
    const csv = Buffer.from("name,phone,date\nAna,0987654321,23/11/2026 10:00\n");
    const gye = await parsePatientCsv(csv);
    const madrid = await parsePatientCsv(csv, { timeZone: "Europe/Madrid" });
    expect(gye.accepted[0]!.appointmentAt.toISOString()).toBe("2026-11-23T15:00:00.000Z");
    expect(madrid.accepted[0]!.appointmentAt.toISOString()).toBe("2026-11-23T09:00:00.000Z");
  });
});

describe("parsePatientCsv: files that cannot be imported", () => {
  it("missing required columns: a fatal error naming them, nothing accepted", async () => {
    const r = await parsePatientCsv(fixture("missing-phone-column.csv"));
    expect(r.ok).toBe(false);
    expect(r.fatal).toMatchObject({ code: "MISSING_COLUMNS", missingColumns: ["teléfono"] });
    expect(r.fatal!.message).toMatch(/Faltan columnas obligatorias: teléfono/);
    expect(r.accepted).toEqual([]);
  });

  it("an unclosed quote: the row where it starts is rejected, the rows before are kept", async () => {
    const r = await parsePatientCsv(fixture("broken-quotes.csv"));
    expect(r.accepted.map((a) => a.name)).toEqual(["Ana"]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.line).toBe(3);
    expect(r.rejected[0]!.reason).toMatch(/comillas sin cerrar/);
  });

  it("empty input, header only, binary garbage: a clear error, no exception", async () => {
    for (const input of [Buffer.alloc(0), Buffer.from("nombre;telefono;fecha\r\n"), Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x81])]) {
      const r = await parsePatientCsv(input);
      expect(r.ok).toBe(false);
      expect(["EMPTY_FILE", "MISSING_COLUMNS"]).toContain(r.fatal?.code);
      expect(r.fatal!.message.length).toBeGreaterThan(10);
    }
  });

  it("over the byte limit: TOO_LARGE and it stops reading", async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      yield Buffer.from("nombre;telefono;fecha\r\n");
      for (;;) {
        pulled++;
        yield Buffer.from("Ana;0987654321;23/11/2026\r\n".repeat(1000));
      }
    }
    const r = await parsePatientCsv(endless(), { maxBytes: 200_000 });
    expect(r.fatal?.code).toBe("TOO_LARGE");
    expect(r.fatal!.message).toMatch(/tamaño máximo/);
    expect(pulled).toBeLessThan(10);
    expect(r.accepted).toEqual([]);
  });

  it("over the row limit: TOO_MANY_ROWS", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `Ana ${i};09876543${String(i).padStart(2, "0")};23/11/2026`).join("\n");
    const r = await parsePatientCsv(Buffer.from(`nombre;telefono;fecha\n${rows}\n`), { maxRows: 20 });
    expect(r.fatal?.code).toBe("TOO_MANY_ROWS");
    expect(r.counts.rows).toBe(20);
    expect(r.accepted).toEqual([]);
  });

  it("wrong options are a programmer's error and throw", async () => {
    await expect(parsePatientCsv(Buffer.from("a"), { timeZone: "Mars/Olympus" })).rejects.toThrow();
    await expect(parsePatientCsv(Buffer.from("a"), { maxRows: -1 })).rejects.toThrow();
  });

  it("a failing upload stream is reported, not thrown", async () => {
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from("nombre;telefono;fecha\r\nAna;0987654321;23/11/2026\r\n");
      throw new Error("connection reset");
    }
    const r = await parsePatientCsv(broken());
    expect(r.ok).toBe(false);
    expect(r.fatal?.code).toBe("UNREADABLE");
  });
});

describe("parsePatientCsv: cells as people type them", () => {
  const one = async (header: string, cells: string) => (await parsePatientCsv(Buffer.from(`${header}\n${cells}\n`))).accepted[0];

  it.each([
    ["sí", true], ["Si", true], ["SI", true], ["x", true], ["X", true], ["1", true], ["true", true], ["yes", true],
    ["no", false], ["", false], ["0", false], ["false", false],
  ])("consent %j → %j", async (cell, consent) => {
    expect((await one("nombre;telefono;fecha;consentimiento", `Ana;0987654321;23/11/2026;${cell}`))?.consent).toBe(consent);
  });

  it.each([
    ["23/11/2026", "2026-11-23T22:00:00.000Z"],
    ["23-11-2026 08:05", "2026-11-23T13:05:00.000Z"],
    ["23.11.26 8:05", "2026-11-23T13:05:00.000Z"],
    ["2026-11-23", "2026-11-23T22:00:00.000Z"],
    ["2026-11-23 08:05:30", "2026-11-23T13:05:30.000Z"],
    ["2026-11-23T08:05:00Z", "2026-11-23T08:05:00.000Z"],
    ["46349", "2026-11-23T22:00:00.000Z"],
    ["46349,5", "2026-11-23T17:00:00.000Z"],
    ["1/2/2026 12:00 a. m.", "2026-02-01T05:00:00.000Z"],
  ])("date %j → %s", async (cell, iso) => {
    expect((await one("nombre;telefono;fecha", `Ana;0987654321;${cell}`))?.appointmentAt.toISOString()).toBe(iso);
  });

  it.each(["Teléfono", "telefono", "CELULAR", "Celular/WhatsApp", "phone", "Móvil"])("phone header %j", async (header) => {
    expect((await one(`Nombre;${header};Fecha`, "Ana;0987654321;23/11/2026"))?.phone).toBe("+593987654321");
  });

  it("separate first-name and last-name columns make the name", async () => {
    expect((await one("Nombres;Apellidos;Celular;Fecha de la cita", "Ana María;Peña Ruiz;0987654321;23/11/2026"))?.name).toBe("Ana María Peña Ruiz");
  });

  it("a cell with two numbers takes the mobile one", async () => {
    expect((await one("nombre;telefono;fecha", "Ana;022345678 / 0987654321;23/11/2026"))?.phone).toBe("+593987654321");
  });

  it("Excel's sep=; hint line", async () => {
    const r = await parsePatientCsv(Buffer.from("sep=;\r\nnombre;telefono;fecha\r\nAna, la de arriba;0987654321;23/11/2026\r\n"));
    expect(r.delimiter).toBe(";");
    expect(r.accepted[0]?.name).toBe("Ana, la de arriba");
  });
});
