import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuditLog,
  Campaign,
  Channel,
  Contact,
  CreditLedgerEntry,
  Feedback,
  InboundMessage,
  Message,
  MessageType,
  MissingWorkspaceScopeError,
  Patient,
  Practice,
  ReviewClick,
  Template,
  TemplateType,
  User,
  Workspace,
  assertScopedSql,
  LedgerKind,
  scopedQuery,
  scopedQueryBound,
  unscopedEm,
  workspaceEm,
  type EntityManager,
} from "../src/index.ts";
import { makeTenant, createTestOrm, type TestOrm } from "@rm/test-utils";

let t: TestOrm;
let A: Awaited<ReturnType<typeof makeTenant>>;
let B: Awaited<ReturnType<typeof makeTenant>>;
const ids: Record<string, Record<"A" | "B", string>> = {};

/** One row of every tenant entity in the given workspace; the same phone in both tenants. */
async function populate(tenant: typeof A, key: "A" | "B") {
  const em = workspaceEm(t.orm.em, tenant.workspaceId);
  const ws = tenant.workspaceId;
  const template = em.create(Template, { workspace: ws, type: TemplateType.HELP, body: `help ${key}` });
  const campaign = em.create(Campaign, { workspace: ws, practice: tenant.practiceId, createdBy: tenant.ownerId, name: `campaign ${key}` });
  const contact = em.create(Contact, { workspace: ws, phone: "+593987651234" });
  const patient = em.create(Patient, { workspace: ws, campaign, contact, name: `patient ${key}`, phone: contact.phone!, appointmentAt: new Date(), preferredChannel: Channel.SMS });
  const message = em.create(Message, { workspace: ws, patient, campaign, type: MessageType.INITIAL, channel: Channel.SMS, toAddress: contact.phone! });
  const inbound = em.create(InboundMessage, { workspace: ws, patient, providerSid: `SMin${key}${ws}`, channel: Channel.SMS, fromAddress: contact.phone!, toAddress: "+15550000000", receivedAt: new Date() });
  const feedback = em.create(Feedback, { workspace: ws, patient, text: `feedback ${key}` });
  const click = em.create(ReviewClick, { workspace: ws, patient });
  const audit = em.create(AuditLog, { workspace: ws, action: "test", entityType: "Workspace", entityId: ws });
  // The entity's scoping only (the ledger's rules are @rm/credits'): a grant written as a plain row.
  const ledger = em.create(CreditLedgerEntry, { workspace: ws, kind: LedgerKind.GRANT, amount: 5, reference: "scoping-test" });
  await em.flush();
  const rows = {
    Workspace: ws,
    User: tenant.ownerId,
    Practice: tenant.practiceId,
    Template: template.id,
    Campaign: campaign.id,
    Contact: contact.id,
    Patient: patient.id,
    Message: message.id,
    InboundMessage: inbound.id,
    Feedback: feedback.id,
    ReviewClick: click.id,
    AuditLog: audit.id,
    CreditLedgerEntry: ledger.id,
  };
  for (const [name, id] of Object.entries(rows)) (ids[name] ??= { A: "", B: "" })[key] = id;
}

const tenantEntities = {
  Workspace,
  User,
  Practice,
  Template,
  Campaign,
  Contact,
  Patient,
  Message,
  InboundMessage,
  Feedback,
  ReviewClick,
  AuditLog,
  CreditLedgerEntry,
} as const;

beforeAll(async () => {
  t = await createTestOrm();
  A = await makeTenant(t.orm);
  B = await makeTenant(t.orm);
  await populate(A, "A");
  await populate(B, "B");
});
afterAll(async () => t?.close());

