// The relay alone against the smallest loop that does its job, on the same rows and servers in the
// same run: claim N due rows FOR UPDATE SKIP LOCKED, XADD them pipelined, mark them published,
// commit. What the relay adds on top — stream kind and partition routing, trace context, metrics,
// LISTEN wake-ups, parking of unknown streams — is what the ratio prices.
//
// The loop runs twice: claiming 100 rows (the textbook loop) and claiming as many as the relay does;
// the ratio is taken against the faster of the two. Its ORDER BY names the table's columns: a bare
// `id` would sort by the `id::text` output column and defeat the claim index.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { OUTBOX_RELAY_BEGIN } from "@rm/db/outbox-relay";
import { cpuAccount, cpuSnapshot, findPostmaster, freePort, type CpuAccount, type RedisInfoClient } from "@rm/test-utils";
import { round, waitReady } from "../bench-util.ts";
import { ProcessManager } from "../processes.ts";
import type { RunEnv } from "../run-env.ts";

export interface RelayAloneReport {
  rows: number;
  /** The relay process (its production defaults but the bench's batch size): rows published per second. */
  relayRowsPerSecond: number;
  relayCpuSecondsPer1000: number;
  /** The minimal claim / pipelined XADD / mark / commit loop in one process: rows/s by claim size. */
  minimalLoopRowsPerSecond: Record<string, number>;
  /** Claim size of the relay (RELAY_BATCH_SIZE), and of the minimal loop the ratio is taken against. */
  relayBatchSize: number;
  baselineClaimSize: number;
  ratio: number;
  /** Where the CPU went while the relay drained the rows, and while the minimal loop (the relay's claim size) did. */
  cpuAccount: { relay: CpuAccount; minimalLoop: CpuAccount };
}

const KEY_PREFIX = "relay-alone:";

/** Writes `rows` due `message.send` rows of one workspace in one statement (the insert trigger NOTIFYs). */
async function seedDueRows(db: pg.Client, workspaceId: string, rows: number, keyPrefix = KEY_PREFIX): Promise<void> {
  await db.query(
    `insert into outbox (workspace_id, stream, type, payload, idempotency_key, status, available_at)
     select $1::uuid, 'dispatch', 'message.send', jsonb_build_object('messageId', gen_random_uuid()), $2 || g, 'pending', now() - interval '1 second'
       from generate_series(1, $3::int) g`,
    [workspaceId, keyPrefix, rows],
  );
}

async function clearRows(db: pg.Client): Promise<void> {
  await db.query("delete from outbox where idempotency_key like $1 or idempotency_key like 'relay-alone-warm:%'", [`${KEY_PREFIX}%`]);
  await db.query("vacuum (analyze) outbox");
}

async function waitDrained(db: pg.Client, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { rows } = await db.query<{ pending: boolean }>("select exists (select 1 from outbox where status = 'pending' and available_at <= now()) as pending");
    if (!rows[0]!.pending) return;
    if (Date.now() > deadline) throw new Error("relay-alone: rows still pending at the deadline");
    await sleep(10);
  }
}

async function minimalLoop(env: RunEnv, claim: number): Promise<number> {
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const key = `${env.prefix}relay-alone-minimal`;
  let published = 0;
  try {
    for (;;) {
      // The relay's own plan-stable transaction (decision 036): both loops walk the claim index, so
      // the ratio measures the relay's work, not which of them the planner happened to favour.
      await db.query(OUTBOX_RELAY_BEGIN);
      const { rows } = await db.query<{ id: string; type: string; payload: string }>(
        "select id::text, type, payload::text as payload from outbox where status = 'pending' and available_at <= now() order by outbox.available_at, outbox.id limit $1 for update skip locked",
        [claim],
      );
      if (rows.length === 0) {
        await db.query("commit");
        return published;
      }
      const p = env.redis.pipeline();
      for (const r of rows) p.xadd(key, "*", "outboxId", r.id, "type", r.type, "payload", r.payload);
      await p.exec();
      await db.query("update outbox set status = 'published', published_at = now() where id = any($1::bigint[])", [rows.map((r) => r.id)]);
      await db.query("commit");
      published += rows.length;
    }
  } finally {
    await db.end();
    await env.redis.del(key);
  }
}

