// An inbox item against a real database: the item with its timeline, and the status workflow with
// notes — and that another workspace's items, or another doctor's, are never shown or changed. The
// inbox list is the view of threads (inbox-threads.test.ts).
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InboxError, loadInboxItem, updateInboxItem, type InboxViewer } from "../src/index.ts";
import { createTenant, type Tenant } from "./fixtures.ts";

let db: TestDatabase;
let orm: MikroORM;
let a: Tenant;
let b: Tenant;
const ids = {} as Record<string, string>;
let owner: InboxViewer;
let drAna: InboxViewer;
let drLuis: InboxViewer;

const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);
const em = () => orm.em.fork();
const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);

async function expectInboxError(promise: Promise<unknown>, code: InboxError["code"]): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InboxError);
  expect((error as InboxError).code).toBe(code);
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await createTenant(orm, "Clínica A");
  b = await createTenant(orm, "Clínica B");
  const ana = await a.user("Dra. Ana Ríos", "DOCTOR");
  const luis = await a.user("Dr. Luis Vera", "DOCTOR");
  owner = a.viewer(a.owner);
  drAna = a.viewer(ana, "DOCTOR");
  drLuis = a.viewer(luis, "DOCTOR");
  const norte = await a.practice("Sede Norte");
  const sur = await a.practice("Sede Sur");
  const cAna = await a.campaign("Ortodoncia noviembre", norte, ana);
  const cLuis = await a.campaign("Limpiezas noviembre", sur, luis);
  ids.norte = norte;
  ids.cAna = cAna;

  // María (Ana's campaign): request sent, delivered, read; rated 1 by reply; then wrote the form.
  const maria = await a.patient(cAna, "María Cevallos");
  ids.mariaPatient = maria.id;
  await a.message(maria.id, cAna, { type: "INITIAL", sentAt: at("10:00:00"), deliveredAt: at("10:00:05"), readAt: at("10:03:00") });
  const rating = await a.inbound(maria.id, "1", at("10:05:00"), { intent: "RATING", rating: 1 });
  await sql("update patients set rating = 1, rated_at = ?, status = 'RATED' where id = ?", [at("10:05:00"), maria.id]);
  ids.mariaRating = await a.item(maria.id, { source: "RATING", rating: 1, at: at("10:05:00"), inboundId: rating });
  await a.message(maria.id, cAna, { type: "FOLLOWUP_UNHAPPY", sentAt: at("10:05:02"), deliveredAt: at("10:05:04") });
  ids.mariaForm = await a.item(maria.id, { source: "FORM", text: "Esperé una hora y nadie me avisó del retraso.", rating: 1, at: at("10:20:00") });
  const late = await a.inbound(maria.id, "Y encima me cobraron dos veces", at("11:00:00"));
  ids.mariaReply = await a.item(maria.id, { source: "REPLY", text: "Y encima me cobraron dos veces", at: at("11:00:00"), inboundId: late });
  await sql("insert into review_clicks (workspace_id, patient_id, clicked_at) values (?, ?, ?)", [a.ws, maria.id, at("10:21:00")]);

  // Pedro (Luis's campaign): an unreadable reply, already in progress.
  const pedro = await a.patient(cLuis, "Pedro Andrade");
  const q = await a.inbound(pedro.id, "3 o 4", at("09:00:00"));
  ids.pedroReply = await a.item(pedro.id, { source: "REPLY", text: "3 o 4", at: at("09:00:00"), status: "IN_PROGRESS", inboundId: q });
  // Rosa (Luis's campaign): a 2, resolved long ago.
  const rosa = await a.patient(cLuis, "Rosa Mite");
  ids.rosaRating = await a.item(rosa.id, { source: "RATING", rating: 2, at: at("08:00:00"), status: "RESOLVED" });

  // Workspace B: one NEW detractor of its own.
  const pb = await b.practice("Otra clínica");
  const cb = await b.campaign("Campaña B", pb, null);
  const intruder = await b.patient(cb, "Paciente de B");
  ids.bItem = await b.item(intruder.id, { source: "RATING", rating: 1, at: at("12:00:00") });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("doctors", () => {
  it("open the items of their appointments (their campaigns' here)", async () => {
    expect((await loadInboxItem(em(), drAna, ids.mariaForm!)).item.id).toBe(ids.mariaForm);
    expect((await loadInboxItem(em(), drLuis, ids.pedroReply!)).item.id).toBe(ids.pedroReply);
  });

  it("cannot open or change another doctor's item (not found, nothing changes)", async () => {
    await expectInboxError(loadInboxItem(em(), drLuis, ids.mariaForm!), "not_found");
    await expectInboxError(updateInboxItem(em(), drLuis, ids.mariaForm!, { status: "RESOLVED", notes: "no es mío" }), "not_found");
    const [row] = await sql<{ status: string; staff_notes: string | null }>("select status, staff_notes from feedback where id = ?", [ids.mariaForm]);
    expect(row).toEqual({ status: "NEW", staff_notes: null });
  });

  it("follow the appointment's doctor, not the campaign's: an import's doctor column puts the item in that doctor's inbox", async () => {
    const c = await createTenant(orm, "Clínica C");
    const vera = await c.user("Dr. Luis Vera", "DOCTOR");
    const rios = await c.user("Dra. Ana Ríos", "DOCTOR");
    const campaign = await c.campaign("Archivo de recepción", await c.practice("Sede"), vera);
    // One file for both doctors: this appointment was with Dra. Ríos.
    const patient = await c.patient(campaign, "Julia Paz");
    await sql("update patients set doctor_id = ? where id = ?", [rios, patient.id]);
    const item = await c.item(patient.id, { source: "RATING", rating: 1, at: at("13:00:00") });
    const drRios = c.viewer(rios, "DOCTOR");
    const drVera = c.viewer(vera, "DOCTOR");
    expect((await loadInboxItem(em(), drRios, item)).item.id).toBe(item);
    await expectInboxError(loadInboxItem(em(), drVera, item), "not_found");
  });

  it("a receptionist has no inbox", async () => {
    const reception = a.viewer(await a.user("Recepción", "RECEPTIONIST"), "RECEPTIONIST");
    await expectInboxError(loadInboxItem(em(), reception, ids.mariaForm!), "forbidden");
    await expectInboxError(updateInboxItem(em(), reception, ids.mariaForm!, { status: "RESOLVED" }), "forbidden");
  });
});

