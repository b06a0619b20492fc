// What `npm start` and `npm run dev` run (scripts/start-apps.ts): web, relay, worker and the provider
// simulator as child processes with a local environment. `npm start` serves the web app's production
// build, as deployments do: static assets straight from build/client, no module requests per page and
// no reloads; `npm run dev` runs the Vite dev server (HMR) instead. Everything else is local either
// way: the simulator instead of Twilio, a local fake Stripe, demo secrets.

import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { DEFAULT_WEBHOOK_OVERRIDES } from "@rm/twilio";

export type WebMode = "production" | "development";

export interface LocalApp {
  name: "simulator" | "web" | "relay" | "worker";
  /** Working directory, relative to the repository root. */
  cwd: string;
  /** Entry file, relative to `cwd`. */
  entry: string;
  env: NodeJS.ProcessEnv;
}

export interface LocalStartOptions {
  webMode: WebMode;
  /** The caller's environment: its variables override the local defaults. */
  env: NodeJS.ProcessEnv;
}

const DEFAULT_METRICS_PORTS = { simulator: 9467, web: 9464, relay: 9465, worker: 9466 } as const;

/** The local environment shared by every app (before the caller's overrides). */
export function localEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const port = Number(env.PORT ?? 3000);
  const simulatorPort = Number(env.SIMULATOR_PORT ?? 4010);
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${port}`;
  // Local-only defaults; real deployments set these from secrets (see README, "Configuration").
  return {
    LOG_LEVEL: "info",
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: "local-development-session-secret",
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
    TWILIO_AUTH_TOKEN: "local-simulator-auth-token",
    TWILIO_API_URL: `http://127.0.0.1:${simulatorPort}`,
    // Own Twilio accounts (Ajustes › Número propio) against the simulator: a fixed local-only key.
    CREDENTIALS_ENCRYPTION_KEYS: `local:${Buffer.alloc(32, 7).toString("base64")}`,
    CREDENTIALS_ENCRYPTION_KEY_ID: "local",
    TWILIO_FROM_SMS: "+15005550006",
    TWILIO_FROM_WHATSAPP: "whatsapp:+14155238886",
    // The platform's WhatsApp templates: the simulator approves these, so a new workspace sends WhatsApp as it is.
    WHATSAPP_DEFAULT_CONTENT_SIDS: JSON.stringify(LOCAL_PLATFORM_CONTENT_SIDS),
    SIMULATOR_PORT: String(simulatorPort),
    // AI drafts against the simulator's fake chat-completions endpoint (no real model, no key).
    // AI_BASE_URL="" in the environment turns them off, to see how the page explains enabling them.
    AI_BASE_URL: `http://127.0.0.1:${simulatorPort}/v1`,
    AI_MODEL: "sim-model",
    // A little wait, so the demo shows the page while a model "thinks".
    SIMULATOR_AI_LATENCY_MS: "800",
    // Set as an operator sets it at Twilio: with the connection overrides the web checks signatures with.
    SIMULATOR_INBOUND_URL: `${publicUrl}/webhooks/twilio/inbound${env.TWILIO_WEBHOOK_OVERRIDES === "none" ? "" : `#${(env.TWILIO_WEBHOOK_OVERRIDES ?? DEFAULT_WEBHOOK_OVERRIDES).replace(/^#/, "")}`}`,
    // Simulated patients answer the demo's rating requests, so the flow moves on its own
    // (sent → delivered → rated → follow-up). SIMULATOR_AUTO_REPLY_SHARE=0 turns it off.
    SIMULATOR_AUTO_REPLY_SHARE: "1",
    SIMULATOR_AUTO_REPLY_DELAY_MS: "3000",
    // The demo's patient without WhatsApp (packages/demo/src/demo.ts): Twilio fails her WhatsApp by
    // callback with 63003 and the request falls back to SMS once.
    SIMULATOR_FAIL_RULES: "+593987654326=63003",
    ...env,
  };
}

/**
 * The four processes and their environments. The web app runs with NODE_ENV=production (the build,
 * Secure cookies — browsers accept them on http://localhost) or development (Vite); the other apps
 * always get NODE_ENV=development unless the caller sets it. Each app's metrics port comes from
 * <APP>_METRICS_PORT when set.
 */
export function localApps({ webMode, env }: LocalStartOptions): LocalApp[] {
  const shared = localEnv(env);
  const names = ["simulator", "web", "relay", "worker"] as const;
  return names.map((name) => ({
    name,
    cwd: `apps/${name}`,
    entry: name === "web" ? "server.ts" : "src/main.ts",
    env: {
      ...shared,
      // The web app's mode is the command's (start or dev), never an inherited NODE_ENV.
      NODE_ENV: name === "web" ? webMode : (env.NODE_ENV ?? "development"),
      METRICS_PORT: env[`${name.toUpperCase()}_METRICS_PORT`] ?? String(DEFAULT_METRICS_PORTS[name]),
    },
  }));
}
