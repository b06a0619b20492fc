// Practice software's whole loop through the real processes (SPEC §15): an appointment pushed with
// PUT /api/v1/appointments/{id} to the web server (production build) becomes exactly one rating
// request at the provider simulator at its due time (relay + worker), the patient's reply is rated,
// and the `rating.received` event reaches a local webhook receiver once, signed so that it verifies.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createWebhookEndpoint, verifyWebhookSignature } from "@rm/api";
import { createRunEnv, ProcessManager, type RunEnv } from "@rm/harness";
import { createScenario, ensureProductionBuild, freePort, waitForStatus, waitUntil } from "@rm/test-utils";

const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
const SMS_SENDER = "+15005550006";
const HASH_SECRET = "api-e2e-hash-secret-0123456789abcdefgh";

let env: RunEnv;
let pm: ProcessManager;
let webUrl: string;
let receiver: http.Server;
const received: { signature: string; body: string; at: number }[] = [];

beforeAll(async () => {
  ensureProductionBuild();
  const webPort = await freePort();
  webUrl = `http://127.0.0.1:${webPort}`;
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ signature: String(req.headers["rm-signature"] ?? ""), body, at: Date.now() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  env = await createRunEnv({
    simulator: { throughputMode: false, callbackDelayMs: 50, whatsappReadShare: 0, inboundUrl: `${webUrl}/webhooks/twilio/inbound` },
    workerEnv: { RELAY_POLL_MS: "100", PUBLIC_URL: webUrl, API_KEY_HASH_SECRET: HASH_SECRET },
  });
  pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/api-webhooks-${env.id}` });
  pm.start("web", "web-0", { PORT: String(webPort), HOST: "127.0.0.1", SESSION_SECRET: "api-e2e-session-secret-0123456789", METRICS_PORT: "0" });
  pm.start("relay", "relay-0");
  // The receiver is a loopback http server: allowed only outside production.
  pm.start("worker", "worker-0", { NODE_ENV: "test", WEBHOOKS_ALLOW_INSECURE: "true" });
  await waitForStatus(`${webUrl}/healthz`, 200, undefined, 60_000);
}, 240_000);

afterAll(async () => {
  await pm?.stopAll();
  await env?.close();
  receiver?.close();
});

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => env.orm.em.fork().execute<T[]>(q, params);

describe("an appointment pushed by API", () => {
  it("is asked once at its due time, and its rating reaches the webhook receiver once with a valid signature", async () => {
    const ws = await createScenario(env.orm, { patients: 0, dueAt: new Date(), credits: 100 });
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [ws.workspaceId]);
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ? and role = 'OWNER' limit 1", [ws.workspaceId]);
    const { key } = await createApiKey(env.orm.em.fork(), { workspaceId: ws.workspaceId, actorId: owner!.id, name: "PMS", scopes: ["appointments:write"], hashSecret: HASH_SECRET, ip: null, now: new Date() });
    const { secret } = await createWebhookEndpoint(env.orm.em.fork(), {
      workspaceId: ws.workspaceId,
      actorId: owner!.id,
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rm`,
      events: ["rating.received"],
      allowInsecure: true,
      ip: null,
      now: new Date(),
    });

    // The visit ended two hours before a moment a few seconds from now: the request is due then.
    const due = new Date(Math.ceil((Date.now() + 8_000) / 1000) * 1000);
    const put = (body: unknown) =>
      fetch(`${webUrl}/api/v1/appointments/visit-42`, { method: "PUT", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const body = { practice_id: ws.practiceId, appointment_at: new Date(due.getTime() - 2 * 3_600_000).toISOString(), patient: { name: "Marta Ríos", phone: "+593987112233" }, consent: true, channel: "SMS" };
    const created = await put(body);
    expect(created.status).toBe(201);
    const appointment = (await created.json()) as { send_at: string; status: string };
    expect(appointment).toMatchObject({ status: "scheduled", send_at: due.toISOString() });
    // A retry of the same PUT (a client that timed out) changes nothing.
    expect((await put(body)).status).toBe(200);

    const sent = () => env.sim.state.messages.filter((m) => m.to === "+593987112233");
    await waitUntil(() => sent().length === 1, 60_000, "the rating request at the simulator");
    expect(sent()[0]!.dateCreated).toBeGreaterThanOrEqual(due.getTime());
    await waitUntil(async () => (await sql("select 1 from messages where workspace_id = ? and type = 'INITIAL' and status = 'DELIVERED'", [ws.workspaceId])).length === 1, 30_000, "the delivery callback");

    await env.sim.inbound({ from: "+593987112233", to: SMS_SENDER, body: "5" });
    await waitUntil(() => received.length >= 1, 60_000, "the rating.received webhook");
    await sleep(2_000); // nothing more arrives
    expect(sent().length).toBe(2); // the request and the one follow-up, nothing twice
    expect(received).toHaveLength(1);
    const event = JSON.parse(received[0]!.body) as { type: string; data: Record<string, unknown> };
    expect(event).toMatchObject({ type: "rating.received", data: { rating: 5, external_id: "visit-42", practice_id: ws.practiceId, source: "reply" } });
    expect(verifyWebhookSignature(secret, received[0]!.signature, received[0]!.body, new Date())).toBe(true);
    expect(verifyWebhookSignature("whsec_wrong", received[0]!.signature, received[0]!.body, new Date())).toBe(false);
  }, 180_000);
});
