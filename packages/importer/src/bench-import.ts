// `npm run bench:import`: generated Excel-style CSVs (';', Windows-1252, CRLF, dd/mm/yyyy hh:mm) go
// through the code path of the upload page — parsePatientCsv on a chunked stream, then
// createCampaignFromRows in one transaction — and, on the same database, a raw COPY of the same
// normalised rows into a table shaped like `patients` (same columns, checks and indexes). Reports wall
// time, rows/s, peak RSS and the ratio import / COPY. A second baseline is the floor of any import
// that writes what this one writes: every row the import stored (all its tables), COPYed again into
// tables LIKE the real ones (same columns, checks and indexes; no foreign keys or triggers).
import { randomBytes, randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import iconv from "iconv-lite";
import pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import {
  cpuAccount,
  cpuSnapshot,
  createEmptyDatabase,
  enableStatementProfile,
  findPostmaster,
  readStatementProfile,
  resetStatementProfile,
  uniqueSuffix,
  type CpuAccount,
  type StatementProfile,
  type TestDatabase,
} from "@rm/test-utils";
import { createCampaignFromRows } from "./create-campaign.ts";
import { parsePatientCsv, type PatientRow } from "./parse-patient-csv.ts";

export interface ImportBenchOptions {
  /** Row counts to run, in order (default 50,000 and 200,000). */
  sizes?: number[];
  /** A migrated database to use; default: a fresh one created from DATABASE_URL and dropped afterwards. */
  databaseUrl?: string;
  /** Track the fresh database's statements (pg_stat_statements) and report the costliest of each create step. */
  profileStatements?: boolean;
  log?: (line: string) => void;
}

export interface ImportBenchRun {
  rows: number;
  bytes: number;
  accepted: number;
  rejected: number;
  scheduled: number;
  /** parsePatientCsv: decode, parse, normalise phones and dates, dedupe, consent. */
  parseSeconds: number;
  /** createCampaignFromRows: the one transaction. */
  createSeconds: number;
  wallSeconds: number;
  rowsPerSecond: number;
  parseRowsPerSecond: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  /** Import rows/s ÷ raw COPY rows/s. */
  ratioToCopy: number;
  /** The floor: every row the import wrote, COPYed into tables like its own in one transaction. */
  copyAll: { seconds: number; rowsByTable: Record<string, number>; indexesByTable: Record<string, number> };
  /** copyAll.seconds ÷ createSeconds: the share of the import the rows alone cost. */
  createToCopyAll: number;
  peakRssMiB: number;
  /** Steps of createCampaignFromRows, ms. */
  createSteps: Record<string, number>;
  /**
   * PostgreSQL's work that does not depend on the machine's load: WAL written by the server during
   * createCampaignFromRows, and the growth of the import's tables' indexes, per accepted patient
   * (the server must be otherwise idle for the WAL figure: it is server-wide).
   */
  walBytesPerPatient: number;
  indexBytesPerPatient: number;
  /** Where the machine's CPU went during createCampaignFromRows: this process (JS), PostgreSQL, idle. */
  cpuAccount: CpuAccount;
  /** With profileStatements: PostgreSQL's costliest statements of the create step. */
  statements?: StatementProfile;
}

/** The tables an import writes (their indexes are what it pays per patient). */
const IMPORT_TABLES = ["contacts", "patients", "messages", "outbox", "credit_ledger_entries", "consent_events", "analytics_deltas"];

async function walAndIndexBytes(em: ReturnType<MikroORM["em"]["fork"]>): Promise<{ lsn: string; indexBytes: number }> {
  const [row] = await em.execute<{ lsn: string; index_bytes: string }[]>(
    `select pg_current_wal_lsn()::text as lsn,
            (select coalesce(sum(pg_relation_size(x.indexrelid)), 0) from pg_index x join pg_class c on c.oid = x.indrelid
              where c.relname = any(?::text[]) and c.relnamespace = 'public'::regnamespace)::text as index_bytes`,
    [`{${IMPORT_TABLES.join(",")}}`],
  );
  return { lsn: row!.lsn, indexBytes: Number(row!.index_bytes) };
}

export interface ImportBenchReport {
  bench: "import";
  date: string;
  cpus: number;
  runs: ImportBenchRun[];
}

const FIRST = ["José", "María", "Andrés", "Lucía", "Ramón", "Begoña", "Iñaki", "Rocío", "Óscar", "Inés", "Juan", "Ana", "Luis", "Carmen", "Raúl", "Nuria"];
const LAST = ["Muñoz", "Peña", "Ibáñez", "Cárdenas", "Zúñiga", "Loján", "Ávila", "Salazar", "Tapia", "Ortiz", "Quispe", "Andrade", "Ramírez", "García"];

/** Bytes of an Excel-exported patient list of `n` rows; about 1 row in 200 is broken on purpose. */
export function generateExcelCsv(n: number, now: Date): Buffer {
  const lines = ["Nombre;Teléfono;Fecha cita;Hora;Consentimiento;Canal;Médico;Historia clínica"];
  const day = (offset: number) => {
    const d = new Date(now.getTime() - offset * 86_400_000);
    return `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
  };
  const days = [day(0), day(1), day(2)];
  for (let i = 0; i < n; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${LAST[(i * 3) % LAST.length]}`;
    // 09 + 8 digits: unique Ecuadorian mobiles; some without the leading 0, as Excel drops it.
    const national = `9${String(80_000_000 + i).padStart(8, "0")}`;
    let phone = i % 5 === 0 ? national : `0${national}`;
    let date = days[i % 3]!;
    if (i % 400 === 17) phone = "sin teléfono";
    if (i % 400 === 211) date = "31/02/2026";
    const time = `${String(8 + (i % 11)).padStart(2, "0")}:${String((i * 5) % 60).padStart(2, "0")}`;
    const consent = i % 20 === 0 ? "no" : i % 3 === 0 ? "x" : "sí";
    const channel = i % 5 === 1 ? "SMS" : "WhatsApp";
    lines.push(`${name};${phone};${date};${time};${consent};${channel};Dra. Peña;HC-${i}`);
  }
  return iconv.encode(`${lines.join("\r\n")}\r\n`, "win1252");
}

async function* upload(bytes: Buffer, chunk = 64 * 1024): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
}

function peakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** COPY of the same rows into a table like `patients` (LIKE … INCLUDING ALL: defaults, checks, indexes). */
async function rawCopy(url: string, rows: readonly PatientRow[], workspaceId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("drop table if exists bench_patients_copy");
    await client.query("create table bench_patients_copy (like patients including all)");
    const campaignId = randomUUID();
    const started = performance.now();
    const tokens = randomBytes(32 * rows.length);
    const lines = function* () {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        yield `${randomUUID()},${workspaceId},${campaignId},${randomUUID()},${csvField(r.name)},${r.phone},${r.appointmentAt.toISOString()},${r.channel ?? "WHATSAPP"},${r.consent},SCHEDULED,${tokens.subarray(i * 32, i * 32 + 32).toString("base64url")}\n`;
      }
    };
    const stream = client.query(
      copyFrom("copy bench_patients_copy (id, workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, public_token) from stdin with (format csv)"),
    );
    await pipeline(Readable.from(lines(), { objectMode: false }), stream);
    const seconds = (performance.now() - started) / 1000;
    await client.query("drop table bench_patients_copy");
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * The import's own rows, COPYed again: each table's rows of the workspace read out in binary, then
 * written in one transaction into `LIKE … INCLUDING ALL` copies (indexes, checks, defaults; foreign
 * keys and triggers are not copied). Timed from the first COPY FROM to the commit.
 */
