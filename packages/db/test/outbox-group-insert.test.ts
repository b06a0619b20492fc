import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { OutboxGroupInserter, type OutboxInsertRow } from "../src/index.ts";

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

  it("wakes the relay once its rows are committed; the trigger still wakes it for every other writer", async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    let notifications = 0;
    listener.on("notification", (n) => {
      if (n.channel === "outbox") notifications++;
    });
    await listener.query("LISTEN outbox");
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 5_000;
      while (notifications < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return notifications;
    };
    try {
      const inserter = new OutboxGroupInserter({ pool });
      await Promise.all([inserter.insert(row("w1")), inserter.insert(row("w2")), inserter.insert(row("w3"))]);
      expect(await waitFor(1)).toBeGreaterThanOrEqual(1);
      // (Its batches may announce twice: one wake-up in flight plus one for rows committed meanwhile.)
      await new Promise((r) => setTimeout(r, 300));

      // Any other insert (staff actions, the importer) is announced by the trigger as before…
      const before = notifications;
      await pool.query("INSERT INTO outbox (stream, type, payload, idempotency_key, available_at) VALUES ('dispatch', 'x', '{}', 'plain', now())");
      expect(await waitFor(before + 1)).toBe(before + 1);
      // …and a transaction that switched it off is silent (the inserter announces its rows itself).
      const quiet = await pool.connect();
      try {
        await quiet.query("BEGIN");
        await quiet.query("SELECT set_config('rm.outbox_notify', 'off', true)");
        await quiet.query("INSERT INTO outbox (stream, type, payload, idempotency_key, available_at) VALUES ('dispatch', 'x', '{}', 'quiet', now())");
        await quiet.query("COMMIT");
        // The setting was local to that transaction: the same connection notifies again afterwards.
        await quiet.query("INSERT INTO outbox (stream, type, payload, idempotency_key, available_at) VALUES ('dispatch', 'x', '{}', 'loud', now())");
      } finally {
        quiet.release();
      }
      expect(await waitFor(before + 2)).toBe(before + 2);
      await new Promise((r) => setTimeout(r, 200));
      expect(notifications).toBe(before + 2);
    } finally {
      await listener.end();
    }
  });
});
