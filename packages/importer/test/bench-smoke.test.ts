import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { formatImportReport, runImportBench } from "../src/bench-import.ts";

// A tiny run of `npm run bench:import`, so the benchmark keeps working. Numbers are not judged here.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

describe("import benchmark (smoke)", () => {
  it("imports the generated file through the upload path and measures the raw COPY", async () => {
    const report = await runImportBench({ sizes: [400], databaseUrl: db.url });
    expect(report.bench).toBe("import");
    const [run] = report.runs;
    expect(run!.rows).toBe(400);
    // The generator breaks 2 rows in 400 on purpose (a phone, a date).
    expect(run!.rejected).toBe(2);
    expect(run!.accepted).toBe(398);
    expect(run!.scheduled).toBeGreaterThan(350);
    expect(run!.rowsPerSecond).toBeGreaterThan(0);
    expect(run!.copyRowsPerSecond).toBeGreaterThan(0);
    expect(run!.ratioToCopy).toBeGreaterThan(0);
    // The floor copied exactly what the import wrote: one patient, message and hold per scheduled row.
    expect(run!.copyAll.rowsByTable.patients).toBe(398);
    expect(run!.copyAll.rowsByTable.messages).toBe(run!.scheduled);
    expect(run!.copyAll.rowsByTable.outbox).toBeGreaterThanOrEqual(run!.scheduled);
    expect(run!.copyAll.indexesByTable.contacts).toBeGreaterThan(1);
    expect(run!.copyAll.seconds).toBeGreaterThan(0);
    // Where the CPU went while the campaign was created: the import's JS and PostgreSQL, adding up to the machine.
    expect(Object.keys(run!.cpuAccount.cpuSeconds)).toEqual(expect.arrayContaining(["import JS (this process)", "postgres", "other"]));
    // Within what whole clock ticks can tell over a window this short (resolutionShare).
    const shares = Object.values(run!.cpuAccount.shareOfMachine).reduce((a, b) => a + b, 0) + run!.cpuAccount.idleShare;
    expect(Math.abs(shares - 1)).toBeLessThanOrEqual(Math.max(0.05, run!.cpuAccount.resolutionShare));
    expect(run!.peakRssMiB).toBeGreaterThan(0);
    // The steps of the one transaction, each timed (the report prints them).
    expect(Object.keys(run!.createSteps)).toEqual(expect.arrayContaining(["settings", "contacts", "plan", "holds", "campaign", "patients", "messages", "audit"]));
    const table = formatImportReport(report);
    expect(table.split("\n")).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ bench: "import", runs: [{ rows: 400 }] });
  }, 120_000);
});