describe("another workspace", () => {
  it("cannot open or change an item by its id; malformed ids are simply not found", async () => {
    await expectInboxError(loadInboxItem(em(), owner, ids.bItem!), "not_found");
    await expectInboxError(updateInboxItem(em(), owner, ids.bItem!, { status: "RESOLVED", notes: "robado" }), "not_found");
    const [row] = await sql<{ status: string; staff_notes: string | null }>("select status, staff_notes from feedback where id = ?", [ids.bItem]);
    expect(row).toEqual({ status: "NEW", staff_notes: null });
    expect(await sql("select 1 from audit_logs where entity_id = ?", [ids.bItem])).toEqual([]);
    await expectInboxError(loadInboxItem(em(), owner, "not-a-uuid' or 1=1 --"), "not_found");
  });
});

describe("the item", () => {
  it("shows the text, the patient and the patient's whole timeline in that campaign, oldest first", async () => {
    const view = await loadInboxItem(em(), owner, ids.mariaForm!);
    expect(view.item).toMatchObject({ source: "FORM", status: "NEW", rating: 1, text: "Esperé una hora y nadie me avisó del retraso.", staffNotes: null, resolvedAt: null });
    expect(view.item.patient).toMatchObject({ name: "María Cevallos", rating: 1, optedOut: false });
    expect(view.item.campaign.name).toBe("Ortodoncia noviembre");
    const steps = view.timeline.map((e) => [e.kind, e.messageType ?? e.source ?? e.intent ?? null]);
    expect(steps).toEqual([
      ["sent", "INITIAL"],
      ["delivered", "INITIAL"],
      ["read", "INITIAL"],
      ["reply", "RATING"],
      ["rating", null],
      ["feedback", "RATING"],
      ["sent", "FOLLOWUP_UNHAPPY"],
      ["delivered", "FOLLOWUP_UNHAPPY"],
      ["feedback", "FORM"],
      ["review_click", null],
      ["reply", "REPLY"],
    ]);
    expect(view.timeline.filter((e) => e.current).map((e) => e.feedbackId)).toEqual([ids.mariaForm]);
    const times = view.timeline.map((e) => e.at.getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // The reply that went to the inbox is shown once, as the reply, linked to its item.
    expect(view.timeline.at(-1)).toMatchObject({ kind: "reply", text: "Y encima me cobraron dos veces", feedbackId: ids.mariaReply });
  });
});

describe("the item's timeline through a provider outage", () => {
  it("shows the failed attempts before a send, a retry in progress with its next time, and a send given up after the window", async () => {
    const messageOf = (type: string) => "select id from messages where patient_id = ? and type = '" + type + "'";
    const [initial] = await sql<{ id: string }>(messageOf("INITIAL"), [ids.mariaPatient]);
    const [followUp] = await sql<{ id: string }>(messageOf("FOLLOWUP_UNHAPPY"), [ids.mariaPatient]);
    const saved = await sql<Record<string, unknown>>("select id, status, sent_at, delivered_at, failed_at, provider_sid, error_text from messages where id in (?, ?)", [initial!.id, followUp!.id]);
    try {
      // The request went out after two refused connections; the follow-up is waiting for its third try.
      await sql("update messages set retry_since = sent_at - interval '5 minutes', retry_failures = 2, retry_reason = 'refused' where id = ?", [initial!.id]);
      await sql("update messages set status = 'PENDING', sent_at = null, delivered_at = null, provider_sid = null, retry_since = ?, retry_failures = 2, retry_reason = 'refused', next_retry_at = ? where id = ?", [at("10:11:00"), at("10:13:00"), followUp!.id]);
      let view = await loadInboxItem(em(), owner, ids.mariaForm!);
      expect(view.timeline.slice(0, 2).map((e) => [e.kind, e.messageType])).toEqual([["retried", "INITIAL"], ["sent", "INITIAL"]]);
      expect(view.timeline[0]!.retry).toMatchObject({ reason: "refused", failures: 2, gaveUp: false });
      const waiting = view.timeline.find((e) => e.messageType === "FOLLOWUP_UNHAPPY")!;
      expect(waiting).toMatchObject({ kind: "retrying", at: at("10:11:00"), retry: { failures: 2, nextAt: at("10:13:00") } });

      // Six hours later it gave up: one "failed" carrying the streak, no "retrying".
      await sql("update messages set status = 'FAILED', next_retry_at = null, retry_failures = 42, failed_at = ?, error_text = 'No se pudo enviar' where id = ?", [new Date(at("10:11:00").getTime() + 6 * 3_600_000), followUp!.id]);
      view = await loadInboxItem(em(), owner, ids.mariaForm!);
      const ended = view.timeline.filter((e) => e.messageType === "FOLLOWUP_UNHAPPY");
      expect(ended.map((e) => e.kind)).toEqual(["failed"]);
      expect(ended[0]!.retry).toMatchObject({ failures: 42, since: at("10:11:00"), gaveUp: true });
    } finally {
      for (const m of saved) {
        await sql("update messages set status = ?, sent_at = ?, delivered_at = ?, failed_at = ?, provider_sid = ?, error_text = ?, retry_since = null, retry_failures = 0, retry_reason = null, next_retry_at = null where id = ?", [m.status, m.sent_at, m.delivered_at, m.failed_at, m.provider_sid, m.error_text, m.id]);
      }
    }
  });
});

describe("the item's timeline with an SMS fallback", () => {
  it("shows the request once: WhatsApp failed (63003) and the same request sent by SMS", async () => {
    const [initial] = await sql<{ id: string; channel: string; sent_at: Date }>("select id, channel, sent_at from messages where patient_id = ? and type = 'INITIAL'", [ids.mariaPatient]);
    try {
      await sql("update messages set channel = 'SMS', fallback_at = sent_at - interval '1 minute', fallback_from_sid = 'SMfallbackwa', fallback_error_code = 63003 where id = ?", [initial!.id]);
      const view = await loadInboxItem(em(), owner, ids.mariaForm!);
      const request = view.timeline.filter((e) => e.messageType === "INITIAL");
      expect(request.slice(0, 2).map((e) => [e.kind, e.channel])).toEqual([["smsFallback", "SMS"], ["sent", "SMS"]]);
      expect(request[0]).toMatchObject({ errorCode: 63003, fallbackSent: true });
    } finally {
      await sql("update messages set channel = ?, fallback_at = null, fallback_from_sid = null, fallback_error_code = null where id = ?", [initial!.channel, initial!.id]);
    }
  });
});

describe("the workflow", () => {
  it("NEW → IN_PROGRESS with a note → RESOLVED → reopened: resolution recorded and cleared, every change audited with who", async () => {
    const id = ids.mariaForm!;
    const v0 = (await loadInboxItem(em(), owner, id)).item.version;
    expect(await updateInboxItem(em(), drAna, id, { status: "IN_PROGRESS", notes: "  Llamé a la paciente; pide devolución.  ", version: v0 }, { ip: "10.0.0.7", now: new Date("2026-12-01T15:00:00Z") })).toEqual({
      statusChanged: true,
      notesChanged: true,
      status: "IN_PROGRESS",
    });
    let view = await loadInboxItem(em(), owner, id);
    expect(view.item).toMatchObject({ status: "IN_PROGRESS", staffNotes: "Llamé a la paciente; pide devolución.", resolvedAt: null, resolvedByName: null });
    expect(view.item.notesEdited?.by).toBe("Dra. Ana Ríos");

    const resolvedAt = new Date("2026-12-01T15:30:00Z");
    await updateInboxItem(em(), owner, id, { status: "RESOLVED", notes: view.item.staffNotes, version: view.item.version }, { now: resolvedAt });
    view = await loadInboxItem(em(), owner, id);
    expect(view.item).toMatchObject({ status: "RESOLVED", resolvedAt, resolvedByName: "Dueña Clínica A", staffNotes: "Llamé a la paciente; pide devolución." });

    await updateInboxItem(em(), owner, id, { status: "NEW" }, { now: new Date("2026-12-01T16:00:00Z") });
    view = await loadInboxItem(em(), owner, id);
    expect(view.item).toMatchObject({ status: "NEW", resolvedAt: null, resolvedByName: null });

    expect(view.history.map((h) => [h.action, h.from ?? null, h.to ?? null, h.actorName])).toEqual([
      ["status_changed", "RESOLVED", "NEW", "Dueña Clínica A"],
      ["status_changed", "IN_PROGRESS", "RESOLVED", "Dueña Clínica A"],
      ["status_changed", "NEW", "IN_PROGRESS", "Dra. Ana Ríos"],
      ["notes_edited", null, null, "Dra. Ana Ríos"],
    ]);
    const audit = await sql<{ action: string; ip: string | null; details: Record<string, unknown> }>("select action, ip, details from audit_logs where entity_id = ? and ip is not null", [id]);
    expect(audit.map((r) => r.action).sort()).toEqual(["feedback.notes_edited", "feedback.status_changed"]);
    // The notes' words stay out of the audit log.
    expect(JSON.stringify(audit)).not.toContain("devolución");
  });

  it("a save without changes writes nothing; clearing the notes is a change", async () => {
    const id = ids.pedroReply!;
    expect(await updateInboxItem(em(), owner, id, { status: "IN_PROGRESS" })).toMatchObject({ statusChanged: false, notesChanged: false });
    expect(await sql("select 1 from audit_logs where entity_id = ?", [id])).toEqual([]);
    await updateInboxItem(em(), owner, id, { status: "IN_PROGRESS", notes: "revisar" });
    expect(await updateInboxItem(em(), owner, id, { status: "IN_PROGRESS", notes: "   " })).toMatchObject({ notesChanged: true });
    expect((await loadInboxItem(em(), owner, id)).item.staffNotes).toBeNull();
  });

  it("refuses a save over a newer version (the patient wrote again meanwhile) and bad input, changing nothing", async () => {
    const id = ids.mariaRating!;
    const { version } = (await loadInboxItem(em(), owner, id)).item;
    // The worker updates the row (a later rating) after the page was rendered.
    await sql("update feedback set rating = 2, updated_at = now() where id = ?", [id]);
    await expectInboxError(updateInboxItem(em(), owner, id, { status: "RESOLVED", version }), "conflict");
    await expectInboxError(updateInboxItem(em(), owner, id, { status: "DONE" }), "invalid");
    await expectInboxError(updateInboxItem(em(), owner, id, { status: "RESOLVED", notes: "x".repeat(5001) }), "invalid");
    const [row] = await sql<{ status: string; staff_notes: string | null }>("select status, staff_notes from feedback where id = ?", [id]);
    expect(row).toEqual({ status: "NEW", staff_notes: null });
  });
});
