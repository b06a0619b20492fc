import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { OutboxGroupInserter, type OutboxInsertRow } from "../src/webhooks/outbox-group-insert.ts";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
  // Dropping the database at the end terminates idle connections; the pool reports that as an error.
  pool.on("error", () => {});
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(async () => {
  await pool.query("DELETE FROM outbox");
});

const row = (key: string, payload = JSON.stringify({ key })): OutboxInsertRow => ({
  stream: "provider-status",
  type: "twilio.status",
  payload,
  idempotencyKey: key,
  availableAt: new Date("2026-11-23T12:00:00Z"),
  traceContext: null,
});

/** Counts the statements the inserter sends, to see that concurrent rows share them. */
function countingPool(): { pool: Pick<pg.Pool, "query">; statements: () => number } {
  let statements = 0;
  return {
    pool: { query: ((...args: Parameters<pg.Pool["query"]>) => (statements++, (pool.query as (...a: unknown[]) => unknown)(...args))) as pg.Pool["query"] },
    statements: () => statements,
  };
}

describe("webhook group commit", () => {
  it("stores 300 concurrent rows in far fewer statements, each committed before it resolves", async () => {
    const counting = countingPool();
    const inserter = new OutboxGroupInserter({ pool: counting.pool, maxInFlight: 2 });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => inserter.insert(row(`k${i}`))));
    expect(results.every((r) => r === true)).toBe(true);
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from outbox");
    expect(rows[0]!.n).toBe(300);
    expect(counting.statements()).toBeLessThan(30);
  });

  it("reports duplicates: already stored, and the same key twice in one batch", async () => {
    const inserter = new OutboxGroupInserter({ pool });
    expect(await inserter.insert(row("dup"))).toBe(true);
    const again = await Promise.all([inserter.insert(row("dup")), inserter.insert(row("twin")), inserter.insert(row("twin"))]);
    expect(again[0]).toBe(false);
    expect(again.slice(1).sort()).toEqual([false, true]);
    const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from outbox");
    expect(rows[0]!.n).toBe(2);
  });

  it("a row the database rejects fails alone; its batch neighbours are stored", async () => {
    const inserter = new OutboxGroupInserter({ pool, maxInFlight: 1 });
    // jsonb refuses \u0000: this row can never be stored.
    const bad = JSON.stringify({ body: "a\u0000b" });
    const outcomes = await Promise.allSettled([inserter.insert(row("a")), inserter.insert(row("b")), inserter.insert(row("bad", bad)), inserter.insert(row("c"))]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const { rows } = await pool.query<{ key: string }>("select idempotency_key as key from outbox order by 1");
    expect(rows.map((r) => r.key)).toEqual(["a", "b", "c"]);
  });
});
