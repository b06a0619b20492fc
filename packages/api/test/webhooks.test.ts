// Outgoing webhooks against local receivers (real PostgreSQL): fan-out to subscribed endpoints, the
// signature a receiver verifies, retries with backoff up to the cap, an endpoint disabled after
// persistent failure with the owner told, manual replay, no redirect followed, and no delivery to a
// private, loopback or link-local address — neither when saved nor when the socket connects.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitWebhookEvent, type HandlerDeps } from "@rm/messaging";
import { createTestOrm, makeTenant, recordingLogger, type TestOrm } from "@rm/test-utils";
import type {
  WebhookEndpointInputError} from "../src/index.ts";
import {
  checkEndpointUrl,
  createWebhookEndpoint,
  createWebhookHandlers,
  isPublicAddress,
  listWebhookDeliveries,
  listWebhookEndpoints,
  postWebhook,
  replayWebhookDelivery,
  verifyWebhookSignature,
  webhookBackoffMs
} from "../src/index.ts";

let t: TestOrm;
let now = new Date("2026-12-07T15:00:00Z");
const logger = recordingLogger();

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver answering each POST with the next status of `statuses` (the last one repeats). */
async function receiver(statuses: number[], extra: Record<string, string> = {}): Promise<{ url: string; got: Received[]; close: () => void }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      const status = statuses[Math.min(got.length - 1, statuses.length - 1)]!;
      res.writeHead(status, extra);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got, close: () => server.close() };
}

beforeAll(async () => {
  t = await createTestOrm();
}, 60_000);
afterAll(async () => t?.close());

const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, p);

function deps(): HandlerDeps {
  return { orm: t.orm, clock: { now: () => now }, logger } as unknown as HandlerDeps;
}

/** Publishes the due outbox rows of the 'webhooks' stream (as the relay does) and runs their handlers, oldest first; returns how many ran. */
async function runDue(handlers: ReturnType<typeof createWebhookHandlers>): Promise<number> {
  const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
    "update outbox set status = 'published', published_at = ?, publish_count = publish_count + 1 where stream = 'webhooks' and status = 'pending' and available_at <= ? returning id::text as id, type, workspace_id, payload",
    [now, now],
  );
  for (const r of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    await handlers[r.type]!(deps(), { outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" });
  }
  return rows.length;
}

async function emit(workspaceId: string, subject: string) {
  await t.orm.em.fork().transactional((em) => emitWebhookEvent(em, { workspaceId, type: "rating.received", subjectId: subject, data: { rating: 5 }, now }));
}

describe("where webhooks may go", () => {
  it("refuses private, loopback, link-local and metadata addresses, and http outside development", async () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    const refused = async (url: string) => checkEndpointUrl(url, false).then(() => null, (e: WebhookEndpointInputError) => e.code);
    expect(await refused("https://127.0.0.1/hook")).toBe("url_private");
    expect(await refused("https://169.254.169.254/latest/meta-data")).toBe("url_private");
    expect(await refused("https://[::1]/hook")).toBe("url_private");
    expect(await refused("https://localhost/hook")).toBe("url_private");
    expect(await refused("http://93.184.216.34/hook")).toBe("url_not_https");
    expect(await refused("ftp://example.com/x")).toBe("url_invalid");
    const ws = await makeTenant(t.orm);
    await expect(createWebhookEndpoint(t.orm.em.fork(), { workspaceId: ws.workspaceId, actorId: ws.ownerId, url: "https://127.0.0.1/x", events: ["rating.received"], allowInsecure: false, ip: null, now })).rejects.toMatchObject({ code: "url_private" });
    expect(await listWebhookEndpoints(t.orm.em.fork(), ws.workspaceId)).toEqual([]);
  });

  it("checks the resolved address when the socket connects: a name that resolves to loopback is never reached", async () => {
    const r = await receiver([200]);
    const port = new URL(r.url).port;
    // https to a name resolving to 127.0.0.1: refused by the lookup, before any connection.
    const result = await postWebhook(`https://localhost:${port}/hooks`, "{}", {}, { timeoutMs: 2000, allowInsecure: false });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/private, loopback or link-local/);
    expect(r.got).toHaveLength(0);
    r.close();
  });

  it("does not follow redirects", async () => {
    const target = await receiver([200]);
    const r = await receiver([302], { Location: target.url });
    const result = await postWebhook(r.url, "{}", {}, { timeoutMs: 2000, allowInsecure: true });
    expect(result).toMatchObject({ ok: false, status: 302, error: "redirect not followed" });
    expect(target.got).toHaveLength(0);
    r.close();
    target.close();
  });
});

