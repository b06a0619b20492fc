// `npm run db:seed` (and `npm start`, after migrating): runs the DemoSeeder through MikroORM's seed
// manager, which writes the demo workspace once. Needs DATABASE_URL (DATABASE_DIRECT_URL wins when
// set, as for migrations); PUBLIC_URL names the rating links.
import { SeedManager } from "@mikro-orm/seeder";
import { buildOrmConfig, MikroORM } from "@rm/db";
import { DemoSeeder } from "../DemoSeeder.ts";

const databaseUrl = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write("DATABASE_URL is not set: the demo seed needs the database to write to\n");
  process.exit(2);
}
const orm = await MikroORM.init({ ...buildOrmConfig({ databaseUrl, poolMax: 2 }), extensions: [SeedManager] });
try {
  await orm.seeder.seed(DemoSeeder);
} finally {
  await orm.close(true);
}
