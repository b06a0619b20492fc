// Baseline of the webhook benchmark: what a webhook written as a plain Remix action costs — the
// node request turned into a WHATWG Request (as Remix's adapter does), `formData()`, the Twilio
// signature check, and one transaction per request inserting the outbox row.
//
// With NAIVE_WEBHOOK_MODE=apply-status (the pipeline benchmark's `--callbacks` BullMQ baseline) a
// status callback is instead applied the way the product's first design did it: one transaction per
// request updating the message row found by its provider sid, guarded so a status never goes back.
import http from "node:http";
import { Readable } from "node:stream";
import pg from "pg";
import { DELIVERY_STATUS_RANK, deliveryStatusRankSql, fromTwilioStatus } from "@rm/domain";
import { verifyTwilioSignature } from "@rm/twilio";
import { BASELINE_CALLBACK_OVERRIDES } from "./callback-overrides.ts";
import { twilioInboundEvent, twilioStatusEvent } from "@rm/events";

const publicUrl = process.env.PUBLIC_URL!;
const authToken = process.env.TWILIO_AUTH_TOKEN!;
const applyStatus = process.env.NAIVE_WEBHOOK_MODE === "apply-status";
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

// $2 is the new status, $3 its rank; the update only moves a message forward (a late `sent` after `delivered`
// changes nothing) and fills the timestamps the new status implies.
const APPLY_STATUS_SQL = `update messages set status = $2,
       sent_at = case when $2 in ('SENT', 'DELIVERED', 'READ') then coalesce(sent_at, now()) else sent_at end,
       delivered_at = case when $2 in ('DELIVERED', 'READ') then coalesce(delivered_at, now()) else delivered_at end,
       failed_at = case when $2 in ('UNDELIVERED', 'FAILED', 'CANCELED') then coalesce(failed_at, now()) else failed_at end,
       updated_at = now()
 where provider_sid = $1 and ${deliveryStatusRankSql("status")} < $3`;

async function action(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const form = await request.formData();
  const params: Record<string, string> = {};
  for (const [k, v] of form) params[k] = String(v);
  const signature = request.headers.get("x-twilio-signature") ?? "";
  if (!verifyTwilioSignature({ authTokens: [authToken], signature, url: publicUrl + url.pathname + url.search, fragment: BASELINE_CALLBACK_OVERRIDES, params })) return new Response("forbidden", { status: 403 });
  if (applyStatus) return applyStatusCallback(params);
  const inbound = url.pathname.endsWith("/inbound");
  const key = inbound ? twilioInboundEvent.key(params.MessageSid ?? "") : twilioStatusEvent.key(params.MessageSid ?? "", params.MessageStatus ?? "");
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query(
      "insert into outbox (workspace_id, stream, type, payload, idempotency_key, available_at) values (null, $1, $2, $3::jsonb, $4, now()) on conflict (idempotency_key) do nothing",
      [inbound ? "inbound" : "provider-status", inbound ? "twilio.inbound" : "twilio.status", JSON.stringify({ params }), key],
    );
    await client.query("commit");
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return new Response(null, { status: 204 });
}

/**
 * The first design's status webhook. A callback that names a sid not recorded yet (it beat the
 * worker's write after the provider call) answers 503, so the provider retries it, as Twilio does
 * on 5xx: otherwise a `delivered` that arrives first would be lost and the message stay SENT.
 */
async function applyStatusCallback(params: Record<string, string>): Promise<Response> {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const status = fromTwilioStatus(params.MessageStatus ?? params.SmsStatus);
  if (!sid || !status) return new Response(null, { status: 204 });
  const client = await pool.connect();
  try {
    await client.query("begin");
    const updated = await client.query(APPLY_STATUS_SQL, [sid, status, DELIVERY_STATUS_RANK[status]]);
    const known = updated.rowCount ? true : (await client.query("select 1 from messages where provider_sid = $1", [sid])).rowCount! > 0;
    await client.query("commit");
    return new Response(null, { status: known ? 204 : 503 });
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method === "GET") {
    res.writeHead(200).end("ok");
    return;
  }
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
    body: Readable.toWeb(req) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  action(request).then(
    async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    },
    () => res.writeHead(503).end(),
  );
});
server.listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
process.once("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
