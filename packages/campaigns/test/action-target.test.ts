// The confirmation step's target on a campaign's page: an action that no longer applies (an erased
// patient, opting out someone already opted out, another campaign's or workspace's patient, an unknown
// action) has none, so the page never asks to confirm it.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { addFixtureCampaign, createScenario, createTestDatabase, type Scenario, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { erasePatient, findActionTarget } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let s: Scenario;
let campaignId: string;
let otherCampaignId: string;
let ids: { plain: string; optedOut: string; erased: string; elsewhere: string };

const em = () => orm.em.fork();

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 5 });
  s = await createScenario(orm, { patients: 0, dueAt: new Date(), credits: 100 });
  const base = { workspaceId: s.workspaceId, practiceId: s.practiceId, createdById: s.ownerId, assignedDoctorId: null, status: "ACTIVE" as const, appointmentsFrom: new Date(Date.now() + 3600_000) };
  const c = await addFixtureCampaign(orm, {
    ...base,
    name: "C",
    patients: [
      { name: "Ana Torres", phone: "+593982000011", state: "scheduled" },
      { name: "Bruno Vera", phone: "+593982000012", state: "delivered", optedOut: true },
      { name: "Carla Mora", phone: "+593982000013", state: "scheduled" },
    ],
  });
  const other = await addFixtureCampaign(orm, { ...base, name: "D", patients: [{ name: "Dora Paz", phone: "+593982000014", state: "scheduled" }] });
  campaignId = c.campaignId;
  otherCampaignId = other.campaignId;
  ids = { plain: c.patientIds[0]!, optedOut: c.patientIds[1]!, erased: c.patientIds[2]!, elsewhere: other.patientIds[0]! };
  await erasePatient(em(), { workspaceId: s.workspaceId, campaignId, patientId: ids.erased, viewer: { userId: s.ownerId, role: "OWNER" } });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("findActionTarget", () => {
  it("cancelling targets the campaign; opting out and erasing target a patient of it, named with their phone", async () => {
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "cancel", "")).toEqual({ kind: "cancel", patient: null });
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "optout", ids.plain)).toEqual({ kind: "optout", patient: { id: ids.plain, name: "Ana Torres", phone: "+593982000011" } });
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "erase", ids.plain)).toMatchObject({ kind: "erase", patient: { id: ids.plain } });
  });

  it("a patient already opted out can still be erased, but not opted out again; an erased patient is no target", async () => {
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "optout", ids.optedOut)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "erase", ids.optedOut)).toMatchObject({ kind: "erase", patient: { id: ids.optedOut } });
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "optout", ids.erased)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "erase", ids.erased)).toBeNull();
  });

  it("has no target for an unknown action, another campaign's or workspace's patient, or a malformed id", async () => {
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "delete", ids.plain)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, campaignId, null, ids.plain)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "erase", ids.elsewhere)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, otherCampaignId, "erase", ids.elsewhere)).toMatchObject({ kind: "erase" });
    const other = await createScenario(orm, { patients: 0, dueAt: new Date() });
    expect(await findActionTarget(em(), other.workspaceId, campaignId, "erase", ids.plain)).toBeNull();
    expect(await findActionTarget(em(), s.workspaceId, campaignId, "erase", "not-a-uuid")).toBeNull();
  });
});