describe("workspace filter", () => {
  for (const [name, entity] of Object.entries(tenantEntities)) {
    it(`${name}: a query under workspace A never returns B's rows`, async () => {
      const rows = await workspaceEm(t.orm.em, A.workspaceId).find(entity as typeof Workspace, {});
      expect(rows.length).toBeGreaterThan(0);
      const found = rows.map((r) => (r as { id: string }).id);
      expect(found).toContain(ids[name]!.A);
      expect(found).not.toContain(ids[name]!.B);
      // and the count agrees
      expect(await workspaceEm(t.orm.em, A.workspaceId).count(entity as typeof Workspace, {})).toBe(rows.length);
    });

    it(`${name}: find by id of B's row under A → null`, async () => {
      const em = workspaceEm(t.orm.em, A.workspaceId);
      expect(await em.findOne(entity as typeof Workspace, ids[name]!.B)).toBeNull();
      expect(await em.findOne(entity as typeof Workspace, ids[name]!.A)).not.toBeNull();
    });

    it(`${name}: a query without a workspace throws`, async () => {
      await expect(t.orm.em.fork().find(entity as typeof Workspace, {})).rejects.toThrow(/workspace/);
    });
  }

  it("the error for a missing scope is explicit", async () => {
    const em = t.orm.em.fork();
    em.setFilterParams("workspace", {});
    await expect(em.findOne(Patient, ids.Patient!.B)).rejects.toBeInstanceOf(MissingWorkspaceScopeError);
  });

  it("a filter on a where clause naming B's workspace still yields nothing under A", async () => {
    const em = workspaceEm(t.orm.em, A.workspaceId);
    expect(await em.find(Patient, { workspace: B.workspaceId })).toEqual([]);
    expect(await em.find(Patient, { phone: "+593987651234" })).toHaveLength(1);
  });

  it("bulk updates and deletes are scoped too", async () => {
    const em = workspaceEm(t.orm.em, A.workspaceId);
    const updated = await em.nativeUpdate(Template, { type: TemplateType.HELP }, { body: "changed by A" });
    expect(updated).toBe(1);
    const b = await workspaceEm(t.orm.em, B.workspaceId).findOneOrFail(Template, ids.Template!.B);
    expect(b.body).toBe("help B");
  });

  it("populated relations do not leak either", async () => {
    const em = workspaceEm(t.orm.em, A.workspaceId);
    const msgs = await em.find(Message, {}, { populate: ["patient", "campaign"] });
    expect(msgs.every((m) => m.patient?.name === "patient A" && m.campaign?.name === "campaign A")).toBe(true);
  });

  it("rejects a workspace id that is not a uuid", () => {
    expect(() => workspaceEm(t.orm.em, "' or 1=1 --")).toThrow(MissingWorkspaceScopeError);
  });

  it("unscopedEm is the visible opt-out", async () => {
    const users = await unscopedEm(t.orm.em).find(User, { id: [A.ownerId, B.ownerId] });
    expect(users).toHaveLength(2);
  });

  it("workspaceEm keeps the caller's transaction", async () => {
    await t.orm.em.fork().transactional(async (tem) => {
      const em = workspaceEm(tem, A.workspaceId);
      em.create(Practice, { workspace: A.workspaceId, name: "rolled back" });
      await em.flush();
      expect(await workspaceEm(tem, A.workspaceId).count(Practice, { name: "rolled back" })).toBe(1);
      tem.getTransactionContext(); // still inside
      throw new Error("rollback");
    }).catch((e: Error) => expect(e.message).toBe("rollback"));
    expect(await workspaceEm(t.orm.em, A.workspaceId).count(Practice, { name: "rolled back" })).toBe(0);
  });
});

describe("scopedQuery (raw SQL guard)", () => {
  it("binds the workspace id as the first parameter and returns only that tenant's rows", async () => {
    const rows = await scopedQuery<{ id: string; name: string }>(t.orm.em.fork(), A.workspaceId, "select id, name from patients where workspace_id = ? and phone = ?", ["+593987651234"]);
    expect(rows).toEqual([{ id: ids.Patient!.A, name: "patient A" }]);
  });

  it("scopedQueryBound binds its parameters (a value with quotes and question marks stays a value) and keeps the guard", async () => {
    const tricky = "it's ? a value";
    const inTx = <T>(fn: (tem: EntityManager) => Promise<T>) => t.orm.em.fork().transactional((tem) => fn(tem as EntityManager));
    const rows = await inTx((tem) =>
      scopedQueryBound<{ id: string; name: string }>(tem, A.workspaceId, "select id, name from patients where workspace_id = ? and phone = any(?::text[]) and ?::text = ?::text", [
        "{+593987651234,+593987659999}",
        tricky,
        tricky,
      ]),
    );
    expect(rows).toEqual([{ id: ids.Patient!.A, name: "patient A" }]);
    const echoed = await inTx((tem) => scopedQueryBound<{ echo: string }>(tem, B.workspaceId, "select ?::text as echo from patients where workspace_id = ?", [tricky]).catch((e: unknown) => e));
    // The guard wants the workspace id first: a statement naming a value before it is refused.
    expect(echoed).toBeInstanceOf(Error);
    expect((echoed as Error).message).toMatch(/first parameter/);
  });

  it("refuses statements that are not scoped by workspace_id = ? first", async () => {
    const em = t.orm.em.fork();
    await expect(scopedQuery(em, A.workspaceId, "select * from patients")).rejects.toThrow(/workspace/);
    await expect(scopedQuery(em, A.workspaceId, "select * from patients where phone = ? and workspace_id = ?", ["x"])).rejects.toThrow(/first parameter/);
    await expect(scopedQuery(em, A.workspaceId, `select * from patients where workspace_id = '${B.workspaceId}'`)).rejects.toThrow(/first parameter/);
    await expect(scopedQuery(em, "not-a-uuid", "select * from patients where workspace_id = ?")).rejects.toThrow(MissingWorkspaceScopeError);
    expect(() => assertScopedSql("update messages set status = 'SENT' where workspace_id = ? and id = ?")).not.toThrow();
  });
});
