// The dashboard's reads of `patients` keep an index after the import's index diet (decision 036):
// patients_analytics_idx holds rated patients only, and a campaign's patients as a whole come from
// patients_campaign_appointment_idx. Plans are taken with sequential scans priced out, so a statement
// that no index can serve shows a Seq Scan on patients whatever the table's size.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { seedAnalytics, type SeedResult } from "../src/index.ts";
import { bindParams, dashboardQueries } from "../src/queries.ts";

let t: TestOrm;
let client: pg.Client;
let seeded: SeedResult;

beforeAll(async () => {
  t = await createTestOrm(2);
  client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  seeded = await seedAnalytics(client, { messages: 3000, end: new Date("2026-12-01T00:00:00Z"), practices: 4, campaigns: 20, doctors: 4 });
  await client.query("analyze");
}, 60_000);
afterAll(async () => {
  await client?.end();
  await t?.close();
});

/** The plan's text for one dashboard statement, `?` turned into $n. */
async function planOf(sql: string, params: unknown[]): Promise<string> {
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  await client.query("begin");
  try {
    await client.query("set local enable_seqscan = off");
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`explain ${text}`, params);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.query("rollback");
  }
}

describe("the dashboard's plans on patients", () => {
  const settings = { timezone: "America/Guayaquil", openPolicy: true };
  it("the live requests and ratings (whole workspace, one practice) read patients on an index", async () => {
    for (const filters of [{}, { practiceId: seeded.practiceIds[0]! }]) {
      const q = dashboardQueries(filters, settings, "live").find((x) => x.name === "requests")!;
      const plan = await planOf(q.sql, [seeded.workspaceId, ...bindParams(q, seeded.workspaceId)]);
      expect(plan, JSON.stringify(filters)).toMatch(/(Index (Only )?Scan|Bitmap Index Scan) (using|on) patients_\w+/);
      expect(plan, JSON.stringify(filters)).not.toMatch(/Seq Scan on patients/);
    }
  });

  it("a practice's and a doctor's inbox find their campaigns' patients on an index, not by reading every patient", async () => {
    const [{ id: doctorId }] = (await client.query<{ id: string }>("select doctor_id as id from patients where doctor_id is not null limit 1")).rows as [{ id: string }];
    for (const filters of [{ practiceId: seeded.practiceIds[0]! }, { doctorId }]) {
      const q = dashboardQueries(filters, settings).find((x) => x.name === "feedback")!;
      const plan = await planOf(q.sql, [seeded.workspaceId, ...bindParams(q, seeded.workspaceId)]);
      expect(plan, JSON.stringify(filters)).toMatch(/(Index (Only )?Scan|Bitmap Index Scan) (using|on) patients_\w+/);
      expect(plan, JSON.stringify(filters)).not.toMatch(/Seq Scan on patients/);
    }
  });
});
