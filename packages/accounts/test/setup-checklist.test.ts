// The home page's "what is missing to send" for a new owner, computed from the workspace as signup
// leaves it: with the platform's sender and templates nothing is missing on that side.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { getCreditBalance, grantCredits } from "@rm/credits";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupChecklist as checklistOf, signUp } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;
const PLATFORM = { smsFrom: "+15005550006", whatsappFrom: "whatsapp:+14155238886", whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS };

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function newWorkspace(credits: number): Promise<string> {
  const n = ++counter;
  const startPlan = (em: EntityManager, workspaceId: string) => (credits > 0 ? grantCredits(em, { workspaceId, amount: credits, reference: "free:signup", reason: "FREE" }) : Promise.resolve());
  const result = await signUp(orm.em.fork(), { workspaceName: `Clínica ${n}`, name: `Dueña ${n}`, email: `setup${n}@example.ec`, password: "clave-segura-1" }, { startPlan, ip: "10.0.0.1" });
  return result.workspaceId;
}

/** The checklist as the home page builds it: with the workspace's balance from the ledger. */
async function setupChecklist(em: EntityManager, workspaceId: string, platform: Parameters<typeof checklistOf>[2]) {
  return checklistOf(em, workspaceId, platform, (await getCreditBalance(em, workspaceId)).available);
}

const steps = (c: Awaited<ReturnType<typeof setupChecklist>>) => Object.fromEntries(c.items.map((i) => [i.step, i.done]));

describe("setupChecklist", () => {
  it("a new workspace on the platform's defaults lacks a practice with its review link and a first upload, not a sender or templates", async () => {
    const ws = await newWorkspace(50);
    const c = await setupChecklist(orm.em.fork(), ws, PLATFORM);
    expect(steps(c)).toEqual({ PRACTICE: false, CREDITS: true, SENDING: true, FIRST_UPLOAD: false });
    expect(c.items.find((i) => i.step === "PRACTICE")!.href).toBe("/practices/new");
    expect(c.complete).toBe(false);
  });

  it("without the platform's defaults it names the missing WhatsApp sender and templates, and the missing credits", async () => {
    const ws = await newWorkspace(0);
    const c = await setupChecklist(orm.em.fork(), ws, {});
    expect(steps(c)).toMatchObject({ CREDITS: false, SENDING: false });
    expect(c.items.find((i) => i.step === "SENDING")!.gaps).toEqual([
      { kind: "NO_SENDER", channel: "WHATSAPP" },
      { kind: "NO_WHATSAPP_TEMPLATE", type: "INITIAL", language: "es" },
      { kind: "NO_WHATSAPP_TEMPLATE", type: "REMINDER", language: "es" },
    ]);
  });

  it("a practice whose review link is a g.page link (no Place ID) counts as having its review link", async () => {
    const ws = await newWorkspace(50);
    const em = orm.em.fork();
    await em.execute("insert into practices (workspace_id, name, google_review_url) values (?, 'Sur', 'https://g.page/r/CZ1nGqbVEkXhEBM/review')", [ws]);
    expect(steps(await setupChecklist(em, ws, PLATFORM)).PRACTICE).toBe(true);
  });

  it("is complete once a practice has its review link and a campaign was confirmed", async () => {
    const ws = await newWorkspace(50);
    const em = orm.em.fork();
    const [p] = await em.execute<{ id: string }[]>("insert into practices (workspace_id, name) values (?, 'Norte') returning id", [ws]);
    expect(steps(await setupChecklist(em, ws, PLATFORM)).PRACTICE).toBe(false);
    await em.execute("update practices set google_place_id = 'ChIJ-test-place' where id = ?", [p!.id]);
    const [u] = await em.execute<{ id: string }[]>("select id from users where workspace_id = ? limit 1", [ws]);
    await em.execute("insert into campaigns (workspace_id, practice_id, created_by_id, name, status) values (?, ?, ?, 'Lunes', 'DRAFT')", [ws, p!.id, u!.id]);
    expect(steps(await setupChecklist(em, ws, PLATFORM)).FIRST_UPLOAD).toBe(false);
    await em.execute("update campaigns set status = 'ACTIVE' where workspace_id = ?", [ws]);
    const c = await setupChecklist(em, ws, PLATFORM);
    expect(steps(c)).toEqual({ PRACTICE: true, CREDITS: true, SENDING: true, FIRST_UPLOAD: true });
    expect(c.complete).toBe(true);
  });
});
