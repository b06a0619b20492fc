// Which statements PostgreSQL spent its time on during a benchmark: pg_stat_statements, switched on
// for the benchmark's own database only. The local server preloads the module with tracking off
// (scripts/services.sh), so tests and other databases pay nothing; `enableStatementProfile` turns it
// on for every session that connects to one database afterwards. A server without the module (a
// DATABASE_URL pointing elsewhere) gives no profile, and the benchmark says so instead of failing.
import pg from "pg";

export interface StatementCost {
  /** The normalised statement, whitespace collapsed, cut to 160 characters. */
  query: string;
  calls: number;
  totalMs: number;
  msPerCall: number;
  rows: number;
  /** Share of the execution time of every tracked statement of the database. */
  share: number;
}

export interface StatementProfile {
  /** Execution time of every tracked statement, ms. */
  totalMs: number;
  top: StatementCost[];
}

/**
 * Turns statement tracking on for sessions that connect to `databaseUrl` from now on. Returns false
 * (and changes nothing) when the server does not preload pg_stat_statements.
 */
export async function enableStatementProfile(databaseUrl: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ loaded: boolean }>("select 'pg_stat_statements' = any(string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ',')) as loaded");
    if (!rows[0]?.loaded) return false;
    await c.query("create extension if not exists pg_stat_statements");
    await c.query(`alter database ${pg.escapeIdentifier(c.database!)} set pg_stat_statements.track = 'top'`);
    return true;
  } finally {
    await c.end();
  }
}

/** Forgets what was tracked so far in this database (the window starts now). */
export async function resetStatementProfile(databaseUrl: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query("select pg_stat_statements_reset(0, (select oid from pg_database where datname = current_database()), 0)");
  } finally {
    await c.end();
  }
}

/** The `limit` statements of this database that took the most execution time since the reset. */
export async function readStatementProfile(databaseUrl: string, limit = 12): Promise<StatementProfile> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ query: string; calls: string; total: number; rows: string }>(
      `select query, calls::text, total_exec_time as total, rows::text
         from pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time desc`,
    );
    const totalMs = rows.reduce((sum, r) => sum + r.total, 0);
    const top = rows.slice(0, limit).map((r) => ({
      query: r.query.replace(/\s+/g, " ").trim().slice(0, 160),
      calls: Number(r.calls),
      totalMs: Math.round(r.total),
      msPerCall: Math.round((r.total / Math.max(1, Number(r.calls))) * 1000) / 1000,
      rows: Number(r.rows),
      share: Math.round((r.total / Math.max(1, totalMs)) * 1000) / 1000,
    }));
    return { totalMs: Math.round(totalMs), top };
  } finally {
    await c.end();
  }
}

export function formatStatementProfile(title: string, p: StatementProfile): string[] {
  return [
    `${title}: ${(p.totalMs / 1000).toFixed(2)} s of statement execution`,
    ...p.top.map((s) => `  ${(s.share * 100).toFixed(1).padStart(5)} %  ${String(s.totalMs).padStart(6)} ms  ${String(s.calls).padStart(6)} calls  ${s.msPerCall.toFixed(3).padStart(8)} ms/call  ${String(s.rows).padStart(7)} rows  ${s.query}`),
  ];
}
