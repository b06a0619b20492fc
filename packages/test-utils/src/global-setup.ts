// Runs once per `vitest run`: checks the local services and migrates the template database
// that every test file copies (createTestDatabase).
import pg from "pg";
import { Redis } from "ioredis";
import { databaseUrl, TEMPLATE_DATABASE } from "./env.ts";

export default async function setup(): Promise<void> {
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

  const admin = new pg.Client({ connectionString: databaseUrl(base, "postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
    // Leftovers of interrupted runs.
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'rm\\_test\\_%' AND datname <> $1", [TEMPLATE_DATABASE]);
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }

  const { migrateUp } = await import("@rm/db");
  await migrateUp(databaseUrl(base, TEMPLATE_DATABASE));
}
