// The template library against a real PostgreSQL: the checks before save (every problem per field,
// nothing written), seed 004's variables converted, WhatsApp's rules only for texts that may go by
// WhatsApp, who may edit, duplicate and archive, the list's search, filter and sorts, the usage the
// broadcast sending records (`recordTemplateUse`, kept to its workspace), the preview's credits by
// category, and an AI draft saved with its objective.
import type { MikroORM } from "@mikro-orm/postgresql";
import { formatCoded } from "@rm/catalogue";
import { AuditLog, initOrm, Role, Template, TemplateType, User, workspaceEm } from "@rm/db";
import { createTestDatabase, makeTenant, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountsError,
  checkLibraryEntry,
  createBroadcastTemplate,
  createLibraryEntry,
  duplicateLibraryEntry,
  listLibrary,
  previewLibraryText,
  recordTemplateUse,
  setLibraryEntryArchived,
  updateLibraryEntry,
  ValidationError,
  type Actor,
} from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function tenant(role: Role = Role.OWNER) {
  const t = await makeTenant(orm);
  const em = workspaceEm(orm.em.fork(), t.workspaceId);
  let userId = t.ownerId;
  if (role !== Role.OWNER) {
    const u = em.create(User, { workspace: t.workspaceId, email: `${role.toLowerCase()}-${t.workspaceId.slice(0, 8)}@example.com`, name: role, role, passwordHash: "x" });
    await em.flush();
    userId = u.id;
  }
  const user = await em.findOneOrFail(User, { id: userId }, { populate: ["workspace"] });
  const actor = (now?: Date): Actor => ({ user, ip: "10.1.1.1", ...(now ? { now } : {}) });
  return { ...t, em, actor };
}

const entry = (over: Record<string, unknown> = {}) => ({
  name: "Limpieza semestral",
  objective: "Recordar la limpieza de cada seis meses",
  body: "Hola {{name}}, hace seis meses de tu última limpieza en {{practice}}. ¿Agendamos?",
  category: "MARKETING",
  forWhatsapp: "on",
  ...over,
});

/** The field errors of a refused entry, in Spanish and English. */
function refusal(fn: () => unknown): Record<string, { es: string; en: string }> {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return Object.fromEntries(Object.entries(e.fieldTexts).map(([k, v]) => [k, { es: formatCoded("es", v), en: formatCoded("en", v) }]));
  }
  throw new Error("expected a ValidationError");
}

describe("checking a library entry before save", () => {
  it("names every problem per field at once: empty name, empty text, bad category", () => {
    const errors = refusal(() => checkLibraryEntry({ name: "  ", body: " ", category: "PROMO" }));
    expect(errors.name?.es).toBe("Escriba un nombre.");
    expect(errors.body?.en).toBe("Write the text.");
    expect(errors.category?.es).toMatch(/MARKETING/);
  });

  it("converts seed 004's {nombre_cliente}-style variables to ours, and refuses the ones without an equivalent", () => {
    const ok = checkLibraryEntry(entry({ body: "Hola {nombre_cliente}, le escribe {nombre_asesor} de {consultorio}. Gracias." }));
    expect(ok.body).toBe("Hola {{name}}, le escribe {{doctor}} de {{practice}}. Gracias.");
    const errors = refusal(() => checkLibraryEntry(entry({ body: "Hola {nombre_cliente}, hoy {fecha_actual} le llamamos al {telefono}." })));
    expect(errors.body?.es).toMatch(/^\{fecha_actual\}, \{telefono\} no tiene equivalente/);
    expect(errors.body?.en).toMatch(/has no equivalent here/);
  });

  it("refuses variables a broadcast has no value for (the feedback links, a typo)", () => {
    const errors = refusal(() => checkLibraryEntry(entry({ body: "Hola {{nombre}}, califique aquí: {{ratingLink}} hoy" })));
    expect(errors.body?.es).toBe("Variables desconocidas: {{nombre}}, {{ratingLink}}. Use solo {{name}}, {{practice}}, {{doctor}}.");
  });

  it("applies WhatsApp's formatting rules and length only when the text may go by WhatsApp", () => {
    const edge = entry({ body: "{{name}}, le esperamos en {{practice}}" });
    expect(refusal(() => checkLibraryEntry(edge)).body?.en).toMatch(/cannot start or end with a variable/);
    expect(checkLibraryEntry({ ...edge, forWhatsapp: undefined }).forWhatsapp).toBe(false);
    const adjacent = entry({ body: "Hola {{name}} {{doctor}} le saluda." });
    expect(refusal(() => checkLibraryEntry(adjacent)).body?.es).toMatch(/dos variables juntas/);
    const long = entry({ body: `Hola {{name}}. ${"a".repeat(1100)}` });
    expect(refusal(() => checkLibraryEntry(long)).body?.es).toMatch(/WhatsApp admite 1024/);
    expect(checkLibraryEntry({ ...long, forWhatsapp: "" }).body).toHaveLength(1115);
    expect(refusal(() => checkLibraryEntry({ ...long, body: "x".repeat(1601), forWhatsapp: "" })).body?.en).toBe("The text has 1601 characters; the maximum is 1600.");
  });
});

