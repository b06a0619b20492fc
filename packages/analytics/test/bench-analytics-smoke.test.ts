import { existsSync, readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAnalyticsBench } from "../src/bench/run.ts";

// A tiny run of `npm run bench:analytics`: seeds 5,000 messages in a database of its own, builds the
// rollup, leaves some changes unfolded, times the loader and writes the plan of its slowest statement. Checks that it works, not its numbers.
const outDir = mkdtempSync(join(tmpdir(), "rm-bench-analytics-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("analytics benchmark (smoke)", () => {
  it("seeds exactly the asked volume, loads every scenario and saves the plan of the slowest statement", async () => {
    const r = await runAnalyticsBench({ messages: 5000, runs: 3, outDir });
    expect(r.messages).toBe(5000);
    expect(r.patients).toBeGreaterThan(2000);
    expect(r.consistent).toBe(true);
    expect(r.scenarios.map((s) => s.name)).toEqual(["workspace, all time", "one practice, all time", "workspace, last 30 days", "one doctor, last 30 days", "workspace, all time (live aggregate)"]);
    // The rollup was built, then changes were left unfolded for the loader to read as deltas; the
    // loader's figures still equal plain counts and the live aggregate (r.consistent above).
    expect(r.rollupRows).toBeGreaterThan(0);
    expect(r.pending.deltas).toBeGreaterThan(0);
    expect(r.scenarios[4]).toMatchObject({ source: "live", sent: r.scenarios[0]!.sent, nps: r.scenarios[0]!.nps });
    const [all, practice, month] = r.scenarios as [(typeof r.scenarios)[0], (typeof r.scenarios)[0], (typeof r.scenarios)[0]];
    // Filters narrow the figures: one practice of ten, one month of six.
    expect(practice.sent).toBeLessThan(all.sent / 5);
    expect(month.sent).toBeLessThan(all.sent / 3);
    expect(month.sent).toBeGreaterThan(0);
    // The seeded ratings are mostly 4–5 with some detractors: a clearly positive NPS below 100.
    expect(all.nps).toBeGreaterThan(40);
    expect(all.nps).toBeLessThan(100);
    for (const s of r.scenarios) expect(s.warm.runs).toBe(3);
    const plan = readFileSync(r.explainPath, "utf8");
    expect(plan).toMatch(/Execution Time: [\d.]+ ms/);
    expect(plan).toMatch(/Buffers: shared hit=/);
    expect(existsSync(r.resultPath)).toBe(true);
    expect(JSON.parse(readFileSync(r.resultPath, "utf8"))).toMatchObject({ bench: "analytics", messages: 5000 });
  }, 120_000);
});
