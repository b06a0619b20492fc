// Drafts: an upload waits as a DRAFT campaign (nothing sent, no contact, no credit touched) until it
// is confirmed in one transaction; a shortfall leaves it waiting; two confirms never both pass.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCreditBalance } from "@rm/credits";
import {
  CampaignInputError,
  confirmCampaignDraft,
  createCampaignDraft,
  discardCampaignDraft,
  getCampaignDraft,
  InsufficientCreditsError,
  listCampaignDrafts,
  MAX_UPLOAD_BYTES,
  parsePatientCsv,
  previewCampaignDraft,
  DEFAULT_MAX_BYTES,
  type PatientCsvResult,
} from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { count, makeTenant, type Tenant } from "./helpers.ts";

const PUBLIC_URL = "https://rm.example";
// 08:00 in Guayaquil on the day of the appointments in the fixture.
const now = new Date("2026-11-23T13:00:00Z");
let t: TestOrm;
let excel: PatientCsvResult;

beforeAll(async () => {
  t = await createTestOrm(12);
  excel = await parsePatientCsv(readFileSync(new URL("./fixtures/excel-es-windows1252.csv", import.meta.url)));
});
afterAll(async () => t?.close());

const draftInput = (tenant: Tenant, parsed: PatientCsvResult, o: { name?: string; now?: Date } = {}) => ({
  workspaceId: tenant.workspaceId,
  practiceId: tenant.practiceId,
  assignedDoctorId: tenant.doctorId,
  createdById: tenant.ownerId,
  name: o.name ?? "Lunes 23",
  scheduledHoursAfter: 2,
  parsed,
  fileName: "citas.csv",
  now: o.now ?? now,
});

async function csv(lines: string[]): Promise<PatientCsvResult> {
  return parsePatientCsv(Buffer.from(lines.join("\r\n") + "\r\n", "utf8"));
}