describe("library entries", () => {
  it("are created, edited, duplicated and archived by the owner and the front desk; a refused save writes nothing", async () => {
    const t = await tenant(Role.RECEPTIONIST);
    await expect(createLibraryEntry(t.em, t.actor(), entry({ body: "Hola {telefono}" }))).rejects.toBeInstanceOf(ValidationError);
    expect(await t.em.count(Template, { type: TemplateType.BROADCAST })).toBe(0);

    const created = await createLibraryEntry(t.em, t.actor(), entry({ body: "Hola {nombre_cliente}, le esperamos en {{practice}}. Gracias." }));
    expect(created).toMatchObject({ type: "BROADCAST", name: "Limpieza semestral", objective: "Recordar la limpieza de cada seis meses", body: "Hola {{name}}, le esperamos en {{practice}}. Gracias.", category: "MARKETING", forWhatsapp: true, usageCount: 0 });

    await expect(updateLibraryEntry(t.em, t.actor(), created.id, entry({ name: "" }))).rejects.toBeInstanceOf(ValidationError);
    await t.em.refresh(created);
    expect(created.name).toBe("Limpieza semestral");
    const edited = await updateLibraryEntry(t.em, t.actor(), created.id, entry({ name: "Limpieza", objective: "", category: "UTILITY" }));
    expect(edited).toMatchObject({ name: "Limpieza", objective: null, category: "UTILITY" });

    await recordTemplateUse(t.em, t.workspaceId, created.id, new Date("2026-11-01T10:00:00Z"));
    const copy = await duplicateLibraryEntry(t.em, t.actor(), created.id);
    expect(copy).toMatchObject({ name: "Limpieza (copia)", body: edited.body, category: "UTILITY", usageCount: 0, lastUsedAt: null, archivedAt: null });
    expect(copy.id).not.toBe(created.id);

    await setLibraryEntryArchived(t.em, t.actor(new Date("2026-11-02T00:00:00Z")), created.id, true);
    expect((await listLibrary(t.em, t.workspaceId)).map((e) => e.name)).toEqual(["Limpieza (copia)"]);
    expect((await listLibrary(t.em, t.workspaceId, { archived: true })).map((e) => [e.name, e.archivedAt?.toISOString() ?? null])).toEqual([
      ["Limpieza", "2026-11-02T00:00:00.000Z"],
      ["Limpieza (copia)", null],
    ]);
    await setLibraryEntryArchived(t.em, t.actor(), created.id, false);
    expect(await listLibrary(t.em, t.workspaceId)).toHaveLength(2);

    const actions = (await t.em.find(AuditLog, { entityType: "template" }, { orderBy: { createdAt: "asc", id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["template.created", "template.edited", "template.duplicated", "template.archived", "template.unarchived"]));
  });

  it("refuses every change to a doctor, and another workspace's entry is not found", async () => {
    const owner = await tenant();
    const created = await createLibraryEntry(owner.em, owner.actor(), entry());
    const doctor = await tenant(Role.DOCTOR);
    const forbidden = (e: unknown) => e instanceof AccountsError && e.code === "forbidden";
    await expect(createLibraryEntry(doctor.em, doctor.actor(), entry())).rejects.toSatisfy(forbidden);
    await expect(setLibraryEntryArchived(doctor.em, doctor.actor(), created.id, true)).rejects.toSatisfy(forbidden);
    const other = await tenant();
    const notFound = (e: unknown) => e instanceof AccountsError && e.code === "not_found";
    await expect(updateLibraryEntry(other.em, other.actor(), created.id, entry({ name: "mío" }))).rejects.toSatisfy(notFound);
    await expect(duplicateLibraryEntry(other.em, other.actor(), created.id)).rejects.toSatisfy(notFound);
    await expect(setLibraryEntryArchived(other.em, other.actor(), created.id, true)).rejects.toSatisfy(notFound);
    await owner.em.refresh(created);
    expect(created).toMatchObject({ name: "Limpieza semestral", archivedAt: null });
  });

  it("lists with search (case and accents ignored) and sorts by last used, usage, name", async () => {
    const t = await tenant();
    const a = await createLibraryEntry(t.em, t.actor(), entry({ name: "Año nuevo", objective: "Horario de fiestas", body: "Hola {{name}}, cerramos el 1 de enero." }));
    const b = await createLibraryEntry(t.em, t.actor(), entry({ name: "Nuevo doctor", objective: null, body: "Hola {{name}}, {{doctor}} se une al equipo." }));
    const c = await createLibraryEntry(t.em, t.actor(), entry({ name: "Limpieza", body: "Hola {{name}}, toca su limpieza." }));
    await recordTemplateUse(t.em, t.workspaceId, a.id, new Date("2026-10-01T00:00:00Z"));
    await recordTemplateUse(t.em, t.workspaceId, a.id, new Date("2026-10-02T00:00:00Z"));
    await recordTemplateUse(t.em, t.workspaceId, a.id, new Date("2026-10-03T00:00:00Z"));
    await recordTemplateUse(t.em, t.workspaceId, b.id, new Date("2026-11-20T00:00:00Z"));
    const names = async (f: Parameters<typeof listLibrary>[2]) => (await listLibrary(t.em, t.workspaceId, f)).map((e) => e.name);
    expect(await names({ sort: "lastUsed" })).toEqual(["Nuevo doctor", "Año nuevo", "Limpieza"]);
    expect(await names({ sort: "usage" })).toEqual(["Año nuevo", "Nuevo doctor", "Limpieza"]);
    expect(await names({ sort: "name" })).toEqual(["Año nuevo", "Limpieza", "Nuevo doctor"]);
    expect(await names({ q: "ANO" })).toEqual(["Año nuevo"]);
    expect(await names({ q: "fiestas" })).toEqual(["Año nuevo"]);
    expect(await names({ q: "equipo" })).toEqual(["Nuevo doctor"]);
    expect(await names({ q: "100%" })).toEqual([]);
    expect(c.id).toBeTruthy();
  });
});

describe("recordTemplateUse (called by the broadcast sending)", () => {
  it("counts each use, never moves the last use back, and changes nothing for another workspace's or a feedback template", async () => {
    const t = await tenant();
    const e = await createLibraryEntry(t.em, t.actor(), entry());
    expect(await recordTemplateUse(t.em, t.workspaceId, e.id, new Date("2026-11-10T09:00:00Z"))).toBe(true);
    expect(await recordTemplateUse(t.em, t.workspaceId, e.id, new Date("2026-11-05T09:00:00Z"))).toBe(true);
    const other = await tenant();
    expect(await recordTemplateUse(other.em, other.workspaceId, e.id, new Date("2026-12-01T00:00:00Z"))).toBe(false);
    const feedback = t.em.create(Template, { workspace: t.workspaceId, type: TemplateType.INITIAL, body: "Hola {{name}}" });
    await t.em.flush();
    expect(await recordTemplateUse(t.em, t.workspaceId, feedback.id, new Date())).toBe(false);
    expect(await recordTemplateUse(t.em, t.workspaceId, "not-an-id", new Date())).toBe(false);
    const [row] = await listLibrary(t.em, t.workspaceId);
    expect(row).toMatchObject({ usageCount: 2, lastUsedAt: new Date("2026-11-10T09:00:00Z") });
    await t.em.refresh(feedback);
    expect(feedback.usageCount).toBe(0);
  });
});

describe("the preview's cost", () => {
  it("charges SMS by segments and WhatsApp by the entry's category at the configured rates, per message and for N", () => {
    const rates = { MARKETING: 3, UTILITY: 1 };
    const body = "Hola {{name}}, le esperamos en {{practice}}. Gracias.";
    const marketing = previewLibraryText({ body, category: "MARKETING" }, { name: "Carmen", practice: "Los Andes" }, 1200, rates);
    expect(marketing).toMatchObject({ text: "Hola Carmen, le esperamos en Los Andes. Gracias.", encoding: "GSM7", segments: 1, credits: { SMS: 1, WHATSAPP: 3 }, total: { SMS: 1200, WHATSAPP: 3600 }, missing: [] });
    const utility = previewLibraryText({ body: `${body} ${"á".repeat(80)}`, category: "UTILITY" }, { name: "Carmen" }, 10, rates);
    expect(utility).toMatchObject({ encoding: "UCS2", segments: 2, credits: { SMS: 2, WHATSAPP: 1 }, total: { SMS: 20, WHATSAPP: 10 }, missing: ["practice"] });
  });
});

describe("an AI draft saved into the library", () => {
  it("keeps the brief's objective and goes through the library's checks", async () => {
    const t = await tenant(Role.RECEPTIONIST);
    await expect(createBroadcastTemplate(t.em, t.actor(), { name: "Fin de año", objective: "Horario", body: "Hola {{ratingLink}} gracias" })).rejects.toBeInstanceOf(ValidationError);
    const saved = await createBroadcastTemplate(t.em, t.actor(), { name: "Fin de año", objective: "Horario de fin de año", body: "Hola {{name}}, cerramos el 1 de enero.", fromAiDraft: true });
    expect(saved).toMatchObject({ type: "BROADCAST", objective: "Horario de fin de año", category: "MARKETING" });
    expect((await listLibrary(t.em, t.workspaceId)).map((e) => e.objective)).toEqual(["Horario de fin de año"]);
  });
});
