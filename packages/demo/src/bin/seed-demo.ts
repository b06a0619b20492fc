// `npm run db:seed` (and `npm start` after migrating): writes the demo workspace once. Needs
// DATABASE_URL (DATABASE_DIRECT_URL wins when set, as for migrations); PUBLIC_URL names the rating links.
import { initOrm } from "@rm/db";
import { seedDemo } from "../demo.ts";

const databaseUrl = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write("DATABASE_URL is not set: the demo seed needs the database to write to\n");
  process.exit(2);
}
const orm = await initOrm({ databaseUrl, poolMax: 2 });
try {
  const result = await seedDemo(orm);
  process.stdout.write(
    `Demo workspace ${result.createdWorkspace ? "created" : "already present"} (${result.workspaceId}); ` +
      `login ${result.ownerEmail} / ${result.password}\n`,
  );
} finally {
  await orm.close(true);
}
