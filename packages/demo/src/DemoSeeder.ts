import type { EntityManager } from "@mikro-orm/postgresql";
import { Seeder } from "@mikro-orm/seeder";
import { seedDemoWith } from "./demo.ts";

/** The MikroORM seeder `npm run db:seed` runs (src/bin/seed-demo.ts); the logic lives in demo.ts. */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    const result = await seedDemoWith(em);
    process.stdout.write(
      `Demo workspace ${result.createdWorkspace ? "created" : "already present"} (${result.workspaceId}); ` +
        `login ${result.ownerEmail} / ${result.password}\n`,
    );
  }
}
