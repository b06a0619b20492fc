// Inbox items for route-level tests: a campaign assigned to the tenant's doctor, a patient, and one
// NEW private-feedback item — written as the public feedback form writes them.
import { initOrm } from "@rm/db";
import type { Tenant } from "./tenants.ts";

/** Inbox item id per workspace id, filled by `seedInboxItems`. */
export const inboxItemIds = new Map<string, string>();

export function inboxItemUrl(t: Tenant): string {
  const id = inboxItemIds.get(t.workspaceId);
  if (!id) throw new Error("seedInboxItems(...) has not run for this tenant");
  return `/inbox/${id}`;
}

export async function seedInboxItems(databaseUrl: string, tenants: Tenant[]): Promise<void> {
  const orm = await initOrm({ databaseUrl, poolMax: 1 });
  try {
    const sql = <T>(q: string, params: unknown[]) => orm.em.fork().execute<T[]>(q, params);
    for (const [i, t] of tenants.entries()) {
      const phone = `+59398${String(7000000 + i).padStart(7, "0")}`;
      const [c] = await sql<{ id: string }>(
        "insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status) values (?, ?, ?, ?, 'Campaña de prueba', 'ACTIVE') returning id",
        [t.workspaceId, t.practiceId, t.owner.id, t.doctor.id],
      );
      const [ct] = await sql<{ id: string }>("insert into contacts (workspace_id, phone) values (?, ?) returning id", [t.workspaceId, phone]);
      const [p] = await sql<{ id: string }>(
        "insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, rating, rated_at, doctor_id) values (?, ?, ?, 'Paciente de prueba', ?, now(), 'SMS', true, 'RATED', 2, now(), ?) returning id",
        [t.workspaceId, c!.id, ct!.id, phone, t.doctor.id],
      );
      const [f] = await sql<{ id: string }>("insert into feedback (workspace_id, patient_id, source, text, rating) values (?, ?, 'FORM', 'La espera fue larga.', 2) returning id", [t.workspaceId, p!.id]);
      inboxItemIds.set(t.workspaceId, f!.id);
    }
  } finally {
    await orm.close(true);
  }
}