async function rawCopyAll(url: string, workspaceId: string): Promise<ImportBenchRun["copyAll"]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const tables = IMPORT_TABLES;
  try {
    const dumps: { table: string; columns: string; data: Buffer[]; rows: number }[] = [];
    const indexesByTable: Record<string, number> = {};
    for (const table of tables) {
      const { rows: cols } = await client.query<{ name: string }>(
        "select quote_ident(column_name) as name from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position",
        [table],
      );
      const columns = cols.map((c) => c.name).join(", ");
      const { rows: n } = await client.query<{ n: number }>(`select count(*)::int as n from ${table} where workspace_id = $1`, [workspaceId]);
      const { rows: ix } = await client.query<{ n: number }>("select count(*)::int as n from pg_indexes where schemaname = 'public' and tablename = $1", [table]);
      indexesByTable[table] = ix[0]!.n;
      const data: Buffer[] = [];
      const out = client.query(copyTo(`copy (select ${columns} from ${table} where workspace_id = '${workspaceId}') to stdout with (format binary)`));
      for await (const chunk of out) data.push(chunk as Buffer);
      dumps.push({ table, columns, data, rows: n[0]!.n });
    }
    for (const { table } of dumps) {
      await client.query(`drop table if exists bench_copy_${table}`);
      await client.query(`create table bench_copy_${table} (like ${table} including all)`);
    }
    const started = performance.now();
    await client.query("begin");
    for (const d of dumps) {
      await pipeline(Readable.from(d.data), client.query(copyFrom(`copy bench_copy_${d.table} (${d.columns}) from stdin with (format binary)`)));
    }
    await client.query("commit");
    const seconds = (performance.now() - started) / 1000;
    for (const { table } of dumps) await client.query(`drop table bench_copy_${table}`);
    return { seconds: round(seconds), rowsByTable: Object.fromEntries(dumps.map((d) => [d.table, d.rows])), indexesByTable };
  } finally {
    await client.end();
  }
}

