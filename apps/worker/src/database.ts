import { initOrm, type MikroORM } from "@rm/db";

/** PostgreSQL for the process: the ORM (its own pool) plus the readiness probe. */
export interface Database {
  /** Use `orm.em.fork()` per unit of work; never the global entity manager. */
  orm: MikroORM;
  /** `select 1` through the ORM's pool: the readiness probe. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * MikroORM connects lazily, so the process starts (and reports not-ready) while PostgreSQL is
 * down; the ORM's pool logs idle-connection errors itself instead of crashing the process.
 */
export async function connectDatabase(url: string, options: { poolMax: number }): Promise<Database> {
  const orm = await initOrm({ databaseUrl: url, poolMax: options.poolMax });
  return {
    orm,
    async ping() {
      await orm.em.getConnection().execute("select 1");
    },
    close: () => orm.close(),
  };
}
