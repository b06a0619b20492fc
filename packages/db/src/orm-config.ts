import { defineConfig, type Options } from "@mikro-orm/postgresql";
import { Migrator } from "@mikro-orm/migrations";
import { fileURLToPath } from "node:url";
import { entities } from "./entities.ts";

export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations", import.meta.url));

export interface OrmOptions {
  databaseUrl: string;
  /** Max pooled connections of this ORM (default 10; keep web×replicas under the server/pooler limit). */
  poolMax?: number;
  debug?: boolean;
}

/** The one place the ORM is configured: the CLI config, initOrm and migrateUp all build on it. */
export function buildOrmConfig(options: OrmOptions): Options {
  return defineConfig({
    clientUrl: options.databaseUrl,
    entities,
    extensions: [Migrator],
    debug: options.debug ?? false,
    pool: { min: 0, max: options.poolMax ?? 10, idleTimeoutMillis: 30_000 },
    // Every tenant row carries its own workspace_id filter; auto-joining each m:1 target to re-apply
    // the same filter would add joins to every hot-path query for nothing.
    autoJoinRefsForFilters: false,
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      glob: "!(*.d).ts",
      emit: "ts",
      snapshotName: ".snapshot-rm",
      // The checked-in snapshot is authored by migration:create; applying migrations must not rewrite it.
      snapshotOnMigrate: false,
      transactional: true,
      allOrNothing: true,
    },
  });
}
