// The template library's preview takes a contact's values from here: the name, practice and doctor of
// the contact's latest appointment, only for a contact of the viewer's workspace (another workspace's
// id, or a doctor's non-patient, is "not found" — never its data), and no name once erased.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactsError, recipientValues } from "../src/index.ts";
import { createTenant } from "./fixtures.ts";

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 2 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("recipientValues", () => {
  it("fills name, practice and doctor from the contact's latest appointment, within the workspace only", async () => {
    const a = await createTenant(orm, "Norte");
    const b = await createTenant(orm, "Sur");
    const drVelez = await a.user("Dra. Vélez", "DOCTOR");
    const drMora = await a.user("Dr. Mora", "DOCTOR");
    const older = await a.campaign("Octubre", drMora);
    const { contactId } = await a.patient(older, "Carmen Antigua", "+593991110001", { doctorId: drMora });
    await orm.em.fork().execute("update patients set appointment_at = '2026-10-01T15:00:00Z' where contact_id = ?", [contactId]);
    const newer = await a.campaign("Noviembre", drVelez);
    await a.patient(newer, "Carmen Ruiz", "+593991110001", { doctorId: drVelez });
    const own = await recipientValues(orm.em.fork(), a.viewer(a.owner), contactId);
    expect(own).toEqual({ contactId, phone: "+593991110001", name: "Carmen Ruiz", practice: "Consultorio Norte", doctor: "Dra. Vélez", language: null, erased: false });

    // Workspace B asks for A's contact: not found, and nothing of A's comes back.
    await expect(recipientValues(orm.em.fork(), b.viewer(b.owner), contactId)).rejects.toSatisfy((e: unknown) => e instanceof ContactsError && e.code === "not_found");
    // A doctor of A without an appointment with that contact: not found either.
    const drOther = await a.user("Dr. Otro", "DOCTOR");
    await expect(recipientValues(orm.em.fork(), a.viewer(drOther, "DOCTOR"), contactId)).rejects.toSatisfy((e: unknown) => e instanceof ContactsError && e.code === "not_found");

    await orm.em.fork().execute("update contacts set erased_at = now() where id = ?", [contactId]);
    expect(await recipientValues(orm.em.fork(), a.viewer(a.owner), contactId)).toMatchObject({ name: null, erased: true });
  });
});