describe("deliveries", () => {
  it("delivers each event once to each subscribed endpoint with a signature that verifies", async () => {
    const ws = await makeTenant(t.orm);
    const other = await makeTenant(t.orm);
    const r = await receiver([204]);
    const unsubscribed = await receiver([204]);
    const handlers = createWebhookHandlers({ allowInsecure: true });
    const { secret } = await createWebhookEndpoint(t.orm.em.fork(), { workspaceId: ws.workspaceId, actorId: ws.ownerId, url: r.url, events: ["rating.received"], allowInsecure: true, ip: null, now });
    await createWebhookEndpoint(t.orm.em.fork(), { workspaceId: ws.workspaceId, actorId: ws.ownerId, url: unsubscribed.url, events: ["message.failed"], allowInsecure: true, ip: null, now });
    await createWebhookEndpoint(t.orm.em.fork(), { workspaceId: other.workspaceId, actorId: other.ownerId, url: unsubscribed.url, events: ["rating.received"], allowInsecure: true, ip: null, now });

    await emit(ws.workspaceId, "p1");
    await emit(ws.workspaceId, "p1"); // the same event written twice: one row
    expect(await runDue(handlers)).toBe(1); // fan-out
    expect(await runDue(handlers)).toBe(1); // one delivery
    expect(await runDue(handlers)).toBe(0);
    expect(r.got).toHaveLength(1);
    expect(unsubscribed.got).toHaveLength(0);
    const { headers, body } = r.got[0]!;
    expect(verifyWebhookSignature(secret, String(headers["rm-signature"]), body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, String(headers["rm-signature"]), body.replace("5", "1"), now)).toBe(false);
    expect(verifyWebhookSignature(secret, String(headers["rm-signature"]), body, new Date(now.getTime() + 10 * 60_000))).toBe(false); // too old: a replay
    expect(JSON.parse(body)).toMatchObject({ type: "rating.received", data: { rating: 5 } });
    // Both endpoints were created at the same instant: find the subscribed one by its URL.
    const endpoint = (await listWebhookEndpoints(t.orm.em.fork(), ws.workspaceId)).find((e) => e.url === r.url);
    const log = await listWebhookDeliveries(t.orm.em.fork(), ws.workspaceId, endpoint!.id);
    expect(log).toEqual([expect.objectContaining({ status: "SUCCEEDED", attempts: 1, lastStatusCode: 204, lastDurationMs: expect.any(Number) })]);
    expect(await listWebhookDeliveries(t.orm.em.fork(), other.workspaceId, endpoint!.id)).toBeNull(); // another workspace's endpoint
    r.close();
    unsubscribed.close();
  });

  it("retries with backoff up to the cap, disables the endpoint after persistent failure, and replays by hand", async () => {
    const ws = await makeTenant(t.orm);
    const r = await receiver([500]);
    const handlers = createWebhookHandlers({ allowInsecure: true, maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 10_000, disableAfterFailures: 2 });
    await createWebhookEndpoint(t.orm.em.fork(), { workspaceId: ws.workspaceId, actorId: ws.ownerId, url: r.url, events: ["rating.received"], allowInsecure: true, ip: null, now });
    const [endpoint] = await listWebhookEndpoints(t.orm.em.fork(), ws.workspaceId);

    const exhaust = async () => {
      await runDue(handlers); // fan-out
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(await runDue(handlers)).toBe(1);
        const [row] = await sql<{ available_at: Date; status: string }>("select available_at, status from outbox where stream = 'webhooks' and type = 'webhook.deliver' order by id desc limit 1");
        if (attempt < 3) {
          // Not again before the backoff: base · 2^(n−1) ± 20 %.
          const wait = new Date(row!.available_at).getTime() - now.getTime();
          expect(wait).toBeGreaterThanOrEqual(0.8 * 1000 * 2 ** (attempt - 1));
          expect(wait).toBeLessThanOrEqual(1.2 * 1000 * 2 ** (attempt - 1));
          expect(await runDue(handlers)).toBe(0);
          now = new Date(new Date(row!.available_at).getTime());
        } else {
          expect(row!.status).toBe("done");
        }
      }
    };
    await emit(ws.workspaceId, "fail-1");
    await exhaust();
    expect(r.got).toHaveLength(3);
    let [state] = await listWebhookEndpoints(t.orm.em.fork(), ws.workspaceId);
    expect(state).toMatchObject({ enabled: true, consecutiveFailures: 1 });

    await emit(ws.workspaceId, "fail-2");
    await exhaust();
    [state] = await listWebhookEndpoints(t.orm.em.fork(), ws.workspaceId);
    expect(state).toMatchObject({ enabled: false, consecutiveFailures: 2, disabledReason: expect.stringContaining("HTTP 500") });
    expect(await sql("select action from audit_logs where workspace_id = ? and action = 'webhook_endpoint.disabled'", [ws.workspaceId])).toHaveLength(1);

    // Disabled: a new event is not delivered to it.
    await emit(ws.workspaceId, "after");
    await runDue(handlers);
    expect(await runDue(handlers)).toBe(0);
    expect(r.got).toHaveLength(6);

    // Manual replay of a delivery that gave up: once, with the same event id.
    const log = await listWebhookDeliveries(t.orm.em.fork(), ws.workspaceId, endpoint!.id);
    expect(log!.map((d) => d.status)).toEqual(["GAVE_UP", "GAVE_UP"]);
    const firstBody = r.got[0]!.body;
    expect(await replayWebhookDelivery(t.orm.em.fork(), { workspaceId: ws.workspaceId, deliveryId: log![1]!.id, actorId: ws.ownerId, ip: null, now })).toBe(true);
    expect(await runDue(handlers)).toBe(1);
    expect(r.got).toHaveLength(7);
    expect(JSON.parse(r.got[6]!.body).id).toBe(JSON.parse(firstBody).id);
    r.close();
  });

  it("backs off exponentially up to the maximum", () => {
    const o = { backoffBaseMs: 30_000, backoffMaxMs: 600_000 };
    expect(webhookBackoffMs(1, o, () => 0.5)).toBe(30_000);
    expect(webhookBackoffMs(3, o, () => 0.5)).toBe(120_000);
    expect(webhookBackoffMs(20, o, () => 0.5)).toBe(600_000);
  });
});
