// A campaign assigned to a tenant's doctor, with a few patients in different states, for route tests.
import { initOrm } from "@rm/db";
import { grantCredits } from "@rm/credits";
import { addFixtureCampaign, type FixturePatient } from "@rm/test-utils";
import type { Tenant } from "./tenants.ts";

export async function createTenantCampaign(databaseUrl: string, tenant: Tenant, patients: readonly FixturePatient[] = []): Promise<string> {
  const orm = await initOrm({ databaseUrl, poolMax: 2 });
  try {
    await grantCredits(orm.em.fork(), { workspaceId: tenant.workspaceId, amount: 50 + patients.length * 4, reference: `test-campaign:${Date.now()}:${Math.random()}` });
    const { campaignId } = await addFixtureCampaign(orm, {
      workspaceId: tenant.workspaceId,
      practiceId: tenant.practiceId,
      createdById: tenant.receptionist.id,
      assignedDoctorId: tenant.doctor.id,
      name: `Campaña ${tenant.workspaceId.slice(0, 6)}`,
      status: "ACTIVE",
      appointmentsFrom: new Date(Date.now() + 3600_000),
      patients,
    });
    return campaignId;
  } finally {
    await orm.close(true);
  }
}
