import { assertScopedSql } from "@rm/db";
import { describe, expect, it } from "vitest";
import { dashboardQueries } from "../src/index.ts";

const TENANT_TABLES = ["messages", "patients", "campaigns", "practices", "review_clicks", "feedback", "users", "analytics_daily", "analytics_deltas"];

describe("dashboard statements", () => {
  const filterSets = [{}, { from: "2026-01-01", to: "2026-03-31" }, { practiceId: "00000000-0000-4000-8000-000000000001", doctorId: "00000000-0000-4000-8000-000000000002", campaignId: "00000000-0000-4000-8000-000000000003" }];
  for (const [filters, source] of filterSets.flatMap((f) => (["live", "rollup"] as const).map((s) => [f, s] as const))) {
    it(`scope every tenant table they read by the workspace (${source}, ${JSON.stringify(filters)})`, () => {
      for (const q of dashboardQueries(filters, { timezone: "America/Guayaquil", openPolicy: true }, source)) {
        // The workspace id is the first placeholder, as scopedQuery requires.
        expect(() => assertScopedSql(q.sql)).not.toThrow();
        const refs = [...q.sql.matchAll(/\b(?:from|join)\s+([a-z_]+)\s+([a-z]+)\b/g)].filter((m) => TENANT_TABLES.includes(m[1]!));
        expect(refs.length).toBeGreaterThan(0);
        for (const [, table, alias] of refs) {
          expect(q.sql, `${q.name}: ${table} ${alias}`).toMatch(new RegExp(`\\b${alias}\\.workspace_id = (\\?|[a-z]+\\.workspace_id)`));
        }
        // One parameter per placeholder (the workspace id is passed first by the loader).
        expect(q.sql.split("?").length - 1).toBe(q.params.length + 1);
      }
    });
  }
});
