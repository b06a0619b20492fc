// Runs once per `vitest run`: checks the local services and migrates a template database of this
// run's own, which every test file copies (createTestDatabase). Names carry the run's start time
// (`rm_test_<epoch36>_<rand>_…`), so concurrent runs never touch each other's databases and
// leftovers of interrupted runs are recognisable and dropped once they are old.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import { databaseUrl } from "./env.ts";

const LEFTOVER_AGE_MS = 2 * 60 * 60 * 1000;

export default async function setup(): Promise<() => Promise<void>> {
  process.env.TZ = "UTC";
  const base = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!base || !redisUrl) {
    throw new Error("DATABASE_URL and REDIS_URL must be set: run the tests with `npm test` (it starts PostgreSQL and Redis)");
  }

  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis at ${redisUrl} does not answer (${String(err)}); integration tests need it`);
  } finally {
    redis.disconnect();
  }

  const run = `rm_test_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(3).toString("hex")}`;
  const template = `${run}_template`;
  // Test workers are started after this and inherit the environment.
  process.env.RM_TEST_TEMPLATE = template;

  const adminUrl = databaseUrl(base, "postgres");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'rm\\_test\\_%'");
    for (const { datname } of rows) {
      const started = parseInt(datname.split("_")[2] ?? "", 36) * 1000;
      if (Number.isFinite(started) && Date.now() - started > LEFTOVER_AGE_MS) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }

  const { migrateUp } = await import("@rm/db");
  await migrateUp(databaseUrl(base, template));

  return async function teardown() {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${run.replace(/_/g, "\\_")}\\_%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
}
