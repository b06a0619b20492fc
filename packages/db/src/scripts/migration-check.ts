// `npm run migration:check`: exits non-zero when the entities and the migrations disagree.
// Works on an empty database (fresh clone): it first applies the migrations, then checks that
// (1) the checked-in snapshot matches the entities (what `mikro-orm migration:check` does) and
// (2) the migrated database itself matches the entities (catches hand edits to a migration).
import { MikroORM } from "@mikro-orm/postgresql";
import { buildOrmConfig } from "../orm-config.ts";

const databaseUrl = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL is not set: migration:check needs a database (an empty one is fine)");
  process.exit(2);
}

const orm = await MikroORM.init(buildOrmConfig({ databaseUrl, poolMax: 2 }));
let failed = false;
try {
  const applied = await orm.migrator.up();
  console.log(`migrations applied now: ${applied.length}`);
  if (await orm.migrator.checkSchema()) {
    failed = true;
    console.error("Entities differ from the migration snapshot: run `npm run migration:create`.");
  }
  const drift = (await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim();
  if (drift) {
    failed = true;
    console.error(`The migrated database differs from the entities; SQL needed:\n${drift}`);
  }
} finally {
  await orm.close(true);
}
if (failed) process.exit(1);
console.log("Entities and migrations agree.");
