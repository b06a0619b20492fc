import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase, createTestRedis } from "../src/index.ts";

describe("test isolation", () => {
  it("gives each caller its own migrated database, dropped on request", async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    const ca = new pg.Client({ connectionString: a.url });
    await ca.connect();
    await ca.query("insert into workspaces (name) values ('only in a')");
    const { rows } = await ca.query("select count(*)::int as n from workspaces");
    await ca.end();
    expect(rows[0].n).toBe(1);
    const cb = new pg.Client({ connectionString: b.url });
    await cb.connect();
    expect((await cb.query("select count(*)::int as n from workspaces")).rows[0].n).toBe(0);
    await cb.end();
    await a.drop();
    await b.drop();
    const admin = new pg.Client({ connectionString: a.url.replace(/\/[^/]+$/, "/postgres") });
    await admin.connect();
    expect((await admin.query("select count(*)::int as n from pg_database where datname in ($1, $2)", [a.name, b.name])).rows[0].n).toBe(0);
    await admin.end();
  });

  it("keeps Redis keys under a prefix of their own and removes them on cleanup", async () => {
    const r1 = await createTestRedis();
    const r2 = await createTestRedis();
    expect(r1.prefix).not.toBe(r2.prefix);
    await r1.client.set(`${r1.prefix}k`, "1");
    await r2.client.set(`${r2.prefix}k`, "2");
    const probe = r2.client.duplicate();
    await r1.cleanup();
    expect(await probe.get(`${r1.prefix}k`)).toBeNull();
    expect(await probe.get(`${r2.prefix}k`)).toBe("2");
    probe.disconnect();
    await r2.cleanup();
  });
});
