// Abuse of the Twilio webhooks (SPEC §8, §11) through the real production server: every hostile or
// odd request gets the right status code, stores nothing it should not, and the process keeps
// answering /healthz. What a stored callback then does is checked by running the worker's own
// code on what the server wrote: the status applier (applyStatusEvents) on the stored status
// callbacks, storeInbound on the outbox rows of replies.
import { request as httpRequest } from "node:http";
import type { MikroORM } from "@mikro-orm/postgresql";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { initOrm } from "@rm/db";
import { systemClock } from "@rm/domain";
import { applyStatusEvents, storeInbound, type HandlerDeps } from "@rm/messaging";
import type { StreamEntry } from "@rm/streams";
import { createScenario, createTestDatabase, type Scenario, type TestDatabase } from "@rm/test-utils";
import { signTwilioRequest } from "@rm/twilio";
import { startWebServer, type WebServer } from "./support/web-server.ts";

const PUBLIC_URL = "https://rm.example.com";
const TOKENS = ["current-token-0123", "previous-token-0123"];
const RETIRED_TOKEN = "retired-token-0123";
const ACCOUNT_SID = "AC00000000000000000000000000000000";
const STATUS_PATH = "/webhooks/twilio/status";
const INBOUND_PATH = "/webhooks/twilio/inbound";
const BURST_MESSAGES = 2_500;

let db: TestDatabase;
let orm: MikroORM;
let web: WebServer;
let scenario: Scenario;
let sids: string[];
let deps: HandlerDeps;
const handlerLog: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 16 });
  web = await startWebServer({ databaseUrl: db.url, env: { PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKENS.join(",") } });
  // Messages that went out: a sid each, SENT, their send rows gone.
  scenario = await createScenario(orm, { patients: BURST_MESSAGES + 10, dueAt: new Date() });
  const em = orm.em.fork();
  await em.execute(
    "update messages set provider_sid = 'SM' || replace(id::text, '-', ''), status = 'SENT', send_attempted_at = now() where workspace_id = ?",
    [scenario.workspaceId],
  );
  await em.execute("delete from outbox");
  sids = scenario.messageIds.map((id) => `SM${id.replaceAll("-", "")}`);
  const log = (level: string) => (obj: object, msg?: string) => void handlerLog.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  deps = { orm, clock: systemClock, logger: { info: log("info"), warn: log("warn"), error: log("error") } };
}, 180_000);

afterAll(async () => {
  await web?.stop();
  await orm?.close(true);
  await db?.drop();
});

afterEach(async () => {
  // No input may take the process down.
  expect(web.process.exitCode).toBeNull();
  expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
});

type Params = Record<string, string>;

function statusParams(i: number, status: string): Params {
  return { MessageSid: sids[i]!, MessageStatus: status, AccountSid: ACCOUNT_SID, From: "+15005550006", To: scenario.phones[i]!, ApiVersion: "2010-04-01" };
}

/** Posts like Twilio does: form-encoded, signed over PUBLIC_URL + path (+ query) with the SDK's helper. */
function post(pathAndQuery: string, params: Params, opts: { token?: string; signature?: string | null; contentType?: string | null; body?: string } = {}) {
  const signature = opts.signature === undefined ? signTwilioRequest(opts.token ?? TOKENS[0]!, PUBLIC_URL + pathAndQuery, params) : opts.signature;
  const headers: Record<string, string> = {};
  if (opts.contentType !== null) headers["content-type"] = opts.contentType ?? "application/x-www-form-urlencoded";
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return fetch(web.url + pathAndQuery, { method: "POST", headers, body: opts.body ?? new URLSearchParams(params).toString() });
}

const statusUrl = (i: number) => `${STATUS_PATH}?m=${scenario.messageIds[i]}`;

/** Rows the webhooks stored: status callbacks and outbox rows of replies. */
async function outboxCount(): Promise<number> {
  const [row] = await orm.em.fork().execute<{ n: string }[]>("select ((select count(*) from outbox) + (select count(*) from provider_status_events))::text as n");
  return Number(row!.n);
}