export async function runImportBench(o: ImportBenchOptions = {}): Promise<ImportBenchReport> {
  const log = o.log ?? (() => {});
  const sizes = o.sizes ?? [50_000, 200_000];
  let db: TestDatabase | null = null;
  let url = o.databaseUrl;
  if (!url) {
    if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must be set (run through `npm run bench:import`, which starts the local services)");
    db = await createEmptyDatabase(`rm_bench_import_${uniqueSuffix()}`);
    url = db.url;
  }
  // Before the ORM connects: the setting applies to sessions opened afterwards.
  const profiling = o.profileStatements ? await enableStatementProfile(url) : false;
  const orm = await initOrm({ databaseUrl: url, poolMax: 4 });
  const postmasterPid = await findPostmaster(orm);
  const runs: ImportBenchRun[] = [];
  try {
    for (const n of sizes) {
      const now = new Date();
      const em = orm.em.fork();
      const [ws] = await em.execute<{ id: string }[]>("insert into workspaces (name, plan) values (?, 'PROFESSIONAL') returning id", [`Bench ${n}`]);
      const workspaceId = ws!.id;
      const [owner] = await em.execute<{ id: string }[]>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Dra. Peña', 'OWNER', 'x') returning id", [
        workspaceId,
        `bench-${workspaceId}@example.com`,
      ]);
      const [practice] = await em.execute<{ id: string }[]>("insert into practices (workspace_id, name) values (?, 'Consultorio Centro') returning id", [workspaceId]);
      await grantCredits(em, { workspaceId, amount: n * 10, reference: `bench:${workspaceId}` });

      const bytes = generateExcelCsv(n, now);
      log(`${n} rows: ${(bytes.length / 1024 / 1024).toFixed(1)} MiB generated`);
      const t0 = performance.now();
      const parsed = await parsePatientCsv(upload(bytes), { maxRows: n, maxBytes: bytes.length + 1 });
      const t1 = performance.now();
      if (!parsed.ok) throw new Error(`bench CSV was refused: ${parsed.fatal?.message}`);
      const before = await walAndIndexBytes(orm.em.fork());
      if (profiling) await resetStatementProfile(url);
      const snapshot = () => cpuSnapshot({ apps: () => ({}), postmasterPid, redis: null });
      const cpuBefore = await snapshot();
      // The measuring statements are left out of the timings.
      const tCreate = performance.now();
      const created = await createCampaignFromRows(orm, {
        workspaceId,
        practiceId: practice!.id,
        assignedDoctorId: owner!.id,
        createdById: owner!.id,
        name: `Bench ${n}`,
        rows: parsed.accepted,
        publicUrl: "https://rm.example",
        now,
      });
      const t2 = performance.now();
      const account = cpuAccount(cpuBefore, await snapshot(), "import JS (this process)");
      const statements = profiling ? await readStatementProfile(url) : undefined;
      const after = await walAndIndexBytes(orm.em.fork());
      const [wal] = await orm.em.fork().execute<{ d: string }[]>("select pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::text as d", [after.lsn, before.lsn]);
      const patients = parsed.accepted.length;
      log(`${n} rows: parsed in ${((t1 - t0) / 1000).toFixed(2)} s, campaign in ${((t2 - tCreate) / 1000).toFixed(2)} s (${Object.entries(created.timingsMs).map(([k, v]) => `${k} ${v} ms`).join(", ")})`);
      const copySeconds = await rawCopy(url, parsed.accepted, workspaceId);
      log(`${n} rows: raw COPY in ${copySeconds.toFixed(2)} s`);
      const copyAll = await rawCopyAll(url, workspaceId);
      log(`${n} rows: every row the import wrote, COPYed into tables like its own, in ${copyAll.seconds.toFixed(2)} s (${Object.entries(copyAll.rowsByTable).map(([t, r]) => `${t} ${r}`).join(", ")})`);
      const wallSeconds = (t1 - t0 + (t2 - tCreate)) / 1000;
      const rowsPerSecond = n / wallSeconds;
      const copyRowsPerSecond = parsed.accepted.length / copySeconds;
      runs.push({
        rows: n,
        bytes: bytes.length,
        accepted: parsed.counts.accepted,
        rejected: parsed.counts.rejected,
        scheduled: created.counts.scheduled,
        parseSeconds: round((t1 - t0) / 1000),
        createSeconds: round((t2 - tCreate) / 1000),
        wallSeconds: round(wallSeconds),
        rowsPerSecond: Math.round(rowsPerSecond),
        parseRowsPerSecond: Math.round(n / ((t1 - t0) / 1000)),
        copySeconds: round(copySeconds),
        copyRowsPerSecond: Math.round(copyRowsPerSecond),
        ratioToCopy: round(rowsPerSecond / copyRowsPerSecond),
        copyAll,
        createToCopyAll: round(copyAll.seconds / ((t2 - tCreate) / 1000)),
        peakRssMiB: peakRssMiB(),
        createSteps: created.timingsMs,
        walBytesPerPatient: Math.round(Number(wal!.d) / patients),
        indexBytesPerPatient: Math.round((after.indexBytes - before.indexBytes) / patients),
        cpuAccount: account,
        ...(statements ? { statements } : {}),
      });
    }
  } finally {
    await orm.close(true);
    await db?.drop();
  }
  return { bench: "import", date: new Date().toISOString(), cpus: (await import("node:os")).availableParallelism(), runs };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function formatImportReport(report: ImportBenchReport): string {
  const head = ["rows", "parse s", "parse rows/s", "create s", "wall s", "rows/s", "COPY s", "COPY rows/s", "import/COPY", "COPY all s", "COPY all/create", "peak RSS MiB", "WAL B/patient", "index B/patient"];
  const body = report.runs.map((r) => [
    r.rows.toLocaleString("en"),
    r.parseSeconds.toFixed(2),
    r.parseRowsPerSecond.toLocaleString("en"),
    r.createSeconds.toFixed(2),
    r.wallSeconds.toFixed(2),
    r.rowsPerSecond.toLocaleString("en"),
    r.copySeconds.toFixed(2),
    r.copyRowsPerSecond.toLocaleString("en"),
    `${(r.ratioToCopy * 100).toFixed(1)} %`,
    r.copyAll.seconds.toFixed(2),
    `${(r.createToCopyAll * 100).toFixed(1)} %`,
    r.peakRssMiB.toFixed(0),
    r.walBytesPerPatient.toLocaleString("en"),
    r.indexBytesPerPatient.toLocaleString("en"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(head), ...body.map(line)].join("\n");
}