async function unlinkMatching(env: RunEnv, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await env.redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length) await env.redis.unlink(...keys);
  } while (cursor !== "0");
}

export async function measureRelayAlone(env: RunEnv, o: { rows: number; workspaceId: string; logDir: string; log?: (line: string) => void }): Promise<RelayAloneReport> {
  const log = o.log ?? (() => {});
  const db = new pg.Client({ connectionString: env.databaseUrl });
  await db.connect();
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/relay-alone-${env.id}` });
  try {
    // The pipeline run's periodic jobs (sweep and analytics fold every minute) leave the row of their
    // next slot pending; one that fell due after its processes stopped would be claimed here too.
    await db.query("update outbox set status = 'cancelled', last_error = 'left by the pipeline run; not part of the relay-alone measurement' where status = 'pending'");
    const relayBatchSize = Number(env.processEnv.RELAY_BATCH_SIZE ?? 500);
    const postmasterPid = await findPostmaster(env.orm);
    const snapshot = () => cpuSnapshot({ apps: () => pm.cpuByApp(), postmasterPid, redis: env.redis as RedisInfoClient });
    let minimalAccount: CpuAccount | null = null;
    const minimalLoopRowsPerSecond: Record<string, number> = {};
    let best = { claim: 0, rate: 0 };
    for (const claim of [...new Set([100, relayBatchSize])]) {
      await clearRows(db);
      await seedDueRows(db, o.workspaceId, o.rows);
      const before = await snapshot();
      const t = process.hrtime.bigint();
      const minimal = await minimalLoop(env, claim);
      const rate = o.rows / (Number(process.hrtime.bigint() - t) / 1e9);
      if (claim === relayBatchSize) minimalAccount = cpuAccount(before, await snapshot(), "bench: the minimal loop");
      if (minimal !== o.rows) throw new Error(`relay-alone: the minimal loop published ${minimal} of ${o.rows} rows`);
      minimalLoopRowsPerSecond[String(claim)] = Math.round(rate);
      if (rate > best.rate) best = { claim, rate };
      log(`minimal loop, claims of ${claim}: ${Math.round(rate)} rows/s`);
    }

    await clearRows(db);
    const port = await freePort();
    pm.start("relay", "relay-alone", { METRICS_PORT: String(port) });
    await waitReady(port);
    // Both loops are measured warm: the minimal loop runs in this long-running process, the relay in
    // a fresh one, whose first batches would otherwise be paid at start-up speed (a relay runs for
    // days). A tenth of the rows, drained and thrown away first.
    await seedDueRows(db, o.workspaceId, Math.max(1_000, Math.round(o.rows / 10)), "relay-alone-warm:");
    await waitDrained(db, 60_000);
    await clearRows(db);
    await sleep(300);
    // The relay is idle and listening; the insert's NOTIFY wakes it, as a real import's does.
    await seedDueRows(db, o.workspaceId, o.rows);
    // From the seed's commit, as the timing: its NOTIFY has just woken the relay.
    const before = await snapshot();
    const started = process.hrtime.bigint();
    await waitDrained(db, Math.max(60_000, o.rows * 2));
    const relaySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const relayAccount = cpuAccount(before, await snapshot(), "bench: waiting for the drain");
    await pm.stopAll();
    const relayRowsPerSecond = o.rows / relaySeconds;
    log(`relay alone: ${Math.round(relayRowsPerSecond)} rows/s`);
    await clearRows(db);
    await unlinkMatching(env, `${env.prefix}stream:dispatch:*`);
    return {
      rows: o.rows,
      relayRowsPerSecond: Math.round(relayRowsPerSecond),
      relayCpuSecondsPer1000: round((pm.cpuByApp().relay / o.rows) * 1000, 3),
      minimalLoopRowsPerSecond,
      relayBatchSize,
      baselineClaimSize: best.claim,
      ratio: round(relayRowsPerSecond / best.rate, 2),
      cpuAccount: { relay: relayAccount, minimalLoop: minimalAccount! },
    };
  } finally {
    await pm.stopAll();
    await db.end();
  }
}
