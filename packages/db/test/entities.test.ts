import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuditLog,
  BillingEvent,
  Campaign,
  CampaignStatus,
  Channel,
  Contact,
  ConsentSource,
  CreditLedgerEntry,
  Feedback,
  FeedbackStatus,
  InboundMessage,
  InboundIntent,
  Message,
  MessageStatus,
  MessageType,
  OutboxEvent,
  Patient,
  PatientStatus,
  Practice,
  ReviewClick,
  Role,
  Template,
  TemplateType,
  User,
  Workspace,
  enqueueOutbox,
  hashPassword,
  unscopedEm,
  verifyPassword,
  workspaceEm,
} from "../src/index.ts";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
let tenant: Awaited<ReturnType<typeof makeTenant>>;

beforeAll(async () => {
  t = await createTestOrm();
  tenant = await makeTenant(t.orm);
});
afterAll(async () => t?.close());

const scoped = () => workspaceEm(t.orm.em, tenant.workspaceId);

/** Builds one row of every tenant entity and returns their ids. */
async function buildGraph() {
  const em = scoped();
  const ws = await em.findOneOrFail(Workspace, tenant.workspaceId);
  const owner = await em.findOneOrFail(User, tenant.ownerId);
  const practice = await em.findOneOrFail(Practice, tenant.practiceId);
  const template = em.create(Template, { workspace: ws, type: TemplateType.INITIAL, body: "Hola {{name}}", isDefault: true });
  const campaign = em.create(Campaign, { workspace: ws, practice, createdBy: owner, assignedDoctor: owner, name: "Noviembre" });
  const contact = em.create(Contact, {
    workspace: ws,
    phone: "+593987650001",
    whatsappConsentAt: new Date("2026-11-01T10:00:00Z"),
    whatsappConsentSource: ConsentSource.CSV_IMPORT,
    lastInboundAt: { "whatsapp:+15550001111": "2026-11-02T10:00:00.000Z" },
  });
  const patient = em.create(Patient, {
    workspace: ws,
    campaign,
    contact,
    name: "Juan Pérez",
    phone: contact.phone!,
    appointmentAt: new Date("2026-11-02T15:00:00Z"),
    preferredChannel: Channel.WHATSAPP,
    consent: true,
  });
  const message = em.create(Message, {
    workspace: ws,
    patient,
    campaign,
    type: MessageType.INITIAL,
    channel: Channel.WHATSAPP,
    toAddress: `whatsapp:${contact.phone}`,
    providerSid: "SM0000000000000000000000000000001",
    segments: 1,
  });
  const inbound = em.create(InboundMessage, {
    workspace: ws,
    patient,
    inReplyTo: message,
    providerSid: "SM0000000000000000000000000000002",
    channel: Channel.WHATSAPP,
    fromAddress: `whatsapp:${contact.phone}`,
    toAddress: "whatsapp:+15550001111",
    body: "5 estrellas",
    intent: InboundIntent.RATING,
    rating: 5,
    receivedAt: new Date("2026-11-02T18:00:00Z"),
  });
  const feedback = em.create(Feedback, { workspace: ws, patient, text: "La espera fue larga", rating: 2 });
  const click = em.create(ReviewClick, { workspace: ws, patient, userAgent: "Mozilla/5.0" });
  const audit = em.create(AuditLog, { workspace: ws, actor: owner, action: "campaign.created", entityType: "Campaign", entityId: campaign.id, ip: "127.0.0.1", details: { rows: 1 } });
  const billing = em.create(BillingEvent, { stripeEventId: `evt_${patient.id}`, type: "invoice.paid", workspaceId: ws.id, payload: { id: "evt" } });
  await em.flush();
  return { template, campaign, contact, patient, message, inbound, feedback, click, audit, billing };
}

