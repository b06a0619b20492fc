import ExcelJS from "exceljs";
import { Readable } from "node:stream";
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet("Citas");
wb.addWorksheet("Otra").addRow(["x"]);
ws.addRow(["nombre", "telefono", "fecha", "hora", "consentimiento", "email", "doctor", "tipo", "canal", "hc"]);
const N = Number(process.argv[2] ?? 10);
for (let i = 0; i < N; i++) ws.addRow([`Paciente Número ${i}`, 987000000 + i, new Date(Date.UTC(2026, 10, 23, 14, 30)), "14:30", "sí", `p${i}@x.ec`, "Dra. Pérez", "Control", "WhatsApp", 1000 + i]);
ws.getColumn(3).numFmt = "dd/mm/yyyy hh:mm";
const r = ws.addRow(["Sci", 593984000000, 46349.5, 0.6041666, "x"]);
r.getCell(2).numFmt = "0.00E+00";
const buf = Buffer.from(await wb.xlsx.writeBuffer());
global.gc?.();
const base = process.memoryUsage().rss;
const t1 = Date.now();
const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), { sharedStrings: "cache", styles: "cache", hyperlinks: "ignore", worksheets: "emit", entries: "ignore" });
let n = 0; let peak = 0; let last: unknown;
for await (const sheet of reader) {
  const s = sheet as unknown as AsyncIterable<ExcelJS.Row> & { name?: string; id?: number };
  console.log("sheet", (sheet as any).name, (sheet as any).id);
  for await (const row of s) { n++; last = row.values; if (n % 10000 === 0) peak = Math.max(peak, process.memoryUsage().rss); const c = row.getCell(2); if (n < 3 || c.numFmt) console.log(n, row.number, JSON.stringify(row.values), c.numFmt, c.type); }
}
console.log("stream", Date.now() - t1, "ms rows", n, "peak +", Math.round((peak - base) / 1e6), "MB", buf.byteLength);
