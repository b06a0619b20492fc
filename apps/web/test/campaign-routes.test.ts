// The campaign creation routes over HTTP against the production build: the streamed upload (CSRF
// checked before the file, 413 past the one 20 MiB limit by Content-Length or while streaming, with
// nothing created), the draft preview and its rejected-rows download, confirm (twice at once: one
// import), the credit shortfall, cross-tenant 404s, and sending to one patient. Excel workbooks: the
// upload, the choice of a sheet without a script, and the sample files.
import { readFileSync } from "node:fs";
import path from "node:path";
import { initOrm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { MAX_UPLOAD_BYTES } from "@rm/importer";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEB_ROOT } from "./support/build.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";
import { messageSendEvent } from "@rm/events";
import ExcelJS from "exceljs";
import { parsePatientFile } from "@rm/importer";

let db: TestDatabase;
let web: WebServer;
let sql: pg.Client;
let a: Tenant;
let b: Tenant;
let poor: Tenant;
const s = {} as Record<"owner" | "doctor" | "receptionist" | "ownerB" | "poorOwner", Session>;

// Appointments in the future so every consenting mobile is scheduled whatever day the test runs.
const day = new Date(Date.now() + 2 * 86_400_000);
const ddmmyyyy = `${String(day.getUTCDate()).padStart(2, "0")}/${String(day.getUTCMonth() + 1).padStart(2, "0")}/${day.getUTCFullYear()}`;
const GOOD_CSV = [
  "nombre,telefono,fecha,hora,consentimiento",
  `Ana Torres,0991110001,${ddmmyyyy},10:00,si`,
  `Bruno Díaz,0991110002,${ddmmyyyy},10:30,si`,
  `Carla Sin Permiso,0991110003,${ddmmyyyy},11:00,no`,
  `Dario Malo,=1+1,${ddmmyyyy},11:00,si`,
  `Elena Fecha,0991110005,31/02/2026,11:00,si`,
  `Ana Repetida,0991110001,${ddmmyyyy},12:00,si`,
].join("\r\n");

/** Page text without React's text separators. */
const text = (html: string) => html.replace(/<!-- -->/g, "");

async function countRows(query: string, params: unknown[] = []): Promise<number> {
  const res = await sql.query<{ n: string }>(`select count(*)::text as n from (${query}) q`, params);
  return Number(res.rows[0]!.n);
}

function uploadForm(session: Session | null, fields: Record<string, string>, file: Buffer | null, { csrf = true, fileName = "citas.csv" } = {}): FormData {
  const form = new FormData();
  if (session && csrf) form.set("_csrf", session.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new Blob([new Uint8Array(file)], { type: "text/csv" }), fileName);
  return form;
}

function upload(session: Session, form: FormData): Promise<Response> {
  return fetch(`${web.url}/campaigns/new`, { method: "POST", body: form, headers: { Cookie: session.cookie }, redirect: "manual" });
}

const fieldsFor = (t: Tenant, name = "Citas de prueba") => ({ name, practiceId: t.practiceId, assignedDoctorId: t.doctor.id, scheduledHoursAfter: "2", channel: "WHATSAPP" });

async function draftFrom(session: Session, t: Tenant, csv: string | Buffer, name?: string): Promise<string> {
  const res = await upload(session, uploadForm(session, fieldsFor(t, name), Buffer.isBuffer(csv) ? csv : Buffer.from(csv)));
  expect(res.status, await res.clone().text()).toBe(302);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/campaigns\/drafts\/[0-9a-f-]{36}$/);
  return location.split("/").pop()!;
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  b = await createTenant(db.url, "b");
  poor = await createTenant(db.url, "poor");
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    for (const t of [a, b]) await grantCredits(orm.em.fork(), { workspaceId: t.workspaceId, amount: 500, reference: `test:${t.workspaceId}` });
    await grantCredits(orm.em.fork(), { workspaceId: poor.workspaceId, amount: 1, reference: `test:${poor.workspaceId}` });
  } finally {
    await orm.close(true);
  }
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  web = await startWebServer({ databaseUrl: db.url });
  s.owner = await signIn(web.url, a.owner.email, a.owner.password);
  s.doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  s.receptionist = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  s.ownerB = await signIn(web.url, b.owner.email, b.owner.password);
  s.poorOwner = await signIn(web.url, poor.owner.email, poor.owner.password);
});

