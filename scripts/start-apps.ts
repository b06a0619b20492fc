// Starts web, relay, worker and the provider simulator as child processes with a local
// environment (packages/ops/src/local-start.ts), prefixes their output, and prints the URL once the
// web app is ready. Ctrl-C (or SIGTERM) stops them all.
//
//   node scripts/start-apps.ts         `npm start`: the web app serves its production build, made
//                                      first when it is missing or its sources changed
//   node scripts/start-apps.ts --dev   `npm run dev`: the web app runs the Vite dev server (HMR)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { localApps, localEnv, type WebMode } from "../packages/ops/src/local-start.ts";
import { ensureProductionBuild } from "../packages/test-utils/src/web-build.ts";

const root = new URL("..", import.meta.url).pathname;
const webMode: WebMode = process.argv.includes("--dev") ? "development" : "production";
const env = localEnv(process.env);
const port = Number(env.PORT);
const simulatorPort = Number(env.SIMULATOR_PORT);
const publicUrl = env.PUBLIC_URL!;

if (webMode === "production") {
  const started = Date.now();
  const result = ensureProductionBuild({
    onBuild: (reason) => process.stderr.write(`[start] building the web app (${reason}); \`npm run dev\` skips this and runs the Vite dev server\n`),
    build: () => runWebBuildScript(),
  });
  process.stderr.write(result.built ? `[start] web app built in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : `[start] web build is up to date (checked in ${Date.now() - started} ms)\n`);
}

/** The web package's build script, its output shown as it goes. */
function runWebBuildScript(): void {
  const result = spawnSync("pnpm", ["--filter", "@rm/web", "run", "build"], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) {
    process.stderr.write(`[start] the web build failed (exit ${result.status ?? result.signal}); nothing was started\n`);
    process.exit(1);
  }
}

// Billing: without a real STRIPE_SECRET_KEY, a local fake Stripe serves Checkout and the customer
// portal and posts signed webhooks back (packages/stripe-billing/src/testing/fake-stripe.ts).
let fakeStripeUrl: string | null = null;
if (!process.env.STRIPE_SECRET_KEY) {
  const { startFakeStripe } = await import("../packages/stripe-billing/src/testing/fake-stripe.ts");
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

const apps = localApps({ webMode, env });

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
  const child = spawn(process.execPath, [app.entry], {
    cwd: `${root}${app.cwd}`,
    env: app.env,
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
          webMode === "production"
            ? "  Web app:     production build (rebuilt at start when its sources change; `npm run dev` for the Vite dev server)"
            : "  Web app:     Vite dev server with HMR (`npm start` serves the production build)",
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
