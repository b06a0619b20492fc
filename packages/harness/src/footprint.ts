// What one message costs PostgreSQL in bytes: the WAL written while the pipeline ran and the size
// each table (with its indexes and TOAST) reached. Volumes, unlike speeds, do not depend on how busy
// the machine is, so one run at a modest size sizes disks, WAL archiving and replication links
// (docs/capacity.md).
import type { MikroORM } from "@mikro-orm/postgresql";

export interface FootprintReport {
  /** WAL bytes written from before the first upload to the end of the run, per message. */
  walBytesPerMessage: number;
  /** pg_total_relation_size per message, by table (tables under 1 byte per message left out). */
  bytesPerMessageByTable: Record<string, number>;
  totalBytesPerMessage: number;
}

export async function walPosition(orm: MikroORM): Promise<string> {
  const [row] = await orm.em.getConnection().execute<{ lsn: string }[]>("select pg_current_wal_lsn()::text as lsn");
  return row!.lsn;
}

export async function measureFootprint(orm: MikroORM, since: string, messages: number): Promise<FootprintReport> {
  const conn = orm.em.getConnection();
  // No VACUUM first: dead row versions the run left are part of what a message costs until
  // autovacuum reclaims them for reuse.
  const [wal] = await conn.execute<{ bytes: string }[]>("select pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::text as bytes", [since]);
  const tables = await conn.execute<{ name: string; bytes: string }[]>(
    `select c.relname as name, pg_total_relation_size(c.oid)::text as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'mikro_orm_migrations'`,
  );
  const byTable: Record<string, number> = {};
  let total = 0;
  for (const t of tables.sort((a, b) => Number(b.bytes) - Number(a.bytes))) {
    const perMessage = Number(t.bytes) / messages;
    total += perMessage;
    if (perMessage >= 1) byTable[t.name] = Math.round(perMessage);
  }
  return { walBytesPerMessage: Math.round(Number(wal!.bytes) / messages), bytesPerMessageByTable: byTable, totalBytesPerMessage: Math.round(total) };
}
