import { MikroORM } from "@mikro-orm/postgresql";
import { buildOrmConfig, type OrmOptions } from "./orm-config.ts";

/** A new ORM (own pool) per call; close it with `orm.close()`. Use `orm.em.fork()` per request/entry. */
export async function initOrm(options: OrmOptions): Promise<MikroORM> {
  return MikroORM.init(buildOrmConfig(options));
}

/** Applies every pending migration to the database at `databaseUrl` (used by deploy jobs and tests). */
export async function migrateUp(databaseUrl: string): Promise<void> {
  const orm = await MikroORM.init(buildOrmConfig({ databaseUrl, poolMax: 2 }));
  try {
    await orm.migrator.up();
  } finally {
    await orm.close(true);
  }
}
