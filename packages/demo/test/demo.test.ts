import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { listLabels } from "@rm/contacts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { knowledgeForPractice, readPatientQuestion, renderAnswer } from "@rm/assistant";
import { getCreditBalance } from "@rm/credits";
import { AuditLog, Campaign, CampaignStatus, ConsentEvent, initOrm, Message, type MikroORM, OutboxEvent, Patient, Plan, Practice, Template, unscopedEm, User, verifyPassword, Workspace, workspaceEm } from "@rm/db";
import { messageSendEvent } from "@rm/events";
import { createTestDatabase, createTestOrm, type TestOrm } from "@rm/test-utils";
import { DEMO, seedDemo } from "../src/index.ts";

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL("..", import.meta.url));

let t: TestOrm;
let orm: MikroORM;
beforeAll(async () => {
  t = await createTestOrm(4);
  orm = t.orm;
});
afterAll(async () => t?.close());

describe("demo seeder", () => {
  it("creates the demo workspace once; a second run duplicates nothing", async () => {
    const now = new Date();
    const first = await seedDemo(orm, now);
    expect(first).toMatchObject({ createdWorkspace: true, createdCampaign: true });
    const snapshot = async () => {
      const em = workspaceEm(orm.em, first.workspaceId);
      return {
        users: await em.count(User, {}),
        practices: await em.count(Practice, {}),
        templates: await em.count(Template, {}),
        campaigns: await em.count(Campaign, {}),
        patients: await em.count(Patient, {}),
        messages: await em.count(Message, {}),
        consentEvents: await em.count(ConsentEvent, {}),
        outbox: await orm.em.fork().count(OutboxEvent, { workspaceId: first.workspaceId }),
        balance: await getCreditBalance(orm.em.fork(), first.workspaceId),
        labels: (await listLabels(orm.em.fork(), first.workspaceId)).map((l) => [l.name, l.contacts]),
        notes: (await orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from contact_notes where workspace_id = ?", [first.workspaceId]))[0]!.n,
        knowledgeSaves: await em.count(AuditLog, { action: "practice.knowledge_updated" }),
      };
    };
    const before = await snapshot();
    const second = await seedDemo(orm);
    expect(second).toMatchObject({ workspaceId: first.workspaceId, createdWorkspace: false, createdCampaign: false });
    expect(await snapshot()).toEqual(before);
    // Six patients of today plus one conversation under way (her request was sent yesterday); the six
    // default texts and two library texts; five feedback consents and two marketing ones, per channel.
    expect(before).toMatchObject({ users: 2, practices: 1, templates: 8, campaigns: 1, patients: 7, messages: 6, consentEvents: 9, outbox: 5, knowledgeSaves: 1 });
    // The contacts page has labels and staff notes to show.
    expect(before.labels).toEqual([
      ["Ortodoncia", 2],
      ["Paciente frecuente", 1],
      ["Primera visita", 2],
    ]);
    expect(before.notes).toBe("3");

    // The demo practice answers from its knowledge (SPEC §16), in Spanish and English.
    const kem = workspaceEm(orm.em.fork(), first.workspaceId);
    const demoPractice = await kem.findOneOrFail(Practice, { name: DEMO.practiceName });
    const { knowledge } = (await knowledgeForPractice(kem, demoPractice.id))!;
    expect(renderAnswer(knowledge, readPatientQuestion(knowledge, "¿Tienen parqueadero?", "es"), "es")).toBe("Parqueadero:\nParqueadero del edificio, la primera hora gratis con el ticket sellado.");
    expect(renderAnswer(knowledge, readPatientQuestion(knowledge, "Is there wifi for patients?", "en"), "en")).toBe("Yes, ask reception for the password.");
    // 2000 granted through the ledger; 2 credits held per scheduled request (5 of the 6 consented).
    expect(before.balance).toEqual({ available: 2000 - 10, held: 10 });

    const em = workspaceEm(orm.em, first.workspaceId);
    const ws = await em.findOneOrFail(Workspace, first.workspaceId);
    expect([ws.name, ws.plan, ws.quietHoursStart, ws.quietHoursEnd]).toEqual([DEMO.workspaceName, Plan.PROFESSIONAL, null, null]);
    const owner = await unscopedEm(orm.em).findOneOrFail(User, { email: DEMO.ownerEmail });
    expect(owner.name).toBe("Dr. Demo");
    expect(await verifyPassword(owner.passwordHash, "demo1234")).toBe(true);
    const practice = await em.findOneOrFail(Practice, { name: "Consultorio Centro" });
    expect(practice.googlePlaceId).toBe("ChIJN1t_tDeuEmsRUsoyG83frY4");
    const templates = await em.find(Template, { type: { $ne: "BROADCAST" } });
    expect(templates.every((tpl) => tpl.isDefault && tpl.language === "es")).toBe(true);
    expect(templates.find((tpl) => tpl.type === "INITIAL")!.body).toContain("{{ratingLink}}");

    const campaign = await em.findOneOrFail(Campaign, {});
    expect(campaign.status).toBe(CampaignStatus.ACTIVE);
    const patients = (await em.find(Patient, {}, { orderBy: { appointmentAt: "asc" } })).filter((p) => p.name !== "Elena Vásquez");
    expect(patients.every((p) => /^\+5939\d{8}$/.test(p.phone))).toBe(true);
    expect(patients.filter((p) => !p.consent).map((p) => p.skipReason)).toEqual(["NO_CONSENT"]);
    for (const p of patients) {
      const hoursAgo = (now.getTime() - p.appointmentAt.getTime()) / 3_600_000;
      expect(hoursAgo).toBeGreaterThan(0);
      expect(hoursAgo).toBeLessThanOrEqual(4);
    }
    // Sends for appointments ≥ 2 h ago are due at once.
    const outbox = await orm.em.fork().find(OutboxEvent, { workspaceId: first.workspaceId });
    expect(outbox.every((o) => o.stream === "dispatch" && o.type === "message.send" && o.idempotencyKey === messageSendEvent.key((o.payload as { messageId: string }).messageId))).toBe(true);
    expect(outbox.filter((o) => o.availableAt.getTime() <= now.getTime())).toHaveLength(4);
  });
});

describe("the demo conversation", () => {
  it("has a patient's question waiting in its thread, answerable inside WhatsApp's window", async () => {
    const { workspaceId } = await seedDemo(orm);
    const rows = await orm.em.fork().execute<{ status: string; waiting: boolean; body: string; window: string | null }[]>(
      `select cv.status, cv.waiting_since is not null as waiting, i.body, c.last_inbound_at ->> cv.sender_address as window
         from conversations cv join inbound_messages i on i.conversation_id = cv.id join contacts c on c.id = cv.contact_id
        where cv.workspace_id = ? and cv.channel = 'WHATSAPP'`,
      [workspaceId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "OPEN", waiting: true, body: "¿Atienden los sábados? Necesito otra cita para mi hijo" });
    expect(Date.now() - new Date(rows[0]!.window!).getTime()).toBeLessThan(24 * 3_600_000);
  });
});

describe("the demo's broadcasts and web chat", () => {
  it("has two library texts, two contacts who gave marketing consent and a web chat visitor waiting as a lead", async () => {
    const { workspaceId } = await seedDemo(orm);
    const sql = <T>(q: string) => orm.em.fork().execute<T[]>(q, [workspaceId]);
    const library = await sql<{ name: string; category: string }>("select name, category from templates where workspace_id = ? and type = 'BROADCAST' order by name");
    expect(library).toEqual([
      { name: "Horario de feriado", category: "UTILITY" },
      { name: "Recordatorio de limpieza", category: "MARKETING" },
    ]);
    const consenting = await sql<{ name: string }>(
      "select p.name from contacts c join patients p on p.contact_id = c.id where c.workspace_id = ? and c.marketing_consent_at is not null order by p.name",
    );
    expect(consenting.map((r) => r.name)).toEqual(["Juan Pérez", "María García"]);
    const [chat] = await sql<{ status: string; waiting: boolean; name: string; source: string; lead_status: string; body: string }>(
      `select cv.status, cv.waiting_since is not null as waiting, c.name, c.source, c.lead_status, i.body
         from conversations cv join contacts c on c.id = cv.contact_id join inbound_messages i on i.conversation_id = cv.id
        where cv.workspace_id = ? and cv.channel = 'WEB'`,
    );
    expect(chat).toMatchObject({ status: "OPEN", waiting: true, name: "Sofía Cárdenas", source: "WIDGET", lead_status: "NEW" });
  });
});

describe("npm run db:seed", () => {
  it("writes the demo workspace through the command npm start runs, and prints the demo login", async () => {
    const fresh = await createTestDatabase();
    const freshOrm = await initOrm({ databaseUrl: fresh.url, poolMax: 2 });
    try {
      const out = await run(process.execPath, ["src/bin/seed-demo.ts"], { cwd: pkgDir, env: { ...process.env, DATABASE_URL: fresh.url, DATABASE_DIRECT_URL: "" } });
      const owner = await unscopedEm(freshOrm.em).findOneOrFail(User, { email: DEMO.ownerEmail });
      expect(out.stdout).toBe(`Demo workspace created (${owner.workspace.id}); login ${DEMO.ownerEmail} / ${DEMO.password}\n`);
      expect(await getCreditBalance(freshOrm.em.fork(), owner.workspace.id)).toEqual({ available: DEMO.credits - 10, held: 10 });
    } finally {
      await freshOrm.close(true);
      await fresh.drop();
    }
  });
});
