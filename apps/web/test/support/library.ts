// A library entry (BROADCAST template) per tenant, for the library pages' tests.
import { initOrm } from "@rm/db";
import type { Tenant } from "./tenants.ts";

export async function seedLibraryEntry(databaseUrl: string, tenant: Tenant, over: { name?: string; body?: string; objective?: string; category?: string } = {}): Promise<string> {
  const orm = await initOrm({ databaseUrl, poolMax: 1 });
  try {
    const [row] = await orm.em.fork().execute<{ id: string }[]>(
      `insert into templates (workspace_id, type, name, objective, body, category, language) values (?, 'BROADCAST', ?, ?, ?, ?, 'es') returning id`,
      [
        tenant.workspaceId,
        over.name ?? "Limpieza semestral",
        over.objective ?? "Recordar la limpieza",
        over.body ?? "Hola {{name}}, hace seis meses de tu última limpieza en {{practice}}. ¿Agendamos?",
        over.category ?? "MARKETING",
      ],
    );
    return row!.id;
  } finally {
    await orm.close(true);
  }
}
