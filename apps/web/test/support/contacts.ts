// A tenant's contact (by phone, from a campaign already created) with a label on it, for route tests.
import { initOrm } from "@rm/db";
import type { Tenant } from "./tenants.ts";

export async function seedContactFixture(databaseUrl: string, tenant: Tenant, phone: string): Promise<{ contactId: string; labelId: string }> {
  const orm = await initOrm({ databaseUrl, poolMax: 1 });
  try {
    const em = orm.em.fork();
    const [contact] = await em.execute<{ id: string }[]>("select id from contacts where workspace_id = ? and phone = ?", [tenant.workspaceId, phone]);
    if (!contact) throw new Error(`no contact ${phone} in ${tenant.workspaceId}`);
    const [label] = await em.execute<{ id: string }[]>("insert into labels (workspace_id, name) values (?, 'Frecuente') returning id", [tenant.workspaceId]);
    await em.execute("insert into contact_labels (workspace_id, contact_id, label_id) values (?, ?, ?)", [tenant.workspaceId, contact.id, label!.id]);
    return { contactId: contact.id, labelId: label!.id };
  } finally {
    await orm.close(true);
  }
}
