// Raw ceilings of the parts the pipeline is made of, measured on the same servers in the same run,
// so the pipeline's figure reads as a fraction of what Redis and PostgreSQL alone can do here.
import type { Redis } from "ioredis";
import pg from "pg";

export interface RawCeilings {
  /** Pipelined XADD, then XREADGROUP COUNT 1000 + XACK of the same entries: entries per second through all three. */
  redisStreamPerSecond: number;
  /** One-row INSERT commits from 8 clients (fsync on): commits per second. */
  pgSingleRowCommitsPerSecond: number;
  /** Multi-row INSERTs of 1,000 rows per statement, one client: rows per second. */
  pgBatchInsertRowsPerSecond: number;
}

const PAYLOAD = JSON.stringify({ messageId: "00000000-0000-4000-8000-000000000000", workspaceId: "00000000-0000-4000-8000-000000000001" });

export async function measureRawCeilings(o: { redis: Redis; databaseUrl: string; prefix: string; entries?: number; seconds?: number }): Promise<RawCeilings> {
  return {
    redisStreamPerSecond: await measureRedisStreams(o.redis, `${o.prefix}raw-ceiling`, o.entries ?? 50_000),
    pgSingleRowCommitsPerSecond: await measurePgCommits(o.databaseUrl, o.seconds ?? 3),
    pgBatchInsertRowsPerSecond: await measurePgBatchInsert(o.databaseUrl, (o.entries ?? 50_000) * 2),
  };
}

async function measureRedisStreams(redis: Redis, key: string, n: number): Promise<number> {
  await redis.del(key);
  await redis.xgroup("CREATE", key, "g", "0", "MKSTREAM");
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1000) {
    const p = redis.pipeline();
    for (let k = i; k < Math.min(n, i + 1000); k++) p.xadd(key, "*", "type", "message.send", "payload", PAYLOAD);
    await p.exec();
  }
  let read = 0;
  while (read < n) {
    const res = (await redis.xreadgroup("GROUP", "g", "c", "COUNT", 1000, "STREAMS", key, ">")) as [string, [string, string[]][]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    if (entries.length === 0) break;
    read += entries.length;
    await redis.xack(key, "g", ...entries.map(([id]) => id));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await redis.del(key);
  return read / seconds;
}

async function measurePgCommits(databaseUrl: string, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  try {
    await pool.query("create table if not exists bench_raw_commit (id bigserial primary key, payload text not null, created_at timestamptz not null default now())");
    const until = Date.now() + seconds * 1000;
    let commits = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = await pool.connect();
        try {
          while (Date.now() < until) {
            await client.query("insert into bench_raw_commit (payload) values ($1)", [PAYLOAD]);
            commits++;
          }
        } finally {
          client.release();
        }
      }),
    );
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    await pool.query("drop table bench_raw_commit");
    return commits / elapsed;
  } finally {
    await pool.end();
  }
}

async function measurePgBatchInsert(databaseUrl: string, rows: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("create table if not exists bench_raw_batch (id bigserial primary key, payload text not null, created_at timestamptz not null default now())");
    const payloads = Array.from({ length: 1000 }, () => PAYLOAD);
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows; i += 1000) {
      await client.query("insert into bench_raw_batch (payload) select unnest($1::text[])", [payloads]);
    }
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query("drop table bench_raw_batch");
    return rows / elapsed;
  } finally {
    await client.end();
  }
}