async function message(i: number) {
  const [row] = await orm.em
    .fork()
    .execute<{ status: string; provider_sid: string; updated_at: Date }[]>("select status, provider_sid, updated_at from messages where id = ?", [scenario.messageIds[i]]);
  return row!;
}

async function ledgerCount(): Promise<number> {
  const [row] = await orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from credit_ledger_entries where workspace_id = ?", [scenario.workspaceId]);
  return Number(row!.n);
}

/**
 * What the relay and the worker would do with the stored rows: the status applier (`appliers` of them
 * at once, sharing the events) on the status callbacks, and storeInbound on the published outbox rows.
 * A callback naming no message of ours is parked at once here (no retry window). Returns the rows handled.
 */
async function work(appliers = 4): Promise<number> {
  const rows = await orm.em.fork().execute<{ id: string; type: string; payload: unknown }[]>(
    "update outbox set status = 'published', published_at = now(), publish_count = publish_count + 1 where status = 'pending' and stream = 'inbound' returning id::text as id, type, payload",
  );
  for (const row of rows) {
    const entry: StreamEntry = { outboxId: row.id, type: row.type, workspaceId: null, payload: JSON.stringify(row.payload), traceparent: "" };
    await storeInbound(deps, entry);
  }
  let applied = 0;
  await Promise.all(
    Array.from({ length: appliers }, async () => {
      for (;;) {
        const r = await applyStatusEvents(deps, { limit: 200, unknownRetryMs: 0 });
        if (r.claimed === 0) return;
        applied += r.done;
      }
    }),
  );
  const [open] = await orm.em
    .fork()
    .execute<{ n: string }[]>("select ((select count(*) from outbox where status <> 'done') + (select count(*) from provider_status_events where applied_at is null))::text as n");
  expect(Number(open!.n)).toBe(0);
  return rows.length + applied;
}

describe("Twilio webhook signatures", () => {
  it("answers 403 to forged, missing, retired-token, tampered and wrong-URL signatures and stores nothing", async () => {
    const before = await outboxCount();
    const p = statusParams(0, "delivered");
    const cases: { name: string; res: Promise<Response> }[] = [
      { name: "forged token", res: post(statusUrl(0), p, { token: "attacker-token" }) },
      { name: "no header", res: post(statusUrl(0), p, { signature: null }) },
      { name: "empty header", res: post(statusUrl(0), p, { signature: "" }) },
      { name: "garbage header", res: post(statusUrl(0), p, { signature: "%%%not-base64==" }) },
      // A signature made with a token taken out of the rotation list no longer counts.
      { name: "retired token", res: post(statusUrl(0), p, { token: RETIRED_TOKEN }) },
      // Captured for "sent", replayed with the status changed.
      { name: "tampered param", res: post(statusUrl(0), p, { signature: signTwilioRequest(TOKENS[0]!, PUBLIC_URL + statusUrl(0), statusParams(0, "sent")) }) },
      // Captured for one message id, replayed against another (the query string is signed too).
      { name: "other message id", res: post(statusUrl(1), statusParams(1, "delivered"), { signature: signTwilioRequest(TOKENS[0]!, PUBLIC_URL + statusUrl(0), statusParams(1, "delivered")) }) },
      // Signed for http:// or another host than PUBLIC_URL.
      { name: "other scheme", res: post(statusUrl(0), p, { signature: signTwilioRequest(TOKENS[0]!, `http://rm.example.com${statusUrl(0)}`, p) }) },
      { name: "extra param", res: post(statusUrl(0), p, { body: new URLSearchParams({ ...p, ErrorCode: "30008" }).toString() }) },
    ];
    const statuses = await Promise.all(cases.map(async (c) => [c.name, (await c.res).status] as const));
    expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(cases.map((c) => [c.name, 403])));
    expect(await outboxCount()).toBe(before);
    expect((await message(0)).status).toBe("SENT");
  });

  it("accepts the previous token of the rotation list", async () => {
    expect((await post(statusUrl(2), statusParams(2, "sent"), { token: TOKENS[1] })).status).toBe(204);
    await work();
  });
});

