// The send path's settle reads what settled its holds before by the holds' ids (decision 041):
// the one index on related_entry_id serves it whatever the statistics say. The case the benchmark
// hit: a ledger analyzed while it held one row, then an import's holds and the first sends'
// settlements written into it; the lookup by workspace and reference walked the whole workspace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";
import { settleHoldsBulk, SETTLED_BEFORE_SQL } from "../src/index.ts";

let t: TestOrm;
let workspaceId: string;
const sql = <T extends object = Record<string, unknown>>(q: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, params);
const holdId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

beforeAll(async () => {
  t = await createTestOrm(4);
  await sql("alter table credit_ledger_entries set (autovacuum_enabled = false)");
  ({ workspaceId } = await makeTenant(t.orm));
  await sql("insert into credit_ledger_entries (workspace_id, kind, amount, reference) values (?, 'grant', 100000, 'grant:big')", [workspaceId]);
  await sql("analyze credit_ledger_entries");
  await sql("insert into credit_ledger_entries (id, workspace_id, kind, amount, reference) select ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, ?, 'hold', -2, 'message:' || g from generate_series(1, 20000) g", [workspaceId]);
  for (const kind of ["release", "deduct"]) {
    await sql(
      `insert into credit_ledger_entries (workspace_id, kind, amount, reference, related_entry_id)
       select ?, ?::text, ?::int, ? || 'message:' || g, ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid
         from generate_series(1, 15000) g`,
      [workspaceId, kind, kind === "release" ? 2 : -1, kind === "release" ? "settle:" : ""],
    );
  }
}, 60_000);
afterAll(async () => t?.close());

describe("the settle's lookups on a young ledger", () => {
  it("finds earlier settlements through the related-entry index, not a scan of the workspace", async () => {
    const ids = `{${Array.from({ length: 100 }, (_, i) => holdId(15_001 + i)).join(",")}}`;
    const plan = (await sql<{ "QUERY PLAN": string }>(`explain ${SETTLED_BEFORE_SQL}`, [ids])).map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("credit_ledger_related_idx");
    expect(plan).not.toContain("Seq Scan");
  });

  it("settles unsettled holds once and recognises the settled ones as replays", async () => {
    const item = (i: number) => ({ workspaceId, amount: 1, reference: `message:${i}`, holdReference: `message:${i}`, keepRemainder: true });
    const first = await t.orm.em.fork().transactional((tem) => settleHoldsBulk(tem, [item(14_999), item(15_000), item(15_001), item(15_002)]));
    expect(first.settled).toHaveLength(4);
    expect(first.rest).toHaveLength(0);
    const rows = await sql<{ n: number }>("select count(*)::int as n from credit_ledger_entries where workspace_id = ? and kind = 'deduct' and reference = any(?::text[])", [
      workspaceId,
      "{message:14999,message:15000,message:15001,message:15002}",
    ]);
    // Two were deducted before the call (replays: nothing new), two now.
    expect(rows[0]!.n).toBe(4);
    const again = await t.orm.em.fork().transactional((tem) => settleHoldsBulk(tem, [item(15_001), item(15_002)]));
    expect(again.settled).toHaveLength(2);
    const after = await sql<{ n: number }>("select count(*)::int as n from credit_ledger_entries where workspace_id = ? and kind in ('deduct', 'release')", [workspaceId]);
    expect(after[0]!.n).toBe(30_000 + 4);
  });
});
