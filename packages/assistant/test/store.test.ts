// The knowledge table against a real database: saved and loaded per practice, in the practice's time
// zone, audited with the parts that changed (never the texts), and invisible to another workspace.
import { AuditLog, type EntityManager, Practice, workspaceEm } from "@rm/db";
import { createTestOrm, makeTenant, type TestOrm } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyKnowledge, knowledgeForPractice, loadKnowledge, readPatientQuestion, saveKnowledge } from "../src/index.ts";
import { faqKnowledge } from "./faq-fixture.ts";

let t: TestOrm;
let a: Awaited<ReturnType<typeof makeTenant>>;
let b: Awaited<ReturnType<typeof makeTenant>>;
const em = (workspaceId: string): EntityManager => workspaceEm(t.orm.em.fork(), workspaceId);

beforeAll(async () => {
  t = await createTestOrm(2);
  a = await makeTenant(t.orm);
  b = await makeTenant(t.orm);
});
afterAll(async () => {
  await t?.close();
});

describe("practice knowledge", () => {
  it("is empty until an owner saves it, then loads what was saved in the practice's time zone", async () => {
    const practice = (await em(a.workspaceId).findOne(Practice, { id: a.practiceId }))!;
    expect(await loadKnowledge(em(a.workspaceId), practice)).toEqual({ knowledge: emptyKnowledge("America/Guayaquil"), version: 0 });

    const saved = await saveKnowledge(em(a.workspaceId), { workspaceId: a.workspaceId, userId: a.ownerId, ip: "203.0.113.9" }, practice, faqKnowledge());
    expect(saved.version).toBe(1);
    expect(saved.changed).toEqual(expect.arrayContaining(["hours", "address", "services", "insurance", "parking"]));

    const loaded = await knowledgeForPractice(em(a.workspaceId), a.practiceId);
    expect(loaded?.knowledge).toEqual(faqKnowledge());
    expect(readPatientQuestion(loaded!.knowledge, "¿Tienen parqueadero?", "es")).toMatchObject({ kind: "TOPIC", topic: "PARKING" });

    // The practice moves to another zone: the hours are read in the new one.
    await em(a.workspaceId).nativeUpdate(Practice, { id: a.practiceId }, { timezone: "America/Bogota" });
    expect((await knowledgeForPractice(em(a.workspaceId), a.practiceId))?.knowledge.timezone).toBe("America/Bogota");
  });

  it("audits each save with the parts that changed, never their text, and skips a save that changes nothing", async () => {
    const practice = (await em(a.workspaceId).findOne(Practice, { id: a.practiceId }))!;
    const actor = { workspaceId: a.workspaceId, userId: a.ownerId, ip: null };
    const changed = { ...faqKnowledge(), parking: { es: "Sin parqueadero propio.", en: "" } };
    expect(await saveKnowledge(em(a.workspaceId), actor, practice, changed)).toEqual({ version: 2, changed: ["parking"] });
    expect(await saveKnowledge(em(a.workspaceId), actor, practice, changed)).toEqual({ version: 2, changed: [] });

    const entries = await em(a.workspaceId).find(AuditLog, { action: "practice.knowledge_updated" }, { orderBy: { createdAt: "asc" } });
    expect(entries.map((e) => [e.entityId, e.details])).toEqual([
      [a.practiceId, { version: 1, fields: expect.any(Array) }],
      [a.practiceId, { version: 2, fields: ["parking"] }],
    ]);
    expect(JSON.stringify(entries.map((e) => e.details))).not.toContain("parqueadero");
  });

  it("another workspace neither sees nor loads it", async () => {
    expect(await knowledgeForPractice(em(b.workspaceId), a.practiceId)).toBeNull();
  });

  it("refuses knowledge that does not validate, and saves nothing", async () => {
    const practice = (await em(b.workspaceId).findOne(Practice, { id: b.practiceId }))!;
    const bad = { ...faqKnowledge(), hours: { "1": [{ from: "18:00", to: "08:00" }] } };
    await expect(saveKnowledge(em(b.workspaceId), { workspaceId: b.workspaceId, userId: b.ownerId }, practice, bad)).rejects.toThrow();
    expect((await loadKnowledge(em(b.workspaceId), practice)).version).toBe(0);
  });
});
