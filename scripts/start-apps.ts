// Starts web, relay, worker and the provider simulator as child processes with a local
// development environment, prefixes their output, and prints the URL once the web app is ready.
// Ctrl-C (or SIGTERM) stops them all.
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "../packages/domain/src/messaging/whatsapp-content.ts";

const root = new URL("..", import.meta.url).pathname;
const port = Number(process.env.PORT ?? 3000);
const simulatorPort = Number(process.env.SIMULATOR_PORT ?? 4010);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;

// Local-only defaults; real deployments set these from secrets (see README, "Configuration").
const env: NodeJS.ProcessEnv = {
  NODE_ENV: "development",
  LOG_LEVEL: "info",
  PORT: String(port),
  PUBLIC_URL: publicUrl,
  SESSION_SECRET: "local-development-session-secret",
  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000000",
  TWILIO_AUTH_TOKEN: "local-simulator-auth-token",
  TWILIO_API_URL: `http://127.0.0.1:${simulatorPort}`,
  TWILIO_FROM_SMS: "+15005550006",
  TWILIO_FROM_WHATSAPP: "whatsapp:+14155238886",
  // The platform's WhatsApp templates: the simulator approves these, so a new workspace sends WhatsApp as it is.
  WHATSAPP_DEFAULT_CONTENT_SIDS: JSON.stringify(LOCAL_PLATFORM_CONTENT_SIDS),
  SIMULATOR_PORT: String(simulatorPort),
  SIMULATOR_INBOUND_URL: `${publicUrl}/webhooks/twilio/inbound`,
  // Simulated patients answer the demo's rating requests, so the flow moves on its own
  // (sent → delivered → rated → follow-up). SIMULATOR_AUTO_REPLY_SHARE=0 turns it off.
  SIMULATOR_AUTO_REPLY_SHARE: "1",
  SIMULATOR_AUTO_REPLY_DELAY_MS: "3000",
  ...process.env,
};

// Billing: without a real STRIPE_SECRET_KEY, a local fake Stripe serves Checkout and the customer
// portal and posts signed webhooks back (packages/billing/src/testing/fake-stripe.ts).
let fakeStripeUrl: string | null = null;
if (!process.env.STRIPE_SECRET_KEY) {
  const { startFakeStripe } = await import("../packages/billing/src/testing/fake-stripe.ts");
  const secret = "whsec_local_development_secret";
  const fake = await startFakeStripe({ port: Number(process.env.STRIPE_FAKE_PORT ?? 4020), webhook: { url: `http://127.0.0.1:${port}/webhooks/stripe`, secret } });
  fakeStripeUrl = fake.url;
  Object.assign(env, {
    STRIPE_SECRET_KEY: "sk_test_local_development",
    STRIPE_WEBHOOK_SECRET: secret,
    STRIPE_API_URL: fake.url,
    STRIPE_PRICE_STARTER: env.STRIPE_PRICE_STARTER ?? "price_local_starter",
    STRIPE_PRICE_PROFESSIONAL: env.STRIPE_PRICE_PROFESSIONAL ?? "price_local_professional",
    STRIPE_PRICE_ENTERPRISE: env.STRIPE_PRICE_ENTERPRISE ?? "price_local_enterprise",
  });
}

const apps: { name: string; cwd: string; metricsPort: number }[] = [
  { name: "simulator", cwd: "apps/simulator", metricsPort: 9467 },
  { name: "web", cwd: "apps/web", metricsPort: 9464 },
  { name: "relay", cwd: "apps/relay", metricsPort: 9465 },
  { name: "worker", cwd: "apps/worker", metricsPort: 9466 },
];

const children: ChildProcess[] = [];
let stopping = false;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

for (const app of apps) {
  const entry = app.name === "web" ? "server.ts" : "src/main.ts";
  const child = spawn(process.execPath, [entry], {
    cwd: `${root}${app.cwd}`,
    env: { ...env, METRICS_PORT: process.env[`${app.name.toUpperCase()}_METRICS_PORT`] ?? String(app.metricsPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  prefixLines(app.name, child.stdout!, process.stdout);
  prefixLines(app.name, child.stderr!, process.stderr);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[start] ${app.name} exited (${signal ?? code}); stopping the others\n`);
    void stopAll(1);
  });
  children.push(child);
}

async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  const deadline = Date.now() + 10_000;
  while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) await sleep(100);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  process.exit(exitCode);
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

// Wait for the web app to be ready, then say where it is.
for (let i = 0; i < 600 && !stopping; i++) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    if (res.ok) {
      process.stdout.write(
        [
          "",
          "  Reputation Manager is running",
          `  URL:         ${publicUrl}`,
          "  Demo login:  demo@reputationmanager.com / demo1234",
          `  Simulator:   http://127.0.0.1:${simulatorPort}/_sim/messages (messages the patients received)`,
          ...(fakeStripeUrl ? [`  Stripe:      local fake at ${fakeStripeUrl} (Facturación → Cambiar de plan → Pagar)`] : []),
          "  Stop:        Ctrl-C (databases keep running: npm run services:stop)",
          "",
        ].join("\n") + "\n",
      );
      break;
    }
  } catch {
    // not listening yet
  }
  await sleep(250);
}
