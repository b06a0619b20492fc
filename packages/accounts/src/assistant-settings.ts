// The assistant's workspace switches (SPEC §16), on the owner's page Configuración › Asistente:
// automatic answers (on by default) and the LLM assistant, an opt-in that records which owner accepted
// the notice that patients' messages go to the configured provider, and when. Both changes are audited.
import type { EntityManager } from "@mikro-orm/postgresql";
import { Workspace } from "@rm/db";
import { recordAudit } from "./audit.ts";

export interface AssistantSettings {
  autoAnswers: boolean;
  aiAssistantEnabledAt: Date | null;
}

export async function assistantSettings(em: EntityManager, workspaceId: string): Promise<AssistantSettings> {
  const ws = await em.findOneOrFail(Workspace, { id: workspaceId }, { fields: ["id", "autoAnswersEnabled", "aiAssistantEnabledAt"] });
  return { autoAnswers: ws.autoAnswersEnabled, aiAssistantEnabledAt: ws.aiAssistantEnabledAt ?? null };
}

export interface AssistantSettingsInput {
  autoAnswers: boolean;
  aiAssistant: boolean;
  /** An AI provider is configured (AI_BASE_URL): without one the LLM assistant cannot be switched on. */
  aiAvailable: boolean;
}

/** Saves the switches; the LLM assistant is only switched on with a provider configured. Returns what changed. */
export async function saveAssistantSettings(
  em: EntityManager,
  actor: { workspaceId: string; userId: string; ip?: string | null },
  input: AssistantSettingsInput,
  now: Date,
): Promise<{ changed: string[] }> {
  return em.transactional(async (tem) => {
    const ws = await tem.findOneOrFail(Workspace, { id: actor.workspaceId });
    const changed: string[] = [];
    const audit = (action: "settings.auto_answers_changed" | "settings.ai_assistant_enabled" | "settings.ai_assistant_disabled", details: Record<string, unknown>) =>
      recordAudit(tem, { workspaceId: actor.workspaceId, actorId: actor.userId, action, entityType: "workspace", entityId: actor.workspaceId, ip: actor.ip ?? null, details });
    if (ws.autoAnswersEnabled !== input.autoAnswers) {
      ws.autoAnswersEnabled = input.autoAnswers;
      audit("settings.auto_answers_changed", { on: input.autoAnswers });
      changed.push("autoAnswers");
    }
    const aiOn = input.aiAssistant && input.aiAvailable;
    if (aiOn && !ws.aiAssistantEnabledAt) {
      ws.aiAssistantEnabledAt = now;
      ws.aiAssistantEnabledBy = actor.userId;
      audit("settings.ai_assistant_enabled", { noticeAccepted: true });
      changed.push("aiAssistant");
    } else if (!input.aiAssistant && ws.aiAssistantEnabledAt) {
      ws.aiAssistantEnabledAt = null;
      ws.aiAssistantEnabledBy = null;
      audit("settings.ai_assistant_disabled", {});
      changed.push("aiAssistant");
    }
    return { changed };
  });
}