describe("Twilio webhook replays and ordering", () => {
  it("a captured callback replayed later has no second effect", async () => {
    expect((await post(statusUrl(3), statusParams(3, "delivered"))).status).toBe(204);
    expect(await work()).toBe(1);
    const after = await message(3);
    expect(after.status).toBe("DELIVERED");
    const rows = await outboxCount();
    const ledger = await ledgerCount();
    for (let i = 0; i < 3; i++) expect((await post(statusUrl(3), statusParams(3, "delivered"))).status).toBe(204);
    expect(await outboxCount()).toBe(rows);
    expect(await work()).toBe(0);
    expect(await message(3)).toEqual(after);
    expect(await ledgerCount()).toBe(ledger);
  });

  it("out-of-order status callbacks end in the furthest status, whatever order they are handled in", async () => {
    for (const s of ["delivered", "sent", "queued", "accepted"]) expect((await post(statusUrl(4), statusParams(4, s))).status).toBe(204);
    // An undelivered arriving after delivered does not undo it (the handset has the message).
    expect((await post(statusUrl(4), statusParams(4, "undelivered"))).status).toBe(204);
    const ledger = await ledgerCount();
    expect(await work(1)).toBe(5);
    expect((await message(4)).status).toBe("DELIVERED");
    expect(await ledgerCount()).toBe(ledger);
  });
});

describe("Twilio webhooks naming things we do not know", () => {
  it("completes a status callback for an unknown MessageSid with no effect, even when it names a real message id", async () => {
    const unknownSid = `SM${"f".repeat(32)}`;
    const before = await message(5);
    const ledger = await ledgerCount();
    // Twilio must stop retrying: 204 even though nothing matches.
    expect((await post(STATUS_PATH, { ...statusParams(5, "failed"), MessageSid: unknownSid, ErrorCode: "30008" })).status).toBe(204);
    expect((await post(statusUrl(5), { ...statusParams(5, "undelivered"), MessageSid: unknownSid, ErrorCode: "30003" })).status).toBe(204);
    // A message id that is not a UUID is ignored, not an error.
    expect((await post(`${STATUS_PATH}?m=../../etc/passwd`, { ...statusParams(5, "delivered"), MessageSid: unknownSid })).status).toBe(204);
    expect(await work()).toBe(3);
    expect(await message(5)).toEqual(before);
    expect(await ledgerCount()).toBe(ledger);
  });

  it("stores a reply from an unknown phone number unrouted: no workspace, no patient", async () => {
    const reply = { MessageSid: `SM${"e".repeat(32)}`, AccountSid: ACCOUNT_SID, From: "+593999999999", To: "+15005550006", Body: "5", NumMedia: "0" };
    const res = await post(INBOUND_PATH, reply);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(await work()).toBe(1);
    const rows = await orm.em
      .fork()
      .execute<{ workspace_id: string | null; patient_id: string | null; in_reply_to_id: string | null }[]>(
        "select workspace_id, patient_id, in_reply_to_id from inbound_messages where provider_sid = ?",
        [reply.MessageSid],
      );
    expect(rows).toEqual([{ workspace_id: null, patient_id: null, in_reply_to_id: null }]);
  });
});

