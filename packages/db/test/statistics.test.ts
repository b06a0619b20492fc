// A bulk writer refreshes the statistics of the tables it grew (decision 041). The case the
// benchmarks hit: the credit ledger analyzed with one row, then an import's holds written into it;
// the send path's hold lookup by its unique key then walked the whole workspace (113 ms per batch of
// 100) until autovacuum came by.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { analyzeGrownTables } from "../src/statistics.ts";

let t: TestOrm;
let client: pg.Client;
let workspaceId: string;

const HOLD_LOOKUP = `explain select id from credit_ledger_entries
  where kind = 'hold' and (workspace_id, reference) in (select * from unnest($1::uuid[], $2::text[]))`;

async function holdLookupPlan(): Promise<string> {
  const refs = Array.from({ length: 100 }, (_, i) => `message:${15_001 + i}`);
  const { rows } = await client.query<{ "QUERY PLAN": string }>(HOLD_LOOKUP, [refs.map(() => workspaceId), refs]);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}

beforeAll(async () => {
  t = await createTestOrm(2);
  client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  await client.query("alter table credit_ledger_entries set (autovacuum_enabled = false)");
  workspaceId = (await client.query<{ id: string }>("insert into workspaces (name, plan) values ('Clínica', 'PROFESSIONAL') returning id")).rows[0]!.id;
  await client.query("insert into credit_ledger_entries (workspace_id, kind, amount, reference) values ($1, 'grant', 100000, 'grant:1')", [workspaceId]);
  await client.query("analyze credit_ledger_entries");
  // An import's holds, and the settlements of earlier sends.
  await client.query("insert into credit_ledger_entries (workspace_id, kind, amount, reference) select $1, 'hold', -2, 'message:' || g from generate_series(1, 20000) g", [workspaceId]);
  await client.query("insert into credit_ledger_entries (workspace_id, kind, amount, reference) select $1, 'deduct', -1, 'message:' || g from generate_series(1, 15000) g", [workspaceId]);
}, 60_000);
afterAll(async () => {
  await client?.end();
  await t?.close();
});

describe("analyzeGrownTables", () => {
  it("analyzes a table a write grew by half its known size, and the unique-key lookup gets its index back", async () => {
    expect(await holdLookupPlan()).not.toContain("credit_ledger_once_uq");
    expect(await analyzeGrownTables(t.orm.em.fork(), { credit_ledger_entries: 35_000 })).toEqual(["credit_ledger_entries"]);
    const { rows } = await client.query<{ reltuples: number }>("select reltuples from pg_class where relname = 'credit_ledger_entries'");
    expect(rows[0]!.reltuples).toBeGreaterThan(30_000);
    expect(await holdLookupPlan()).toContain("credit_ledger_once_uq");
  });

  it("leaves alone tables a write barely grew, small writes, and names that are not tables", async () => {
    const before = (await client.query<{ n: string }>("select analyze_count::text as n from pg_stat_user_tables where relname = 'credit_ledger_entries'")).rows[0]!.n;
    expect(await analyzeGrownTables(t.orm.em.fork(), { credit_ledger_entries: 5_000, outbox: 999, "outbox; drop table outbox": 5_000, no_such_table: 5_000 })).toEqual([]);
    const after = (await client.query<{ n: string }>("select analyze_count::text as n from pg_stat_user_tables where relname = 'credit_ledger_entries'")).rows[0]!.n;
    expect(after).toBe(before);
  });
});
