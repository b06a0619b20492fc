// The periodic job 'campaign.complete' through the real processes: @rm/campaigns runs it, and the
// worker registers its handler next to messaging's, so relay + worker complete a campaign whose every
// request is rated and give its unused follow-up share back.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreditBalance } from "@rm/credits";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { addFixtureCampaign, createScenario, waitUntil } from "@rm/test-utils";

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));

let env: RunEnv;
let pm: ProcessManager;

beforeAll(async () => {
  env = await createRunEnv({ workerEnv: { RELAY_POLL_MS: "100", CAMPAIGN_COMPLETION_INTERVAL_MS: "1000" } });
  pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/campaign-completion-${env.id}` });
  pm.start("relay", "relay-0");
  pm.start("worker", "worker-0");
}, 120_000);

afterAll(async () => {
  await pm?.stopAll();
  await env?.close();
});

describe("campaign completion in the worker", () => {
  it("completes a campaign whose requests are all rated and releases the follow-up share it still held", { timeout: 90_000 }, async () => {
    const s = await createScenario(env.orm, { patients: 0, dueAt: new Date(), credits: 20 });
    const { campaignId } = await addFixtureCampaign(env.orm, {
      workspaceId: s.workspaceId,
      practiceId: s.practiceId,
      createdById: s.ownerId,
      assignedDoctorId: null,
      name: "Rated",
      status: "ACTIVE",
      appointmentsFrom: new Date(Date.now() - 3 * 3_600_000),
      patients: [{ name: "Ana Torres", phone: "+593982100001", state: "rated", rating: 5 }],
    });
    // Charged 1; the follow-up's share (1) is still held.
    expect(await getCreditBalance(env.orm.em.fork(), s.workspaceId)).toEqual({ available: 18, held: 1 });

    const status = async () => (await env.orm.em.fork().execute<{ status: string }[]>("select status from campaigns where id = ?", [campaignId]))[0]!.status;
    await waitUntil(async () => (await status()) === "COMPLETED", 60_000, "the worker to complete the campaign");
    expect(await getCreditBalance(env.orm.em.fork(), s.workspaceId)).toEqual({ available: 19, held: 0 });
  });
});
