// The AI provider for drafts (SPEC §14), from AI_BASE_URL / AI_API_KEY / AI_MODEL / AI_TIMEOUT_MS.
// Null when AI_BASE_URL is unset: the page then says how to enable it.
import { AiClient } from "@rm/ai";
import { getEnv } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

export function aiClient(): AiClient | null {
  return singleton("web.ai", () => {
    const env = getEnv();
    if (!env.AI_BASE_URL) return null;
    return new AiClient({ baseUrl: env.AI_BASE_URL, apiKey: env.AI_API_KEY, model: env.AI_MODEL, timeoutMs: env.AI_TIMEOUT_MS });
  });
}