describe("entities", () => {
  it("persist and load back with defaults (round trip of each entity)", async () => {
    const g = await buildGraph();
    const em = scoped();

    const ws = await em.findOneOrFail(Workspace, tenant.workspaceId);
    expect(ws.timezone).toBe("America/Guayaquil");
    expect(ws.quietHoursStart).toBe("20:00");
    expect(ws.quietHoursEnd).toBe("08:00");
    expect(ws.reviewPolicy).toBe("open");
    expect(ws.contactCooldownDays).toBe(60);
    expect(ws.maxAppointmentAgeDays).toBe(7);
    expect(ws.reminderAfterHours).toBe(24);
    expect(ws.defaultCountry).toBe("EC");
    expect(ws.providerHandlesOptOut).toBe(true);
    expect(ws.whatsappContentSids).toEqual({});
    expect(ws.createdAt).toBeInstanceOf(Date);

    const template = await em.findOneOrFail(Template, g.template.id);
    expect([template.type, template.language, template.isDefault]).toEqual([TemplateType.INITIAL, "es", true]);

    const campaign = await em.findOneOrFail(Campaign, g.campaign.id, { populate: ["practice", "assignedDoctor", "createdBy"] });
    expect(campaign.status).toBe(CampaignStatus.DRAFT);
    expect(campaign.scheduledHoursAfter).toBe(2);
    expect(campaign.practice.name).toMatch(/^Practice/);
    expect(campaign.assignedDoctor?.id).toBe(tenant.ownerId);

    const contact = await em.findOneOrFail(Contact, g.contact.id);
    expect(contact.lastInboundAt).toEqual({ "whatsapp:+15550001111": "2026-11-02T10:00:00.000Z" });
    expect(contact.whatsappConsentAt?.toISOString()).toBe("2026-11-01T10:00:00.000Z");
    expect(contact.optedOutAt).toBeNull();

    const patient = await em.findOneOrFail(Patient, g.patient.id);
    expect(patient.status).toBe(PatientStatus.PENDING);
    expect(patient.publicToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(patient.tokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(patient.appointmentAt.toISOString()).toBe("2026-11-02T15:00:00.000Z");
    expect(patient.language).toBe("es");

    const message = await em.findOneOrFail(Message, g.message.id);
    expect(message.status).toBe(MessageStatus.PENDING);
    expect(message.creditsHeld).toBe(0);
    expect(message.providerSid).toBe("SM0000000000000000000000000000001");

    const inbound = await em.findOneOrFail(InboundMessage, g.inbound.id);
    expect([inbound.intent, inbound.rating, inbound.inReplyTo?.id]).toEqual([InboundIntent.RATING, 5, g.message.id]);

    const feedback = await em.findOneOrFail(Feedback, g.feedback.id);
    expect([feedback.status, feedback.source]).toEqual([FeedbackStatus.NEW, "FORM"]);

    expect((await em.findOneOrFail(ReviewClick, g.click.id)).clickedAt).toBeInstanceOf(Date);
    expect((await em.findOneOrFail(AuditLog, g.audit.id)).details).toEqual({ rows: 1 });
    expect((await em.findOneOrFail(BillingEvent, g.billing.id)).payload).toEqual({ id: "evt" });
  });

  it("ids exist before flush, so they can go into an outbox payload in the same transaction", () => {
    const em = scoped();
    const ws = em.getReference(Workspace, tenant.workspaceId);
    const contact = em.create(Contact, { workspace: ws, phone: "+593987650099" });
    expect(contact.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("user emails are globally unique and stored lowercased", async () => {
    const other = await makeTenant(t.orm);
    const em = workspaceEm(t.orm.em, other.workspaceId);
    const u = em.create(User, { workspace: other.workspaceId, email: "  Dra.Lopez@Example.COM ", name: "Dra. López", role: Role.DOCTOR, passwordHash: "x" });
    await em.flush();
    // Normalised on the way to the database, and in lookups too (login by a mixed-case address).
    const found = await workspaceEm(t.orm.em, other.workspaceId).findOneOrFail(User, { email: "DRA.LOPEZ@example.com " });
    expect(found.id).toBe(u.id);
    expect(found.email).toBe("dra.lopez@example.com");

    const em2 = workspaceEm(t.orm.em, tenant.workspaceId);
    em2.create(User, { workspace: tenant.workspaceId, email: "dra.lopez@example.com", name: "Otra", role: Role.DOCTOR, passwordHash: "x" });
    await expect(em2.flush()).rejects.toThrow(/users_email_unique/);

    // Bypassing the ORM does not bypass the rule.
    await expect(
      t.orm.em.fork().execute("insert into users (workspace_id, email, password_hash, name, role) values (?, 'MiXeD@example.com', 'x', 'n', 'OWNER')", [tenant.workspaceId]),
    ).rejects.toThrow(/users_email_check/);
  });

  it("a phone is one contact per workspace, but may exist in two workspaces", async () => {
    const other = await makeTenant(t.orm);
    const a = scoped();
    a.create(Contact, { workspace: tenant.workspaceId, phone: "+593987650777" });
    await a.flush();
    const b = workspaceEm(t.orm.em, other.workspaceId);
    b.create(Contact, { workspace: other.workspaceId, phone: "+593987650777" });
    await b.flush();
    const again = scoped();
    again.create(Contact, { workspace: tenant.workspaceId, phone: "+593987650777" });
    await expect(again.flush()).rejects.toThrow(/contacts_workspace_phone_uq/);
  });

  it("rejects garbage in status columns, bad phones and out-of-range ratings", async () => {
    const g = await buildGraphOnce();
    const em = t.orm.em.fork();
    await expect(em.execute("update messages set status = 'DELIVERD' where id = ?", [g.message.id])).rejects.toThrow(/messages_status_check/);
    await expect(em.execute("update campaigns set status = 'RUNNING' where id = ?", [g.campaign.id])).rejects.toThrow(/campaigns_status_check/);
    await expect(em.execute("update patients set rating = 6 where id = ?", [g.patient.id])).rejects.toThrow(/patients_rating_check/);
    await expect(em.execute("update contacts set phone = '0987654321' where id = ?", [g.contact.id])).rejects.toThrow(/contacts_phone_check/);
    await expect(em.execute("update workspaces set quiet_hours_start = '25:00' where id = ?", [tenant.workspaceId])).rejects.toThrow(/quiet_hours_start_check/);
  });

  it("provider sids are unique when present; many messages may have none yet", async () => {
    const g = await buildGraphOnce();
    const em = scoped();
    const base = { workspace: tenant.workspaceId, patient: g.patient.id, campaign: g.campaign.id, channel: Channel.SMS, toAddress: "+593987650001" };
    em.create(Message, { ...base, type: MessageType.OPT_OUT_CONFIRMATION });
    em.create(Message, { ...base, type: MessageType.OPT_OUT_CONFIRMATION });
    await em.flush();
    const dup = scoped();
    dup.create(Message, { ...base, type: MessageType.STAFF_ALERT, campaign: null, providerSid: "SM0000000000000000000000000000001" });
    await expect(dup.flush()).rejects.toThrow(/messages_provider_sid_uq/);
  });

  it("a patient gets at most one INITIAL, one REMINDER and one follow-up of either kind", async () => {
    const g = await buildGraphOnce();
    const base = { workspace: tenant.workspaceId, patient: g.patient.id, campaign: g.campaign.id, channel: Channel.SMS, toAddress: "+593987650001" };
    const insert = (type: MessageType) => {
      const em = scoped();
      em.create(Message, { ...base, type });
      return em.flush();
    };
    await expect(insert(MessageType.INITIAL)).rejects.toThrow(/messages_patient_once_uq/);
    await insert(MessageType.REMINDER);
    await expect(insert(MessageType.REMINDER)).rejects.toThrow(/messages_patient_once_uq/);
    await insert(MessageType.FOLLOWUP_HAPPY);
    await expect(insert(MessageType.FOLLOWUP_UNHAPPY)).rejects.toThrow(/messages_patient_once_uq/);
    // The other types are any number per patient (they are null in the key, and nulls never conflict).
    const replies = scoped();
    replies.create(Message, { ...base, type: MessageType.STAFF_REPLY, campaign: null });
    replies.create(Message, { ...base, type: MessageType.STAFF_REPLY, campaign: null });
    await replies.flush();
  });

  it("a review click counts once per patient", async () => {
    const g = await buildGraphOnce();
    const em = scoped();
    em.create(ReviewClick, { workspace: tenant.workspaceId, patient: g.patient.id });
    await expect(em.flush()).rejects.toThrow(/review_clicks_patient_uq/);
  });

  it("ledger entries apply once per (workspace, kind, reference) and carry the right sign", async () => {
    const em = t.orm.em.fork();
    const insert = (kind: string, amount: number, ref: string) =>
      em.execute("insert into credit_ledger_entries (workspace_id, kind, amount, reference) values (?, ?, ?, ?)", [tenant.workspaceId, kind, amount, ref]);
    await insert("grant", 10, "g1");
    await expect(insert("grant", 10, "g1")).rejects.toThrow(/credit_ledger_once_uq/);
    await expect(insert("hold", 5, "h1")).rejects.toThrow(/amount_check/);
    await expect(insert("refund", -5, "r1")).rejects.toThrow(/amount_check/);
    const rows = await workspaceEm(t.orm.em, tenant.workspaceId).find(CreditLedgerEntry, { reference: "g1" });
    expect(rows.map((r) => [r.kind, r.amount])).toEqual([["grant", 10]]);
  });

  it("outbox: identity ids, defaults, idempotent enqueue, and a statement-level NOTIFY trigger", async () => {
    const em = t.orm.em.fork();
    const due = new Date("2026-11-23T10:00:00Z");
    const n = await em.transactional((tem) =>
      enqueueOutbox(tem, [
        { workspaceId: tenant.workspaceId, stream: "dispatch", type: "message.send", payload: { messageId: "m1" }, idempotencyKey: "entities-test:m1", availableAt: due, traceContext: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
        { workspaceId: null, stream: "periodic", type: "outbox.sweep", payload: {}, idempotencyKey: "entities-test:sweep:1", availableAt: due },
      ]),
    );
    expect(n).toBe(2);
    expect(await enqueueOutbox(em, { workspaceId: tenant.workspaceId, stream: "dispatch", type: "message.send", payload: { messageId: "m1" }, idempotencyKey: "entities-test:m1", availableAt: due })).toBe(0);

    const rows = await em.find(OutboxEvent, {}, { orderBy: { id: "asc" } });
    expect(rows).toHaveLength(2);
    expect(BigInt(rows[1]!.id)).toBeGreaterThan(BigInt(rows[0]!.id));
    expect(rows[0]).toMatchObject({ status: "pending", publishCount: 0, stream: "dispatch", payload: { messageId: "m1" }, publishedAt: null, doneAt: null });
    expect(rows[0]!.availableAt.toISOString()).toBe(due.toISOString());

    await expect(em.execute("insert into outbox (id, stream, type, payload, idempotency_key, available_at) values (999, 's', 't', '{}', 'k', now())")).rejects.toThrow(/generated always|GENERATED ALWAYS|cannot insert/i);
    await expect(em.execute("update outbox set status = 'weird' where id = ?", [rows[0]!.id])).rejects.toThrow(/outbox_status_check/);

    const [trigger] = await em.execute<{ tgname: string; statement_level: boolean; on_insert: boolean }[]>(
      "select tgname, (tgtype & 1) = 0 as statement_level, (tgtype & 4) <> 0 as on_insert from pg_trigger where tgrelid = 'outbox'::regclass and not tgisinternal",
    );
    expect(trigger).toEqual({ tgname: "outbox_notify", statement_level: true, on_insert: true });
    const idx = await em.execute<{ indexname: string; indexdef: string }[]>("select indexname, indexdef from pg_indexes where tablename = 'outbox' order by indexname");
    const defs = Object.fromEntries(idx.map((i) => [i.indexname, i.indexdef]));
    expect(defs.outbox_claim_idx).toMatch(/\(available_at, id\) WHERE \(status = 'pending'::text\)/);
    expect(defs.outbox_sweep_idx).toMatch(/\(published_at\) WHERE \(status = 'published'::text\)/);
    expect(defs.outbox_finished_idx).toMatch(/\(available_at\) WHERE \(status = ANY \(ARRAY\['done'::text, 'cancelled'::text\]\)\)/);
    expect(defs.outbox_status_available_idx).toBeUndefined();
  });

  it("unscopedEm reads across tenants only when asked to", async () => {
    const users = await unscopedEm(t.orm.em).find(User, {});
    expect(new Set(users.map((u) => u.workspace.id)).size).toBeGreaterThan(1);
  });
});

describe("passwords", () => {
  it("hash with argon2id and verify", async () => {
    const h = await hashPassword("demo1234");
    expect(h).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(h, "demo1234")).toBe(true);
    expect(await verifyPassword(h, "demo12345")).toBe(false);
    expect(await verifyPassword("not-a-hash", "demo1234")).toBe(false);
  });
});

let graph: Awaited<ReturnType<typeof buildGraph>> | undefined;
async function buildGraphOnce() {
  graph ??= await (async () => {
    // A second graph needs its own phone and sids; reuse the first one built instead.
    const em = scoped();
    const existing = await em.findOne(Patient, { phone: "+593987650001" });
    if (!existing) return buildGraph();
    return {
      patient: existing,
      campaign: existing.campaign,
      contact: existing.contact,
      message: await em.findOneOrFail(Message, { providerSid: "SM0000000000000000000000000000001" }),
    } as unknown as Awaited<ReturnType<typeof buildGraph>>;
  })();
  return graph;
}
