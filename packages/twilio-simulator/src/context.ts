// Shared mutable state of one simulator instance. /_sim/config swaps `config`, /_sim/reset swaps
// `store` and `abort` (so timers of the previous run stop posting).
import type { Logger } from "@rm/telemetry";
import type { SimAccounts } from "./accounts.ts";
import type { WebhookPoster } from "./callbacks.ts";
import type { RateLimiter } from "./rate-limit.ts";
import type { SimulatorConfig } from "./sim-config.ts";
import type { SimStore } from "./store.ts";

export interface SimContext {
  config: SimulatorConfig;
  store: SimStore;
  /** The main account and every account added or created as a subaccount. */
  accounts: SimAccounts;
  abort: AbortController;
  poster: WebhookPoster;
  limiter: RateLimiter;
  log: Logger;
  /** Clock for message dates and the WhatsApp window (injectable for tests); timers use real time. */
  now: () => number;
  random: () => number;
  /** The simulator's own base URL once listening (media URLs point at it), "" before. */
  baseUrl: () => string;
  /** Background work (lifecycles, auto-replies) that whenIdle() waits for. */
  track: (work: Promise<unknown>) => void;
}
