import { parseConfig, webEnv, type WebEnv } from "@rm/config";
import { singleton } from "./singleton.server.ts";

/**
 * The validated web configuration (SPEC §8). server.ts validates it at boot with `loadConfig`
 * (one clear line and exit 1 on a bad variable); everything else reads it from here.
 */
export function getEnv(): WebEnv {
  return singleton("web.env", () => parseConfig(webEnv, process.env));
}