describe("campaign drafts", () => {
  it("the parser's default limit is the one upload limit", () => {
    expect(DEFAULT_MAX_BYTES).toBe(MAX_UPLOAD_BYTES);
    expect(MAX_UPLOAD_BYTES).toBe(20 * 1024 * 1024);
  });

  it("an upload is a DRAFT with its rows kept, and nothing else is written", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const { campaignId } = await createCampaignDraft(t.orm, draftInput(tenant, excel));
    const em = t.orm.em.fork();
    const [c] = await em.execute("select status, name, total_patients, assigned_doctor_id from campaigns where id = ?", [campaignId]);
    expect(c).toMatchObject({ status: "DRAFT", name: "Lunes 23", total_patients: excel.accepted.length, assigned_doctor_id: tenant.doctorId });
    for (const table of ["contacts", "patients", "messages", "outbox"]) {
      expect(await count(t.orm, `select 1 from ${table} where workspace_id = ?`, [tenant.workspaceId]), table).toBe(0);
    }
    expect((await getCreditBalance(em, tenant.workspaceId)).available).toBe(100);

    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(draft.status).toBe("DRAFT");
    expect(draft.rows.map((r) => r.phone)).toEqual(excel.accepted.map((r) => r.phone));
    expect(draft.rows[0]!.appointmentAt.toISOString()).toBe(excel.accepted[0]!.appointmentAt.toISOString());
    expect(draft.rows[0]!.name).toBe("José Muñoz");
    expect(draft.rejected.map((r) => r.line)).toEqual(excel.rejected.map((r) => r.line));
    expect(draft.duplicates).toHaveLength(excel.duplicates.length);
    expect(draft.encoding).toBe("windows-1252");

    const shown = (await previewCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, publicUrl: PUBLIC_URL, now }))!;
    expect(shown.preview!.counts).toMatchObject({ patients: 7, scheduled: 4, skipped: 3 });
    expect(shown.preview!.skipped.map((s) => s.reason).sort()).toEqual(["NOT_MOBILE", "NO_CONSENT", "NO_CONSENT"]);
    expect(shown.preview!.skipped.find((s) => s.reason === "NOT_MOBILE")).toMatchObject({ phone: "+59322345678", line: expect.any(Number) });
    expect(shown.preview!.credits.shortfall).toBe(0);
  });

  it("confirming activates the same campaign in one go, once; the rejected rows stay for their download", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const { campaignId } = await createCampaignDraft(t.orm, draftInput(tenant, excel));
    const [first, second] = await Promise.all([
      confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.doctorId, publicUrl: PUBLIC_URL, ip: "203.0.113.9", now }),
      confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now }),
    ]);
    expect([first.alreadyConfirmed, second.alreadyConfirmed].sort()).toEqual([false, true]);
    const done = first.alreadyConfirmed ? second : first;
    expect(done.result).toMatchObject({ campaignId, status: "ACTIVE", counts: { scheduled: 4 } });
    const em = t.orm.em.fork();
    const [c] = await em.execute("select status, total_patients, skipped_patients, created_by_id from campaigns where id = ?", [campaignId]);
    expect(c).toMatchObject({ status: "ACTIVE", total_patients: 7, skipped_patients: 3, created_by_id: tenant.ownerId });
    expect(await count(t.orm, "select 1 from patients where campaign_id = ?", [campaignId])).toBe(7);
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ? and type = 'message.send'", [tenant.workspaceId])).toBe(4);
    expect(await count(t.orm, "select 1 from audit_logs where workspace_id = ? and action = 'campaign.created' and entity_id = ?", [tenant.workspaceId, campaignId])).toBe(1);
    expect((await getCreditBalance(em, tenant.workspaceId)).available).toBe(100 - done.result!.creditsHeld);

    const after = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(after.status).toBe("ACTIVE");
    expect(after.rows).toEqual([]);
    expect(after.rejected.length).toBe(excel.rejected.length);
    expect(after.confirmedAt).not.toBeNull();
    expect(await discardCampaignDraft(t.orm, tenant.workspaceId, campaignId)).toBe(false);
  });

  it("rejects the rows whose number is in a country the workspace does not send to, with the reason in both languages", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const parsed = await csv([
      "nombre,telefono,fecha,consentimiento",
      "Ana,0991234501,2026-11-23 10:00,si",
      "Luis,+57 300 123 4567,2026-11-23 10:00,si",
      "Eva,+34 612 345 678,2026-11-23 10:00,si",
    ]);
    expect(parsed.accepted).toHaveLength(3);
    const { campaignId } = await createCampaignDraft(t.orm, draftInput(tenant, parsed));
    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(draft.rows.map((r) => r.phone)).toEqual(["+593991234501"]);
    expect(draft.rejected.map((r) => [r.line, r.code, r.params?.country])).toEqual([
      [3, "imports.destination.notAllowed", "CO"],
      [4, "imports.destination.notAllowed", "ES"],
    ]);
    expect(draft.rejected[0]!.reason).toContain("País de destino no permitido (CO): este espacio de trabajo solo envía a EC.");

    // The owner allows Colombia: its rows import, Spain's still do not.
    await t.orm.em.fork().execute(`update workspaces set extra_destination_countries = '["CO"]' where id = ?`, [tenant.workspaceId]);
    const again = await createCampaignDraft(t.orm, draftInput(tenant, parsed));
    const second = (await getCampaignDraft(t.orm, tenant.workspaceId, again.campaignId, { now }))!;
    expect(second.rows.map((r) => r.phone)).toEqual(["+593991234501", "+573001234567"]);
    expect(second.rejected.map((r) => r.params?.country)).toEqual(["ES"]);
  });

  it("a shortfall says how many credits are missing and leaves the draft waiting, unchanged", async () => {
    const tenant = await makeTenant(t.orm, { credits: 3 });
    const { campaignId } = await createCampaignDraft(t.orm, draftInput(tenant, excel));
    const shown = (await previewCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, publicUrl: PUBLIC_URL, now }))!;
    expect(shown.preview!.credits).toMatchObject({ available: 3, shortfall: shown.preview!.credits.needed - 3 });
    const err = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect((err as InsufficientCreditsError).shortfall).toBe(shown.preview!.credits.shortfall);
    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(draft.status).toBe("DRAFT");
    expect(draft.rows).toHaveLength(excel.accepted.length);
    for (const table of ["contacts", "patients", "messages", "outbox"]) {
      expect(await count(t.orm, `select 1 from ${table} where workspace_id = ?`, [tenant.workspaceId]), table).toBe(0);
    }
    // Credits bought later: the same draft goes through.
    const { grantCredits } = await import("@rm/credits");
    await grantCredits(t.orm.em.fork(), { workspaceId: tenant.workspaceId, amount: 100, reference: `topup:${campaignId}` });
    const ok = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now });
    expect(ok.result?.status).toBe("ACTIVE");
  });

  it("two drafts confirmed at once on credits for one: exactly one passes", async () => {
    const tenant = await makeTenant(t.orm, { credits: 0 });
    const a = await csv(["nombre,telefono,fecha,consentimiento", "Ana,0991000001,23/11/2026 10:00,si", "Beto,0991000002,23/11/2026 10:00,si"]);
    const b = await csv(["nombre,telefono,fecha,consentimiento", "Carla,0991000003,23/11/2026 10:00,si", "Dario,0991000004,23/11/2026 10:00,si"]);
    const da = await createCampaignDraft(t.orm, draftInput(tenant, a, { name: "A" }));
    const db = await createCampaignDraft(t.orm, draftInput(tenant, b, { name: "B" }));
    const needed = (await previewCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: da.campaignId, publicUrl: PUBLIC_URL, now }))!.preview!.credits.needed;
    const { grantCredits } = await import("@rm/credits");
    await grantCredits(t.orm.em.fork(), { workspaceId: tenant.workspaceId, amount: needed, reference: `race:${tenant.workspaceId}` });
    const results = await Promise.allSettled(
      [da, db].map((d) => confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: d.campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(InsufficientCreditsError);
    expect((await getCreditBalance(t.orm.em.fork(), tenant.workspaceId)).available).toBe(0);
    expect(await count(t.orm, "select 1 from campaigns where workspace_id = ? and status = 'DRAFT'", [tenant.workspaceId])).toBe(1);
  });

  it("another workspace's draft is invisible: not shown, not confirmed, not discarded", async () => {
    const owner = await makeTenant(t.orm);
    const other = await makeTenant(t.orm);
    const { campaignId } = await createCampaignDraft(t.orm, draftInput(owner, excel));
    expect(await getCampaignDraft(t.orm, other.workspaceId, campaignId)).toBeNull();
    expect(await previewCampaignDraft(t.orm, { workspaceId: other.workspaceId, campaignId, publicUrl: PUBLIC_URL })).toBeNull();
    const err = await confirmCampaignDraft(t.orm, { workspaceId: other.workspaceId, campaignId, confirmedById: other.ownerId, publicUrl: PUBLIC_URL, now }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignInputError);
    expect((err as CampaignInputError).code).toBe("DRAFT_NOT_FOUND");
    expect(await discardCampaignDraft(t.orm, other.workspaceId, campaignId)).toBe(false);
    expect(await getCampaignDraft(t.orm, owner.workspaceId, "not-a-uuid")).toBeNull();
    // The owner discards it: the campaign row and its stored rows are gone.
    expect(await discardCampaignDraft(t.orm, owner.workspaceId, campaignId)).toBe(true);
    expect(await count(t.orm, "select 1 from campaigns where id = ?", [campaignId])).toBe(0);
    expect(await count(t.orm, "select 1 from campaign_drafts where campaign_id = ?", [campaignId])).toBe(0);
  });

  it("refuses another workspace's practice, a receptionist as doctor, a blank name and bad hours, with the field", async () => {
    const tenant = await makeTenant(t.orm);
    const other = await makeTenant(t.orm);
    const [rec] = await t.orm.em.fork().execute<{ id: string }[]>(
      "insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Recepción', 'RECEPTIONIST', 'x') returning id",
      [tenant.workspaceId, `rec-${tenant.workspaceId}@example.com`],
    );
    const cases: [Partial<ReturnType<typeof draftInput>>, string][] = [
      [{ practiceId: other.practiceId }, "practiceId"],
      [{ assignedDoctorId: rec!.id }, "assignedDoctorId"],
      [{ assignedDoctorId: other.doctorId }, "assignedDoctorId"],
      [{ name: "   " }, "name"],
      [{ scheduledHoursAfter: -1 }, "scheduledHoursAfter"],
      [{ scheduledHoursAfter: 1.5 }, "scheduledHoursAfter"],
    ];
    for (const [change, field] of cases) {
      const err = await createCampaignDraft(t.orm, { ...draftInput(tenant, excel), ...change }).catch((e: unknown) => e);
      expect(err, field).toBeInstanceOf(CampaignInputError);
      expect((err as CampaignInputError).field).toBe(field);
    }
    expect(await count(t.orm, "select 1 from campaigns where workspace_id = ?", [tenant.workspaceId])).toBe(0);
  });

  it("an expired draft cannot be confirmed and is removed at the next upload", async () => {
    const tenant = await makeTenant(t.orm);
    const old = await createCampaignDraft(t.orm, draftInput(tenant, excel, { now: new Date(now.getTime() - 49 * 3_600_000) }));
    expect((await getCampaignDraft(t.orm, tenant.workspaceId, old.campaignId, { now }))!.expired).toBe(true);
    const err = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: old.campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now }).catch((e: unknown) => e);
    expect((err as CampaignInputError).code).toBe("DRAFT_EXPIRED");
    await createCampaignDraft(t.orm, draftInput(tenant, excel));
    expect(await getCampaignDraft(t.orm, tenant.workspaceId, old.campaignId)).toBeNull();
    expect(await count(t.orm, "select 1 from campaigns where workspace_id = ?", [tenant.workspaceId])).toBe(1);
  });

  it("the next upload's cleanup removes expired drafts only: a confirmed campaign whose draft expired keeps its rows and rejected rows", async () => {
    const tenant = await makeTenant(t.orm);
    const confirmed = await createCampaignDraft(t.orm, draftInput(tenant, excel, { now: new Date(now.getTime() - 49 * 3_600_000) }));
    await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: confirmed.campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now: new Date(now.getTime() - 48.5 * 3_600_000) });
    const expired = await createCampaignDraft(t.orm, draftInput(tenant, excel, { now: new Date(now.getTime() - 49 * 3_600_000) }));
    await createCampaignDraft(t.orm, draftInput(tenant, excel, { now }));
    expect(await getCampaignDraft(t.orm, tenant.workspaceId, expired.campaignId)).toBeNull();
    const kept = await getCampaignDraft(t.orm, tenant.workspaceId, confirmed.campaignId, { now });
    expect(kept).toMatchObject({ status: "ACTIVE", rejected: excel.rejected });
    expect(await count(t.orm, "select 1 from patients where workspace_id = ? and campaign_id = ?", [tenant.workspaceId, confirmed.campaignId])).toBe(excel.accepted.length);
  });

  it("lists the drafts still waiting: all for owners, a user's own or assigned ones otherwise", async () => {
    const tenant = await makeTenant(t.orm);
    const mine = await createCampaignDraft(t.orm, { ...draftInput(tenant, excel, { name: "Del dueño" }), assignedDoctorId: tenant.ownerId });
    const forDoctor = await createCampaignDraft(t.orm, draftInput(tenant, excel, { name: "Para la doctora" }));
    const done = await createCampaignDraft(t.orm, draftInput(tenant, excel, { name: "Confirmada" }));
    await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: done.campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now });
    const all = await listCampaignDrafts(t.orm, tenant.workspaceId, { now });
    expect(all.map((d) => d.name).sort()).toEqual(["Del dueño", "Para la doctora"]);
    expect(all.find((d) => d.campaignId === mine.campaignId)).toMatchObject({ patients: excel.accepted.length, createdByName: "Dueña" });
    expect((await listCampaignDrafts(t.orm, tenant.workspaceId, { now, userId: tenant.doctorId })).map((d) => d.campaignId)).toEqual([forDoctor.campaignId]);
    expect(await listCampaignDrafts(t.orm, tenant.workspaceId, { now: new Date(now.getTime() + 49 * 3_600_000) })).toEqual([]);
  });
});
