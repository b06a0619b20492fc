// Marketing consent as an import column (SPEC §14): a practice's export may say which patients accepted
// broadcasts, in a column of its own beside the consent to feedback requests. A "yes" grants it, a
// "no" withdraws it, an empty cell leaves it as it is; each change is in the contact's consent history
// with source IMPORT and the file as evidence, and the broadcast audience reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentHistory } from "@rm/messaging";
import { confirmCampaignDraft, createCampaignDraft, fieldForHeader, parsePatientCsv, type PatientCsvResult } from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { makeTenant, type Tenant } from "./helpers.ts";

const PUBLIC_URL = "https://rm.example";
const now = new Date("2026-11-23T13:00:00Z");
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(12);
});
afterAll(async () => t?.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, params);
const csv = (lines: string[]): Promise<PatientCsvResult> => parsePatientCsv(Buffer.from(lines.join("\r\n") + "\r\n", "utf8"));

async function importFile(tenant: Tenant, lines: string[], at: Date, fileName = "citas.csv"): Promise<string> {
  const { campaignId } = await createCampaignDraft(t.orm, {
    workspaceId: tenant.workspaceId,
    practiceId: tenant.practiceId,
    assignedDoctorId: tenant.doctorId,
    createdById: tenant.ownerId,
    name: "Lunes",
    scheduledHoursAfter: 2,
    parsed: await csv(lines),
    fileName,
    now: at,
  });
  await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now: at });
  return campaignId;
}

async function marketing(tenant: Tenant, phone: string) {
  const [c] = await sql<{ id: string; marketing_consent_at: Date | null; marketing_consent_source: string | null }>(
    "select id, marketing_consent_at, marketing_consent_source from contacts where workspace_id = ? and phone = ?",
    [tenant.workspaceId, phone],
  );
  const history = (await consentHistory(t.orm.em.fork(), tenant.workspaceId, c!.id)).filter((e) => e.purpose === "MARKETING");
  return { at: c!.marketing_consent_at ? new Date(c!.marketing_consent_at) : null, source: c!.marketing_consent_source, history: history.map((e) => ({ channel: e.channel, action: e.action, source: e.source, at: e.at.toISOString(), actorId: e.actorId, evidence: e.evidence })) };
}

describe("the marketing-consent column of an import", () => {
  it("reads Spanish and English header names, apart from the consent to feedback requests", () => {
    for (const h of ["Consentimiento marketing", "Acepta publicidad", "PUBLICIDAD", "Marketing consent", "Accepts marketing", "promociones"]) expect(fieldForHeader(h)).toBe("marketingConsent");
    expect(fieldForHeader("Consentimiento")).toBe("consent");
    expect(fieldForHeader("Consent")).toBe("consent");
  });

  it("grants on yes, withdraws on no, leaves an empty cell alone, each change in the consent history with source IMPORT", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    await importFile(
      tenant,
      [
        "Nombre;Teléfono;Fecha;Consentimiento;Acepta publicidad",
        "Ana Peña;0991000201;23/11/2026 10:00;sí;sí",
        "Beto Ruiz;0991000202;23/11/2026 10:00;sí;no",
        "Carla Vera;0991000203;23/11/2026 10:00;sí;",
        "Dario Loor;0991000204;23/11/2026 10:00;sí;quizá",
      ],
      now,
    );
    const granted = await marketing(tenant, "+593991000201");
    expect(granted.at?.toISOString()).toBe(now.toISOString());
    expect(granted.source).toBe("CSV_IMPORT");
    const evidence = "Columna de consentimiento de marketing del archivo «citas.csv»";
    const byChannel = (h: { channel: string }[]) => [...h].sort((x, y) => x.channel.localeCompare(y.channel));
    expect(byChannel(granted.history)).toEqual([
      { channel: "SMS", action: "GRANTED", source: "IMPORT", at: now.toISOString(), actorId: tenant.ownerId, evidence },
      { channel: "WHATSAPP", action: "GRANTED", source: "IMPORT", at: now.toISOString(), actorId: tenant.ownerId, evidence },
    ]);
    for (const phone of ["+593991000202", "+593991000203", "+593991000204"]) expect(await marketing(tenant, phone)).toEqual({ at: null, source: null, history: [] });

    // The next export says Ana no longer accepts, Carla now does, and repeats nothing for Beto.
    const later = new Date(now.getTime() + 86_400_000);
    await importFile(
      tenant,
      ["Name,Phone,Date,Consent,Marketing consent", "Ana Peña,0991000201,24/11/2026 10:00,yes,no", "Carla Vera,0991000203,24/11/2026 10:00,yes,yes", "Beto Ruiz,0991000202,24/11/2026 10:00,yes,no"],
      later,
      "martes.csv",
    );
    const ana = await marketing(tenant, "+593991000201");
    expect(ana.at).toBeNull();
    expect(ana.history.filter((h) => h.action === "WITHDRAWN").map((h) => [h.channel, h.source, h.at, h.evidence]).sort()).toEqual([
      ["SMS", "IMPORT", later.toISOString(), "Columna de consentimiento de marketing del archivo «martes.csv»"],
      ["WHATSAPP", "IMPORT", later.toISOString(), "Columna de consentimiento de marketing del archivo «martes.csv»"],
    ]);
    expect((await marketing(tenant, "+593991000203")).at?.toISOString()).toBe(later.toISOString());
    expect((await marketing(tenant, "+593991000202")).history).toEqual([]);
  });

  it("does not grant it to an opted-out contact, and warns about a value it cannot read", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    await sql("insert into contacts (workspace_id, phone, opted_out_at) values (?, '+593991000301', ?)", [tenant.workspaceId, now]);
    const parsed = await csv(["nombre,telefono,fecha,consentimiento,marketing", "Eva Mora,0991000301,23/11/2026 10:00,si,si", "Fidel Paz,0991000302,23/11/2026 10:00,si,talvez"]);
    expect(parsed.warnings.map((w) => w.code)).toContain("imports.warning.unrecognisedMarketing");
    await importFile(tenant, ["nombre,telefono,fecha,consentimiento,marketing", "Eva Mora,0991000301,23/11/2026 10:00,si,si"], now);
    expect(await marketing(tenant, "+593991000301")).toEqual({ at: null, source: null, history: [] });
  });
});
