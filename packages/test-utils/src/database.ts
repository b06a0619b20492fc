import { randomBytes } from "node:crypto";
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm, migrateUp } from "@rm/db";
import pg from "pg";
import { databaseUrl, requireEnv, templateDatabase } from "./env.ts";

export interface TestDatabase {
  /** Connection URL of a fresh, migrated database of this test file's own. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, copied from the template the global setup migrated
 * (CREATE DATABASE … TEMPLATE takes ~50 ms, far cheaper than migrating each time).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = databaseUrl(requireEnv("DATABASE_URL"), "postgres");
  const template = templateDatabase();
  const name = `${template.replace(/_template$/, "")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Copying a template fails while anyone is connected to it; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        if (attempt >= 20 || !String(err).includes("being accessed by other users")) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}

/** A test database of the file's own (createTestDatabase) and an ORM on it; `close` ends both. */
export interface TestOrm {
  db: TestDatabase;
  orm: MikroORM;
  close(): Promise<void>;
}

export async function createTestOrm(poolMax = 10): Promise<TestOrm> {
  const db = await createTestDatabase();
  const orm = await initOrm({ databaseUrl: db.url, poolMax });
  return {
    db,
    orm,
    async close() {
      await orm.close(true);
      await db.drop();
    },
  };
}

/** Unique enough for a database or key prefix: the time in base 36 and 6 random hex digits. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
}

/**
 * A brand-new database `name` on the server of DATABASE_URL (not a template copy), migrated unless
 * `migrate: false`: for benchmarks and harness runs, and for tests of the migrations themselves.
 */
export async function createEmptyDatabase(name: string, o: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = requireEnv("DATABASE_URL");
  const adminUrl = databaseUrl(base, "postgres");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const db: TestDatabase = { name, url: databaseUrl(base, name), drop: () => dropDatabase(adminUrl, name) };
  if (o.migrate ?? true) {
    try {
      await migrateUp(db.url);
    } catch (err) {
      await db.drop();
      throw err;
    }
  }
  return db;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    // Pools and ORMs the caller closed may still be closing their sockets (pool.end() resolves
    // first). A forced drop would send those connections a FATAL error that nobody listens for
    // any more — an unhandled error that fails the whole run. Let them go first (2 s at most).
    for (let i = 0; i < 40; i++) {
      const { rows } = await c.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}
