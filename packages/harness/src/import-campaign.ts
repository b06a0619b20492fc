// Writes a benchmark's messages the way staff create them: through `createCampaignFromRows`, the
// code path of the CSV upload's confirm step (contacts, patients, messages, credit holds and outbox
// rows in one transaction per upload), so a pipeline figure includes the real cost of getting work
// into the outbox. A practice group's day arrives as many uploads, one per practice list, so the
// messages are written as consecutive uploads of `uploadRows` patients each.
import type { MikroORM } from "@mikro-orm/postgresql";
import { createCampaignFromRows, type CampaignRowInput } from "@rm/importer";
import { createScenario } from "@rm/test-utils";

export interface ImportedCampaigns {
  workspaceId: string;
  campaignIds: string[];
  messageIds: string[];
}

export interface ImportCampaignsOptions {
  patients: number;
  /** When the rating requests are due: each appointment is `scheduledHoursAfter` (2 h) before it. */
  dueAt: Date;
  /** Patients per upload (default 1,000). */
  uploadRows?: number;
  /** First phone number; patient i gets base + i (Ecuadorian mobiles). */
  phoneBase?: number;
  publicUrl: string;
}

const HOURS_AFTER = 2;

export const importTimings: Record<string, number> = {};

export async function importCampaigns(orm: MikroORM, o: ImportCampaignsOptions): Promise<ImportedCampaigns> {
  // The workspace, its owner, practice and credits (a rating request with its link and follow-up
  // holds up to 8 segments); the scenario's own campaign stays empty.
  const ws = await createScenario(orm, { patients: 0, dueAt: o.dueAt, credits: o.patients * 10 + 10 });
  const appointmentAt = new Date(o.dueAt.getTime() - HOURS_AFTER * 3_600_000);
  const phoneBase = o.phoneBase ?? 593_960_000_000;
  const uploadRows = o.uploadRows ?? 1_000;
  const campaignIds: string[] = [];
  const messageIds: string[] = [];
  for (let start = 0; start < o.patients; start += uploadRows) {
    const rows: CampaignRowInput[] = [];
    for (let i = start; i < Math.min(o.patients, start + uploadRows); i++) {
      rows.push({ line: i - start + 2, name: `Paciente ${i}`, phone: `+${phoneBase + i}`, appointmentAt, consent: true, channel: "SMS" });
    }
    const result = await createCampaignFromRows(orm, {
      workspaceId: ws.workspaceId,
      practiceId: ws.practiceId,
      assignedDoctorId: null,
      createdById: ws.ownerId,
      name: `Lista ${campaignIds.length + 1}`,
      channel: "SMS",
      rows,
      scheduledHoursAfter: HOURS_AFTER,
      publicUrl: o.publicUrl,
      now: o.dueAt,
    });
    for (const [k, v] of Object.entries(result.timingsMs)) importTimings[k] = (importTimings[k] ?? 0) + v;
    const scheduled = result.patients.flatMap((p) => (p.messageId ? [p.messageId] : []));
    if (scheduled.length !== rows.length) throw new Error(`upload ${campaignIds.length + 1}: ${rows.length - scheduled.length} of ${rows.length} patients were skipped (${JSON.stringify(result.counts.skippedBy)})`);
    campaignIds.push(result.campaignId);
    messageIds.push(...scheduled);
  }
  return { workspaceId: ws.workspaceId, campaignIds, messageIds };
}
