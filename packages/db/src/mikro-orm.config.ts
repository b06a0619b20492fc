// Config for the mikro-orm CLI (migration:create / up / check). Needs DATABASE_URL
// (DATABASE_DIRECT_URL wins when set: migrations must not go through a transaction-mode pooler).
import { buildOrmConfig } from "./orm-config.ts";

const databaseUrl = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!databaseUrl) {
  throw new Error("DATABASE_URL is not set: the mikro-orm CLI needs the database to work on");
}

export default buildOrmConfig({ databaseUrl, poolMax: 2 });
