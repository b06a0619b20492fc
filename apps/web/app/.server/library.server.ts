// Credits per WhatsApp message by template category for the library's preview, from
// CREDITS_PER_MARKETING_MESSAGE / CREDITS_PER_UTILITY_MESSAGE (the worker's broadcast sending reads the same).
import type { CategoryCredits } from "@rm/domain";
import { getEnv } from "./env.server.ts";

export function categoryCredits(): CategoryCredits {
  const env = getEnv();
  return { MARKETING: env.CREDITS_PER_MARKETING_MESSAGE, UTILITY: env.CREDITS_PER_UTILITY_MESSAGE };
}
