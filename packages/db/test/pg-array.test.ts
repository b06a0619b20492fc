// pgArray's literal reads back in PostgreSQL as the values it was built from: quotes, backslashes,
// commas, braces, NULL, the word "NULL", empty strings, dates and numbers.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgArray } from "../src/index.ts";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

describe("pgArray", () => {
  it("round-trips text that needs escaping and text that does not", async () => {
    const values = ['say "hi"', "back\\slash", "a,b", "{braces}", "", "NULL", "plain", "ñandú 😀", null];
    const { rows } = await client.query<{ v: string | null }>("select unnest($1::text[]) as v", [pgArray(values)]);
    expect(rows.map((r) => r.v)).toEqual(values);
  });

  it("writes numbers, booleans and dates as PostgreSQL reads them", async () => {
    const at = new Date("2026-12-06T06:00:00.123Z");
    const { rows } = await client.query<{ n: number; b: boolean; d: Date }>(
      "select unnest($1::int[]) as n, unnest($2::bool[]) as b, unnest($3::timestamptz[]) as d",
      [pgArray([1, -2]), pgArray([true, false]), pgArray([at, at])],
    );
    expect(rows).toEqual([
      { n: 1, b: true, d: at },
      { n: -2, b: false, d: at },
    ]);
  });
});
