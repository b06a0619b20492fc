// The relay's statements keep their plans whatever the statistics say (decision 036). The case the
// benchmarks hit: a bulk insert of due rows into an outbox analyzed while its pending set was nearly
// empty. PostgreSQL then expects a few due rows and, left to itself, sorted every pending row for each
// claim (41 ms per claim of 500 at 50,000 pending, against 0.4 ms walking the claim index).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { OUTBOX_RELAY_BEGIN, OUTBOX_RELAY_STATEMENTS } from "../src/outbox-relay.ts";

let t: TestOrm;
let client: pg.Client;

beforeAll(async () => {
  t = await createTestOrm(2);
  client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  // Finished history and a few rows for later, analyzed; then 50,000 rows due at once.
  await client.query("insert into outbox (stream, type, payload, idempotency_key, available_at, status) select 'dispatch', 'x', '{}', 'old-' || g, now() - interval '1 day', 'done' from generate_series(1, 2000) g");
  await client.query("insert into outbox (stream, type, payload, idempotency_key, available_at) select 'dispatch', 'x', '{}', 'later-' || g, now() + interval '1 day' from generate_series(1, 20) g");
  await client.query("analyze outbox");
  await client.query("insert into outbox (stream, type, payload, idempotency_key, available_at) select 'dispatch', 'x', '{}', 'bulk-' || g, now() - interval '1 second' from generate_series(1, 50000) g");
}, 60_000);
afterAll(async () => {
  await client?.end();
  await t?.close();
});

async function explain(statement: { text: string }, values: unknown[], begin = OUTBOX_RELAY_BEGIN): Promise<string> {
  await client.query(begin);
  try {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`explain ${statement.text}`, values);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.query("rollback");
  }
}

describe("the relay's plans after a bulk insert", () => {
  it("the claim walks outbox_claim_idx in its order, sorting nothing", async () => {
    const plan = await explain(OUTBOX_RELAY_STATEMENTS.claim, [new Date(), 500]);
    expect(plan).toMatch(/Index Scan using outbox_claim_idx on outbox/);
    expect(plan).not.toMatch(/Sort|Bitmap|Seq Scan/);
  });

  it("a claim of 500 still takes the due rows oldest first (available_at, then id)", async () => {
    await client.query(OUTBOX_RELAY_BEGIN);
    try {
      const { rows } = await client.query<{ id: string }>(OUTBOX_RELAY_STATEMENTS.claim.text, [new Date(), 500]);
      const [{ first }] = (await client.query<{ first: string }>("select min(id)::text as first from outbox where idempotency_key like 'bulk-%'")).rows as [{ first: string }];
      expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 500 }, (_, i) => Number(first) + i));
    } finally {
      await client.query("rollback");
    }
  });

  it("the next due time and the backlog gauges read the partial indexes, never the finished rows", async () => {
    for (const [statement, values] of [[OUTBOX_RELAY_STATEMENTS.nextDue, [new Date()]], [OUTBOX_RELAY_STATEMENTS.backlog, [new Date()]]] as const) {
      const plan = await explain(statement, [...values], "begin; set local enable_seqscan = off");
      expect(plan).toMatch(/outbox_claim_idx/);
      expect(plan).not.toMatch(/Seq Scan/);
    }
    expect(await explain(OUTBOX_RELAY_STATEMENTS.backlog, [new Date()], "begin; set local enable_seqscan = off")).toMatch(/outbox_sweep_idx/);
  });
});