afterAll(async () => {
  await sql?.end();
  await web?.stop();
  await db?.drop();
});

describe("the upload limit", () => {
  it("is the chart ingress's body limit (ingress.bodySizeLimit: 20m = 20 MiB)", () => {
    const values = readFileSync(path.join(WEB_ROOT, "../../charts/reputation-manager/values.yaml"), "utf8");
    const limit = /^\s*bodySizeLimit:\s*"?(\d+)m"?\s*$/m.exec(values)?.[1];
    expect(Number(limit) * 1024 * 1024).toBe(MAX_UPLOAD_BYTES);
  });

  it("an upload over 20 MiB (by its Content-Length) answers 413 with a clear message and creates nothing", async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, "a");
    const res = await upload(s.owner, uploadForm(s.owner, fieldsFor(a, "Grande"), big));
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("demasiado grande (máximo 20 MB)");
    expect(await countRows("select 1 from campaigns where workspace_id = $1 and name = 'Grande'", [a.workspaceId])).toBe(0);
  });

  it("a streamed upload without a length is cut at 20 MiB: 413, nothing created", async () => {
    const boundary = "----rm-test-boundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.owner.csrf}\r\n` +
        Object.entries(fieldsFor(a, "Sin largo"))
          .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join("") +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="grande.csv"\r\nContent-Type: text/csv\r\n\r\nnombre;telefono;fecha;notas\r\n`,
    );
    // Long rows (an ignored notes column), so the byte limit comes before the parser's row limit.
    const line = Buffer.from(`Paciente Largo;0991234567;${ddmmyyyy};${"x".repeat(400)}\r\n`.repeat(200));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
      },
      pull(controller) {
        // Well past the limit, then the end of the form.
        if (sent > MAX_UPLOAD_BYTES + 4 * line.length) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += line.length;
        controller.enqueue(line);
      },
    });
    const res = await fetch(`${web.url}/campaigns/new`, {
      method: "POST",
      body,
      duplex: "half",
      headers: { Cookie: s.owner.cookie, "Content-Type": `multipart/form-data; boundary=${boundary}` },
      redirect: "manual",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await countRows("select 1 from campaigns where workspace_id = $1 and name = 'Sin largo'", [a.workspaceId])).toBe(0);
  });
});

describe("upload and preview", () => {
  it("refuses an upload without the CSRF token before reading it", async () => {
    const res = await upload(s.owner, uploadForm(s.owner, fieldsFor(a, "Sin token"), Buffer.from(GOOD_CSV), { csrf: false }));
    expect(res.status).toBe(403);
    expect(await countRows("select 1 from campaigns where name = 'Sin token'")).toBe(0);
  });

  it("a file it cannot import answers 400 next to the file field, keeping the other fields", async () => {
    const res = await upload(s.owner, uploadForm(s.owner, fieldsFor(a, "Sin columnas"), Buffer.from("nombre;correo\r\nAna;ana@example.ec\r\n")));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Faltan columnas obligatorias: teléfono, fecha");
    expect(html).toContain('value="Sin columnas"');
    expect(await countRows("select 1 from campaigns where name = 'Sin columnas'")).toBe(0);
  });

  it("a doctor the workspace does not have is a rejected row whose reason reads in the viewer's language", async () => {
    const csv = ["nombre,telefono,fecha,hora,consentimiento,médico", `Ana Torres,0991110101,${ddmmyyyy},10:00,si,doctor a`, `Bruno Díaz,0991110102,${ddmmyyyy},10:30,si,Dr. Nadie`].join("\r\n");
    const id = await draftFrom(s.owner, a, csv, "Dos médicos");
    const spanish = text(await (await get(web.url, `/campaigns/drafts/${id}`, s.owner)).text());
    expect(spanish).toContain('data-testid="count-rejected">1<');
    expect(spanish).toContain("El médico «Dr. Nadie» no es un usuario del espacio de trabajo (médico o propietario).");
    // The accepted row shows the doctor it was matched to.
    expect(spanish).toMatch(/<th scope="col">Médico<\/th>/);
    expect(spanish).toMatch(/<td>Ana Torres<\/td>.*?<td>DOCTOR a<\/td>/s);
    const english = { ...s.owner, cookie: `${s.owner.cookie}; lang=${encodeURIComponent(btoa(JSON.stringify("en")))}` };
    expect(text(await (await get(web.url, `/campaigns/drafts/${id}`, english)).text())).toContain("The doctor “Dr. Nadie” is not a user of the workspace (doctor or owner).");
  });

  it("an English reader gets the importer's row problems, warnings, file errors and refusals in English", async () => {
    const english = { ...s.owner, cookie: `${s.owner.cookie}; lang=${encodeURIComponent(btoa(JSON.stringify("en")))}` };
    // No consent column; Excel's scientific notation; a date that is not in the calendar; a year out of range.
    const csv = ["nombre;telefono;fecha;hora", `Ana Torres;0991110201;${ddmmyyyy};10:00`, `Bruno Díaz;9.91112E+08;${ddmmyyyy};10:30`, "Carla Ruiz;0991110203;31/02/2026;11:00", "Dario León;0991110204;01/01/1850;11:00"].join("\r\n");
    const id = await draftFrom(english, a, csv, "English reader");
    const page = text(await (await get(web.url, `/campaigns/drafts/${id}`, english)).text());
    expect(page).toContain("Excel turned the number into scientific notation (e.g. 9.87654E+08) and digits were lost. Format the column as text and export again.");
    expect(page).toContain("The date does not exist in the calendar (check day and month: the format is dd/mm/yyyy, never mm/dd).");
    expect(page).toContain("The year is out of range (1900–2100).");
    expect(page).toContain("The file has no consent column: to import it, confirm that all these patients agreed to receive messages.");
    expect(page).not.toMatch(/notación científica|no existe en el calendario|fuera de rango|no tiene columna de consentimiento/);
    // The download speaks the reader's language too.
    const download = await (await get(web.url, `/campaigns/drafts/${id}/rejected.csv`, english)).text();
    expect(download).toContain("line;column;value;reason");
    expect(download).toContain("The year is out of range (1900–2100).");

    // A file the importer cannot take, and a refused campaign setting.
    const missing = await upload(english, uploadForm(english, fieldsFor(a), Buffer.from("nombre;hora\r\nAna;10:00\r\n")));
    expect(missing.status).toBe(400);
    expect(text(await missing.text())).toContain("Required columns are missing: teléfono, fecha.");
    const unnamed = await upload(english, uploadForm(english, { ...fieldsFor(a), name: " " }, Buffer.from(GOOD_CSV)));
    expect(unnamed.status).toBe(400);
    expect(text(await unnamed.text())).toContain("Write a name for the campaign.");
  });

  it("a receptionist's upload becomes a draft: preview counts, rejected rows with line and reason, nothing sent yet", async () => {
    const id = await draftFrom(s.receptionist, a, GOOD_CSV, "Recepción lunes");
    const [campaign] = (await sql.query("select status, created_by_id, assigned_doctor_id from campaigns where id = $1", [id])).rows;
    expect(campaign).toEqual({ status: "DRAFT", created_by_id: a.receptionist.id, assigned_doctor_id: a.doctor.id });
    expect(await countRows("select 1 from patients where campaign_id = $1", [id])).toBe(0);

    const page = await get(web.url, `/campaigns/drafts/${id}`, s.receptionist);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/data-testid="count-accepted">3</);
    expect(html).toMatch(/data-testid="count-rejected">2</);
    expect(html).toMatch(/data-testid="count-no-consent">1</);
    expect(html).toMatch(/data-testid="count-duplicates">1</);
    expect(html).toMatch(/data-testid="count-scheduled">2</);
    expect(html).toContain("Carla Sin Permiso");

    const csv = await get(web.url, `/campaigns/drafts/${id}/rejected.csv`, s.receptionist);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain('attachment; filename="rechazadas-citas.csv"');
    const rejected = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(rejected.startsWith("\uFEFFlinea;columna;valor;motivo\r\n")).toBe(true);
    // Cells Excel would run as formulas (=, +, -, @) are made inert with '; line numbers are the file's.
    expect(rejected).toMatch(/^5;telefono;'=1\+1;/m);
    expect(rejected).toMatch(/^6;fecha;31\/02\/2026;/m);
    expect(rejected).toMatch(/^7;teléfono;\+593991110001;Teléfono repetido: se usa la fila 2\./m);
  });

  it("another workspace's draft answers 404 to the preview, the download, confirm and discard, and stays as it was", async () => {
    const id = await draftFrom(s.owner, a, GOOD_CSV, "Ajena");
    expect((await get(web.url, `/campaigns/drafts/${id}`, s.ownerB)).status).toBe(404);
    expect((await get(web.url, `/campaigns/drafts/${id}/rejected.csv`, s.ownerB)).status).toBe(404);
    expect((await post(web.url, `/campaigns/drafts/${id}`, s.ownerB, { intent: "confirm" })).status).toBe(404);
    expect((await post(web.url, `/campaigns/drafts/${id}`, s.ownerB, { intent: "discard" })).status).toBe(404);
    expect((await get(web.url, `/campaigns/drafts/not-a-uuid`, s.owner)).status).toBe(404);
    expect((await sql.query("select status from campaigns where id = $1", [id])).rows[0]).toEqual({ status: "DRAFT" });
  });

  it("a draft of the owner for the owner is not the receptionist's to open (403)", async () => {
    const res = await upload(s.owner, uploadForm(s.owner, { ...fieldsFor(a, "Del dueño"), assignedDoctorId: a.owner.id }, Buffer.from(GOOD_CSV)));
    const id = res.headers.get("location")!.split("/").pop()!;
    expect((await get(web.url, `/campaigns/drafts/${id}`, s.receptionist)).status).toBe(403);
    expect((await post(web.url, `/campaigns/drafts/${id}`, s.receptionist, { intent: "confirm" })).status).toBe(403);
    expect((await get(web.url, `/campaigns/drafts/${id}`, s.doctor)).status).toBe(403);
  });
});

describe("Excel workbooks", () => {
  /** A workbook as Excel saves one: date-time cells, phones typed as numbers (the 0 gone). */
  async function workbook(sheets: { name: string; rows: (string | number | Date | null)[][] }[]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    for (const sheet of sheets) {
      const ws = wb.addWorksheet(sheet.name);
      for (const row of sheet.rows) ws.addRow(row);
      ws.getColumn(3).numFmt = "dd/mm/yyyy hh:mm";
    }
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const at = (h: number) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h));
  const citas = {
    name: "Citas",
    rows: [
      ["nombre", "telefono", "fecha", "consentimiento"],
      ["Ana Torres", 991110101, at(10), "si"],
      ["Bruno Díaz", 991110102, at(11), "si"],
      // Typed in scientific notation: Excel kept 5.93991E+11 and nothing more.
      ["Luis Lara", 593991000000, at(12), "si"],
    ],
  };
  const xlsxForm = (session: Session, fields: Record<string, string>, file: Buffer) => {
    const form = uploadForm(session, fields, null);
    form.set("file", new Blob([new Uint8Array(file)], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }), "citas.xlsx");
    return form;
  };

  it("an .xlsx upload becomes a draft; a phone Excel shows in scientific notation is rejected with the reason", async () => {
    const book = await workbook([citas]);
    // The lossy phone cell as Excel formats a number typed as 5.93991E+11.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(book as unknown as ArrayBuffer);
    wb.worksheets[0]!.getCell("B4").numFmt = "0.00E+00";
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(s.owner, xlsxForm(s.owner, fieldsFor(a, "Desde Excel"), file));
    expect(res.status, await res.clone().text()).toBe(302);
    const id = res.headers.get("location")!.split("/").pop()!;
    const html = await (await get(web.url, `/campaigns/drafts/${id}`, s.owner)).text();
    expect(html).toMatch(/data-testid="count-accepted">2</);
    expect(html).toMatch(/data-testid="count-rejected">1</);
    // A workbook has no encoding or delimiter to show.
    expect(html).toContain("citas.xlsx");
    expect(html).not.toContain("(utf-8,");
    const rejected = new TextDecoder().decode(await (await get(web.url, `/campaigns/drafts/${id}/rejected.csv`, s.owner)).arrayBuffer());
    expect(rejected).toMatch(/^4;telefono;5\.93991E\+11;.*notación científica/m);
  });

  it("a workbook whose first sheet is no list comes back with its sheets to choose from; the chosen one is read", async () => {
    const book = await workbook([{ name: "Portada", rows: [["Citas de la semana"]] }, citas]);
    const first = await upload(s.owner, xlsxForm(s.owner, fieldsFor(a, "Dos hojas"), book));
    expect(first.status).toBe(400);
    const html = text(await first.text());
    expect(html).toContain("Faltan columnas obligatorias");
    expect(html).toMatch(/<select[^>]*name="sheet"[^>]*>.*<option value="Portada">Portada<\/option><option value="Citas">Citas<\/option><\/select>/s);
    expect(await countRows("select 1 from campaigns where name = 'Dos hojas'")).toBe(0);

    const chosen = await upload(s.owner, xlsxForm(s.owner, { ...fieldsFor(a, "Dos hojas"), sheet: "Citas" }, book));
    expect(chosen.status, await chosen.clone().text()).toBe(302);
    expect(await countRows("select 1 from campaigns where name = 'Dos hojas' and status = 'DRAFT'")).toBe(1);

    // A sheet the workbook does not have, in English.
    const english = { ...s.owner, cookie: `${s.owner.cookie}; lang=${encodeURIComponent(btoa(JSON.stringify("en")))}` };
    const missing = await upload(english, xlsxForm(s.owner, { ...fieldsFor(a, "Sin hoja"), sheet: "Pacientes" }, book));
    expect(missing.status).toBe(400);
    expect(text(await missing.text())).toContain("The workbook has no sheet &quot;Pacientes&quot;. Its sheets: Portada, Citas.");
  });

  it("the upload page offers sample files, which import as they are", async () => {
    const page = text(await (await get(web.url, "/campaigns/new", s.receptionist)).text());
    expect(page).toContain('href="/campaigns/sample.xlsx"');
    expect(page).toContain('href="/campaigns/sample.csv"');
    for (const [url, type] of [
      ["/campaigns/sample.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["/campaigns/sample.csv", "text/csv; charset=utf-8"],
    ] as const) {
      const res = await get(web.url, url, s.receptionist);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(type);
      const parsed = await parsePatientFile(Buffer.from(await res.arrayBuffer()), { fileName: url });
      expect(parsed).toMatchObject({ ok: true, counts: { accepted: 3, rejected: 0 } });
    }
  });
});

describe("confirm and discard", () => {
  it("two confirms at once import once and both land on the campaign", async () => {
    const id = await draftFrom(s.doctor, a, GOOD_CSV, "Doble clic");
    const [one, two] = await Promise.all([
      post(web.url, `/campaigns/drafts/${id}`, s.doctor, { intent: "confirm" }),
      post(web.url, `/campaigns/drafts/${id}`, s.doctor, { intent: "confirm" }),
    ]);
    expect([one.status, two.status]).toEqual([302, 302]);
    expect(one.headers.get("location")).toBe(`/campaigns/${id}`);
    expect(two.headers.get("location")).toBe(`/campaigns/${id}`);
    expect((await sql.query("select status from campaigns where id = $1", [id])).rows[0]).toEqual({ status: "ACTIVE" });
    expect(await countRows("select 1 from patients where campaign_id = $1", [id])).toBe(3);
    expect(await countRows("select 1 from messages where campaign_id = $1", [id])).toBe(2);
    expect(await countRows(`select 1 from outbox o join messages m on o.idempotency_key = ${messageSendEvent.keySql("m.id")} where m.campaign_id = $1`, [id])).toBe(2);
    const audit = await sql.query("select actor_id, ip from audit_logs where action = 'campaign.created' and entity_id = $1", [id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].actor_id).toBe(a.doctor.id);
    // The preview of a confirmed draft sends the user to the campaign.
    const again = await get(web.url, `/campaigns/drafts/${id}`, s.doctor);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(`/campaigns/${id}`);
  });

  it("short of credits: the preview and the confirm say how many are missing; the draft waits", async () => {
    const id = await draftFrom(s.poorOwner, poor, GOOD_CSV, "Sin saldo");
    const page = await (await get(web.url, `/campaigns/drafts/${id}`, s.poorOwner)).text();
    const missing = /Faltan (\d+) créditos para confirmar/.exec(page)?.[1];
    expect(Number(missing)).toBeGreaterThan(0);
    expect(page).toContain('href="/billing"');
    const res = await post(web.url, `/campaigns/drafts/${id}`, s.poorOwner, { intent: "confirm" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain(`Faltan ${missing} créditos para confirmar`);
    expect((await sql.query("select status from campaigns where id = $1", [id])).rows[0]).toEqual({ status: "DRAFT" });
    expect(await countRows("select 1 from patients where campaign_id = $1", [id])).toBe(0);
    // It waits on the upload page, to come back to once there are credits.
    expect(text(await (await get(web.url, "/campaigns/new", s.poorOwner)).text())).toContain(`href="/campaigns/drafts/${id}">Sin saldo</a>`);
  });

  it("a file without a consent column asks for the uploader's attestation: confirming without it is refused with the reason, with it everyone is imported and the attestation recorded", async () => {
    const csv = ["nombre,telefono,fecha,hora", `Fausto Sin Columna,0991110011,${ddmmyyyy},10:00`, `Gina Sin Columna,0991110012,${ddmmyyyy},10:30`].join("\r\n");
    const id = await draftFrom(s.owner, a, csv, "Sin columna de consentimiento");
    const page = text(await (await get(web.url, `/campaigns/drafts/${id}`, s.owner)).text());
    expect(page).toContain('name="consentAttested"');
    expect(page).toContain("Confirmo que estos pacientes aceptaron recibir mensajes");
    const refused = await post(web.url, `/campaigns/drafts/${id}`, s.owner, { intent: "confirm" });
    expect(refused.status).toBe(400);
    expect(text(await refused.text())).toContain("El archivo no tiene columna de consentimiento: marque la casilla");
    expect((await sql.query("select status from campaigns where id = $1", [id])).rows[0]).toEqual({ status: "DRAFT" });
    expect(await countRows("select 1 from patients where campaign_id = $1", [id])).toBe(0);

    const res = await post(web.url, `/campaigns/drafts/${id}`, s.owner, { intent: "confirm", consentAttested: "yes" });
    expect(res.status).toBe(302);
    expect(await countRows("select 1 from patients where campaign_id = $1 and status = 'SCHEDULED'", [id])).toBe(2);
    const events = await sql.query("select e.source, e.actor_id, e.evidence from consent_events e join patients p on p.contact_id = e.contact_id where p.campaign_id = $1", [id]);
    expect(events.rows).toHaveLength(2);
    for (const e of events.rows) expect(e).toEqual({ source: "IMPORT", actor_id: a.owner.id, evidence: expect.stringMatching(/^Confirmo que estos pacientes aceptaron recibir mensajes/) });
  });

  it("discarding deletes the draft", async () => {
    const id = await draftFrom(s.owner, a, GOOD_CSV, "Para descartar");
    const res = await post(web.url, `/campaigns/drafts/${id}`, s.owner, { intent: "discard" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/campaigns/new?notice=discarded");
    expect(await countRows("select 1 from campaigns where id = $1", [id])).toBe(0);
    expect((await get(web.url, `/campaigns/drafts/${id}`, s.owner)).status).toBe(404);
  });
});

describe("send to one patient", () => {
  const form = (o: Record<string, string>) => ({ name: "Marta Checkout", phone: "098 765 1111", practiceId: a.practiceId, assignedDoctorId: a.doctor.id, channel: "WHATSAPP", consent: "on", ...o });

  it("field errors for a bad phone, a landline, missing consent and a doctor that is not one; nothing created", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ phone: "12" }, "phone", "El número es demasiado corto."],
      [{ phone: "02 234 5678" }, "phone", "Es un teléfono fijo"],
      [{ consent: "" }, "consent", "El paciente debe aceptar recibir el mensaje."],
      [{ assignedDoctorId: a.receptionist.id }, "assignedDoctorId", "Elija un médico del espacio de trabajo."],
      [{ assignedDoctorId: b.doctor.id }, "assignedDoctorId", "Elija un médico del espacio de trabajo."],
      [{ practiceId: b.practiceId }, "practiceId", "El consultorio no existe en este espacio de trabajo."],
      [{ name: " " }, "name", "Escriba el nombre del paciente."],
    ];
    for (const [change, field, message] of cases) {
      const res = await post(web.url, "/campaigns/send", s.receptionist, form(change));
      expect(res.status, field).toBe(400);
      const html = await res.text();
      expect(html, field).toContain(`id="${field}-error"`);
      expect(html, field).toContain(message);
    }
    expect(await countRows("select 1 from patients where name = 'Marta Checkout'")).toBe(0);
  });

  it("in English: the labels and the field errors", async () => {
    // The language cookie as createCookie writes it: base64 of the JSON string "en".
    const english = { ...s.receptionist, cookie: `${s.receptionist.cookie}; lang=${encodeURIComponent(btoa(JSON.stringify("en")))}` };
    const res = await post(web.url, "/campaigns/send", english, form({ phone: "02 234 5678", consent: "" }));
    expect(res.status).toBe(400);
    const html = text(await res.text());
    expect(html).toContain("Send to one patient now");
    expect(html).toContain("It is a landline: it cannot receive WhatsApp or SMS. Use a mobile number.");
    const upload = await get(web.url, "/campaigns/new", english);
    expect(text(await upload.text())).toContain("Upload and review");
  });

  it("a receptionist sends one request due now; the form says so and is ready for the next patient", async () => {
    const res = await post(web.url, "/campaigns/send", s.receptionist, form({ appointmentType: "Limpieza" }));
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/campaigns\/send\?sent=[0-9a-f-]{36}$/);
    const campaignId = location.split("=")[1]!;
    const patient = (await sql.query("select phone, status, appointment_type from patients where campaign_id = $1", [campaignId])).rows[0];
    expect(patient).toEqual({ phone: "+593987651111", status: "SCHEDULED", appointment_type: "Limpieza" });
    expect(await countRows(`select 1 from outbox o join messages m on o.idempotency_key = ${messageSendEvent.keySql("m.id")} where m.campaign_id = $1`, [campaignId])).toBe(1);
    const page = text(await (await get(web.url, location, s.receptionist)).text());
    expect(page).toContain("Marta Checkout (098 765 1111): solicitud de calificación programada para");
    // Another user does not see it in their notice.
    expect(await (await get(web.url, location, s.owner)).text()).not.toContain("Marta Checkout");
    // The same phone again: stored, not sent (cooldown), and the notice says why.
    const second = await post(web.url, "/campaigns/send", s.receptionist, form({}));
    const page2 = text(await (await get(web.url, second.headers.get("location")!, s.receptionist)).text());
    expect(page2).toContain("no se envió: ya se le pidió una calificación hace poco");
  });

  it("short of credits: 409 with the number missing", async () => {
    const res = await post(web.url, "/campaigns/send", s.poorOwner, {
      name: "Pablo Pobre",
      phone: "0987650000",
      practiceId: poor.practiceId,
      assignedDoctorId: poor.doctor.id,
      channel: "SMS",
      consent: "on",
    });
    // One credit covers no initial message plus a follow-up.
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/Faltan \d+ créditos\./);
  });
});
