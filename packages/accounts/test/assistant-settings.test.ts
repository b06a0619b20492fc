// The assistant's workspace switches (SPEC §16): automatic answers are on for a new workspace and the LLM
// assistant off; an owner's opt-in records who accepted the notice and when, only with a provider
// configured; every change is audited, and saving the same values writes nothing.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm, workspaceEm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assistantSettings, saveAssistantSettings, signUp } from "../src/index.ts";

let db: TestDatabase;
let orm: MikroORM;
let counter = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

async function owner() {
  const n = ++counter;
  return signUp(orm.em.fork(), { workspaceName: `Clínica ${n}`, name: `Dueña ${n}`, email: `assistant${n}@example.ec`, password: "clave-segura-1" }, { startPlan: async () => {}, ip: "10.0.0.1" });
}
const audit = (workspaceId: string) =>
  orm.em.fork().execute<{ action: string; actor_id: string }[]>("select action, actor_id from audit_logs where workspace_id = ? and action like 'settings.a%' order by created_at, id", [workspaceId]);

describe("the assistant's switches", () => {
  it("start with automatic answers on and the LLM off; the opt-in records the owner and is audited", async () => {
    const { workspaceId, userId } = await owner();
    const em = () => workspaceEm(orm.em.fork(), workspaceId);
    expect(await assistantSettings(em(), workspaceId)).toEqual({ autoAnswers: true, aiAssistantEnabledAt: null });
    const at = new Date("2026-12-06T13:00:00Z");
    expect(await saveAssistantSettings(em(), { workspaceId, userId }, { autoAnswers: false, aiAssistant: true, aiAvailable: true }, at)).toEqual({ changed: ["autoAnswers", "aiAssistant"] });
    expect(await assistantSettings(em(), workspaceId)).toEqual({ autoAnswers: false, aiAssistantEnabledAt: at });
    const [ws] = await orm.em.fork().execute<{ ai_assistant_enabled_by: string }[]>("select ai_assistant_enabled_by from workspaces where id = ?", [workspaceId]);
    expect(ws!.ai_assistant_enabled_by).toBe(userId);
    // The same values again: nothing changes, nothing audited.
    expect(await saveAssistantSettings(em(), { workspaceId, userId }, { autoAnswers: false, aiAssistant: true, aiAvailable: true }, new Date())).toEqual({ changed: [] });
    await saveAssistantSettings(em(), { workspaceId, userId }, { autoAnswers: false, aiAssistant: false, aiAvailable: true }, new Date());
    // Entries of one save share its time: compared as a set.
    expect((await audit(workspaceId)).map((a) => a.action).sort()).toEqual(["settings.ai_assistant_disabled", "settings.ai_assistant_enabled", "settings.auto_answers_changed"]);
    expect((await assistantSettings(em(), workspaceId)).aiAssistantEnabledAt).toBeNull();
  });

  it("cannot switch the LLM on without a provider configured", async () => {
    const { workspaceId, userId } = await owner();
    const em = () => workspaceEm(orm.em.fork(), workspaceId);
    expect(await saveAssistantSettings(em(), { workspaceId, userId }, { autoAnswers: true, aiAssistant: true, aiAvailable: false }, new Date())).toEqual({ changed: [] });
    expect((await assistantSettings(em(), workspaceId)).aiAssistantEnabledAt).toBeNull();
  });
});
