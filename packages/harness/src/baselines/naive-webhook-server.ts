// Baseline of the webhook benchmark: what a webhook written as a plain Remix action costs — the
// node request turned into a WHATWG Request (as Remix's adapter does), `formData()`, the Twilio
// signature check, and one transaction per request inserting the outbox row.
import http from "node:http";
import { Readable } from "node:stream";
import pg from "pg";
import { verifyTwilioSignature } from "@rm/twilio";

const publicUrl = process.env.PUBLIC_URL!;
const authToken = process.env.TWILIO_AUTH_TOKEN!;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

async function action(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const form = await request.formData();
  const params: Record<string, string> = {};
  for (const [k, v] of form) params[k] = String(v);
  const signature = request.headers.get("x-twilio-signature") ?? "";
  if (!verifyTwilioSignature({ authTokens: [authToken], signature, url: publicUrl + url.pathname + url.search, params })) return new Response("forbidden", { status: 403 });
  const inbound = url.pathname.endsWith("/inbound");
  const key = inbound ? `twilio-inbound:${params.MessageSid}` : `twilio-status:${params.MessageSid}:${params.MessageStatus}`;
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
