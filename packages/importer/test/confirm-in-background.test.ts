// A large upload confirmed in the background: the web only queues the confirm (an outbox row beside
// the draft's request), the worker's handler activates the draft from the rows kept in campaign_drafts
// and writes how far it got where another connection sees it; a failure the user can act on is
// recorded on the draft, nothing imported, and a new request after it is new work.
import { readFileSync } from "node:fs";
import { ManualClock } from "@rm/domain";
import { createTestOrm, recordingLogger, type TestOrm } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CampaignInputError, createCampaignDraft, createConfirmDraftHandler, getCampaignDraft, parsePatientCsv, requestDraftConfirm, type PatientCsvResult } from "../src/index.ts";
import { count, makeTenant, type Tenant } from "./helpers.ts";

type StreamEntry = Parameters<ReturnType<typeof createConfirmDraftHandler>>[1];

const PUBLIC_URL = "https://rm.example";
const now = new Date("2026-11-23T13:00:00Z");
let t: TestOrm;
let excel: PatientCsvResult;

beforeAll(async () => {
  t = await createTestOrm(6);
  excel = await parsePatientCsv(readFileSync(new URL("./fixtures/excel-es-windows1252.csv", import.meta.url)));
});
afterAll(async () => t?.close());

async function draftOf(tenant: Tenant): Promise<string> {
  const { campaignId } = await createCampaignDraft(t.orm, {
    workspaceId: tenant.workspaceId,
    practiceId: tenant.practiceId,
    assignedDoctorId: tenant.doctorId,
    createdById: tenant.ownerId,
    name: "Lunes 23",
    scheduledHoursAfter: 2,
    parsed: excel,
    fileName: "citas.csv",
    now,
  });
  return campaignId;
}

/** The relay's part: the confirm rows of the workspace, marked published, as stream entries. */
async function publishedConfirms(workspaceId: string): Promise<StreamEntry[]> {
  const rows = await t.orm.em.fork().execute<{ id: string; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = now() where workspace_id = ? and type = 'campaign.confirm' and status = 'pending' returning id::text, payload",
    [workspaceId],
  );
  return rows.map((r) => ({ outboxId: r.id, type: "campaign.confirm", workspaceId, payload: JSON.stringify(r.payload), traceparent: "" }));
}

function handler() {
  const logger = recordingLogger();
  const run = createConfirmDraftHandler({ publicUrl: PUBLIC_URL });
  return (entry: StreamEntry) => run({ orm: t.orm, clock: new ManualClock(now), logger }, entry);
}

describe("a draft confirmed in the background", () => {
  it("queues one confirm, which the worker turns into the campaign with its progress on the way", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const campaignId = await draftOf(tenant);
    const asked = await requestDraftConfirm(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, ip: "203.0.113.9", now });
    expect(asked).toEqual({ queued: true, alreadyConfirmed: false });
    // A second click while it waits adds nothing.
    await requestDraftConfirm(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, now: new Date(now.getTime() + 1000) });
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ? and type = 'campaign.confirm'", [tenant.workspaceId])).toBe(1);
    // Nothing imported yet: the page shows it queued.
    const queued = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { withRows: false, now }))!;
    expect(queued).toMatchObject({ status: "DRAFT", backgroundConfirm: { stage: "queued", done: 0, failure: null } });
    expect(await count(t.orm, "select 1 from patients where workspace_id = ?", [tenant.workspaceId])).toBe(0);

    const [entry] = await publishedConfirms(tenant.workspaceId);
    // Watch the draft from another connection while the import's transaction is open.
    const seen: string[] = [];
    const watcher = setInterval(() => {
      void t.orm.em
        .fork()
        .execute<{ s: string }[]>("select d.confirm_stage || ':' || d.confirm_done || ':' || c.status as s from campaign_drafts d join campaigns c on c.id = d.campaign_id where d.campaign_id = ?", [campaignId])
        .then((r) => r[0] && seen.push(r[0].s))
        .catch(() => {});
    }, 1);
    try {
      await handler()(entry!);
    } finally {
      clearInterval(watcher);
    }
    const [c] = await t.orm.em.fork().execute("select status from campaigns where id = ?", [campaignId]);
    expect(c).toMatchObject({ status: "ACTIVE" });
    expect(await count(t.orm, "select 1 from patients where workspace_id = ? and campaign_id = ?", [tenant.workspaceId, campaignId])).toBe(7);
    // The audit entry names who asked and from where, as a confirm in the request would.
    const [audit] = await t.orm.em.fork().execute("select actor_id, ip from audit_logs where workspace_id = ? and action = 'campaign.created'", [tenant.workspaceId]);
    expect(audit).toMatchObject({ actor_id: tenant.ownerId, ip: "203.0.113.9" });
    // Progress was committed on its own while the import ran: patients, then their sends.
    const [draftRow] = await t.orm.em.fork().execute<{ confirm_stage: string; confirm_done: number }[]>("select confirm_stage, confirm_done from campaign_drafts where campaign_id = ?", [campaignId]);
    expect(draftRow).toMatchObject({ confirm_stage: "messages", confirm_done: 4 });
    // Seen from outside while the campaign was still a DRAFT (the import's transaction not committed).
    expect(seen.some((s) => /^(patients|messages):\d+:DRAFT$/.test(s))).toBe(true);
    expect(seen).toContain("preparing:0:DRAFT");
    expect(seen.indexOf("preparing:0:DRAFT")).toBeLessThan(seen.findIndex((s) => s.startsWith("patients")));
    const [row] = await t.orm.em.fork().execute("select status from outbox where id = ?", [entry!.outboxId]);
    expect(row).toMatchObject({ status: "done" });
  });

  it("records a shortfall on the draft, imports nothing, and takes a new request once credits came", async () => {
    const tenant = await makeTenant(t.orm, { credits: 1 });
    const campaignId = await draftOf(tenant);
    await requestDraftConfirm(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, now });
    const [entry] = await publishedConfirms(tenant.workspaceId);
    await handler()(entry!);
    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { withRows: false, now }))!;
    expect(draft.status).toBe("DRAFT");
    expect(draft.backgroundConfirm).toMatchObject({ stage: "failed", failure: { code: "INSUFFICIENT_CREDITS", credits: { needed: 14, available: 1 } } });
    expect(await count(t.orm, "select 1 from patients where workspace_id = ?", [tenant.workspaceId])).toBe(0);
    const [row] = await t.orm.em.fork().execute("select status from outbox where id = ?", [entry!.outboxId]);
    expect(row).toMatchObject({ status: "done" });
    // Asked again later: new work, queued again.
    await requestDraftConfirm(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, now: new Date(now.getTime() + 60_000) });
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ? and type = 'campaign.confirm' and status = 'pending'", [tenant.workspaceId])).toBe(1);
    expect((await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { withRows: false, now }))!.backgroundConfirm).toMatchObject({ stage: "queued", failure: null });
  });

  it("refuses at once what the user can fix: an expired draft", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const campaignId = await draftOf(tenant);
    const later = new Date(now.getTime() + 49 * 3_600_000);
    await expect(requestDraftConfirm(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, now: later })).rejects.toThrow(CampaignInputError);
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ?", [tenant.workspaceId])).toBe(0);
  });
});
