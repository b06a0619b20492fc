// Secrets and patient data never reach the logs (SPEC §3, §11): a small campaign goes out through the
// real web, relay and worker processes at LOG_LEVEL=info — sends through the simulator, signed status
// callbacks and patient replies into the web process's webhooks, a few forged webhooks too — and
// then every line the processes logged is searched for the Twilio auth token, the other secrets,
// the patients' phone numbers and the message texts.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario, ensureProductionBuild, freePort } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { ProcessManager } from "../src/processes.ts";
import { AUTH_TOKEN, createRunEnv, type RunEnv } from "../src/run-env.ts";

const PATIENTS = 12;
const SESSION_SECRET = "session-secret-never-logged-0123456789";
const STRIPE_SECRET_KEY = "sk_test_never_logged_0123456789";
const STRIPE_WEBHOOK_SECRET = "whsec_never_logged_0123456789";
const BODY_MARK = "Consultorio Centro";
const REPLY = "cinco estrellas, muy amable la doctora";
const logDir = fileURLToPath(new URL(`../../../.data/logs/secrets-${Date.now().toString(36)}`, import.meta.url));

let env: RunEnv;
let pm: ProcessManager;
let phones: string[];
let webUrl: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const em = env.orm.em.fork();
      const messages = await em.execute("select status, count(*)::int as n from messages group by 1");
      const outbox = await em.execute("select stream, status, count(*)::int as n from outbox group by 1, 2");
      throw new Error(`timed out waiting for ${what}: messages ${JSON.stringify(messages)}, outbox ${JSON.stringify(outbox)}, at the simulator ${env.sim.state.messages.length}`);
    }
    await sleep(250);
  }
}

beforeAll(async () => {
  ensureProductionBuild();
  const webPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  env = await createRunEnv({
    simulator: { throughputMode: false, callbackDelayMs: 50, autoReplyShare: 1, autoReplyDelayMs: 100, autoReplies: [{ body: REPLY, weight: 1 }], inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
    workerEnv: { PUBLIC_URL: webUrl, LOG_LEVEL: "info", RELAY_POLL_MS: "200" },
  });
  pm = new ProcessManager({ env: { ...env.processEnv, SESSION_SECRET, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET }, logDir });
  const scenario = await createScenario(env.orm, { patients: PATIENTS, dueAt: new Date(), phoneBase: 593_987_650_000 });
  phones = scenario.phones;
  pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1" });
  await until("the web process", async () => (await fetch(`${webUrl}/healthz`).catch(() => null))?.status === 200, 30_000);
  pm.start("relay", "relay-0");
  pm.start("worker", "worker-0");
}, 180_000);

afterAll(async () => {
  await pm?.stopAll();
  await env?.close();
});

describe("logs of a campaign flow", () => {
  it("carry ids, never the auth token, other secrets, phone numbers or message texts", { timeout: 180_000 }, async () => {
    const count = async (sql: string) => Number((await env.orm.em.fork().execute<{ n: string }[]>(sql))[0]!.n);
    await until("every message delivered", async () => (await count("select count(*)::text as n from messages where status in ('DELIVERED', 'READ')")) >= PATIENTS);
    await until("every reply stored", async () => (await count("select count(*)::text as n from inbound_messages")) >= PATIENTS);

    // Hostile webhooks are logged too: their content must not be.
    const params = { MessageSid: "SM" + "9".repeat(32), MessageStatus: "delivered", To: phones[0]!, From: "+15005550006", Body: REPLY };
    for (const signature of ["forged", signTwilioRequest("wrong-token", `${webUrl}/webhooks/twilio/status`, params)]) {
      const res = await fetch(`${webUrl}/webhooks/twilio/status`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature }, body: new URLSearchParams(params).toString() });
      expect(res.status).toBe(403);
    }
    // Let the processes flush what they write.
    await sleep(500);
    await pm.stopAll();

    const logs = readdirSync(logDir).map((f) => ({ file: f, text: readFileSync(`${logDir}/${f}`, "utf8") }));
    expect(logs.map((l) => l.file).sort()).toEqual(["relay-0.log", "web-0.log", "worker-0.log"]);
    const all = logs.map((l) => l.text).join("\n");
    // The processes did log at info (a silent process would pass any scan).
    expect(all).toMatch(/"level":"info"/);
    expect(logs.find((l) => l.file === "web-0.log")!.text).toMatch(/"route":"\/webhooks\/twilio\/status"/);

    const leaks: string[] = [];
    const secrets = { "Twilio auth token": AUTH_TOKEN, "session secret": SESSION_SECRET, "Stripe secret key": STRIPE_SECRET_KEY, "Stripe webhook secret": STRIPE_WEBHOOK_SECRET };
    for (const [what, value] of Object.entries(secrets)) if (all.includes(value)) leaks.push(what);
    for (const phone of phones) {
      // E.164 and the bare national digits, however a log might spell them.
      for (const form of [phone, phone.slice(1), phone.slice(4)]) if (all.includes(form)) leaks.push(`phone ${phone} as ${form}`);
    }
    if (all.includes(BODY_MARK)) leaks.push("outgoing message text");
    if (all.includes(REPLY)) leaks.push("patient reply text");
    expect(leaks).toEqual([]);
  });
});