describe("Twilio webhook bodies", () => {
  it("answers 413 to a huge body, declared or streamed without a length, and stores nothing", async () => {
    const before = await outboxCount();
    const huge = { ...statusParams(6, "delivered"), Body: "x".repeat(200_000) };
    expect((await post(statusUrl(6), huge)).status).toBe(413);
    // Chunked, no Content-Length: the cap must hold while reading, not only on the header.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${web.url}${STATUS_PATH}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = "a=" + "y".repeat(64 * 1024);
      for (let i = 0; i < 32; i++) req.write(chunk);
      req.end();
    });
    expect(chunked).toBe(413);
    expect(await outboxCount()).toBe(before);
  });

  it("answers 415 to other content types and a missing one", async () => {
    const p = statusParams(7, "delivered");
    const cases = {
      json: await post(statusUrl(7), p, { contentType: "application/json", body: JSON.stringify(p) }),
      multipart: await post(statusUrl(7), p, { contentType: "multipart/form-data; boundary=x", body: "--x--" }),
      text: await post(statusUrl(7), p, { contentType: "text/plain" }),
      none: await post(statusUrl(7), p, { contentType: null, body: new URLSearchParams(p).toString() }),
    };
    expect(Object.fromEntries(Object.entries(cases).map(([k, r]) => [k, r.status]))).toEqual({ json: 415, multipart: 415, text: 415, none: 415 });
    expect((await message(7)).status).toBe("SENT");
  });

  it("never answers 5xx to malformed form bodies, signed or not", async () => {
    const bodies = ["%", "%zz%", "a=%E0%A4%A", "&&&==&", "\u0000\u0001\uFFFD", "MessageSid=SM1&MessageSid=SM2&MessageStatus=sent", "=".repeat(5000)];
    const signedCodes: number[] = [];
    for (const body of bodies) {
      const params: Params = {};
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
      expect((await post(STATUS_PATH, params, { body, signature: "x" })).status).toBe(403);
      signedCodes.push((await post(STATUS_PATH, params, { body })).status);
    }
    // Signed without MessageSid/MessageStatus: 400. The one with both (a repeated name: the last
    // value counts, for the signature and the store alike) is stored and then matches no message.
    expect(signedCodes).toEqual([400, 400, 400, 400, 400, 204, 400]);
    expect(await work()).toBe(1);
  });
});

describe("a burst of signed callbacks", () => {
  it("takes 5,000 status callbacks (plus replays) in any order, stores each once and applies them all", { timeout: 240_000 }, async () => {
    const requests: { path: string; params: Params }[] = [];
    for (let i = 10; i < 10 + BURST_MESSAGES; i++) {
      requests.push({ path: statusUrl(i), params: statusParams(i, "sent") }, { path: statusUrl(i), params: statusParams(i, "delivered") });
    }
    // Twilio retries: 5 % of them come twice.
    const replays = requests.filter((_, i) => i % 20 === 0);
    const all = [...requests, ...replays];
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const before = await outboxCount();
    const codes = new Map<number, number>();
    let next = 0;
    let healthChecks = 0;
    const health = setInterval(() => {
      void fetch(`${web.url}/healthz`).then((r) => {
        if (r.status === 200) healthChecks++;
      });
    }, 200);
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < all.length) {
          const r = all[next++]!;
          const res = await post(r.path, r.params);
          await res.arrayBuffer();
          codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
        }
      }),
    );
    clearInterval(health);
    expect(Object.fromEntries(codes)).toEqual({ 204: all.length });
    expect(healthChecks).toBeGreaterThan(0);
    expect((await outboxCount()) - before).toBe(requests.length);
    expect(await work(4)).toBe(requests.length);
    const delivered = new Set(
      (await orm.em.fork().execute<{ id: string }[]>("select id from messages where workspace_id = ? and status = 'DELIVERED'", [scenario.workspaceId])).map((m) => m.id),
    );
    expect(scenario.messageIds.slice(10).filter((id) => !delivered.has(id))).toEqual([]);
  });
});

describe("webhook logs", () => {
  it("never log a patient's phone number or the auth token", () => {
    const logs = [...web.logs, ...handlerLog].join("\n");
    for (const token of [...TOKENS, RETIRED_TOKEN]) expect(logs).not.toContain(token);
    for (const phone of scenario.phones.slice(0, 20)) expect(logs).not.toContain(phone);
    expect(logs).not.toContain("+593999999999");
  });
});
