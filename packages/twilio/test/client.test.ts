import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTwilioClient, encodeTwilioForm, isTwilioRestException, requestNotSentStage, TwilioRequestTimeoutError, twilioErrorCode } from "../src/index.ts";

const SID = "AC" + "0123456789abcdef".repeat(2);
const TOKEN = "secret-token";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: URLSearchParams;
}

let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (raw += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: new URLSearchParams(raw) });
      if (req.url!.includes("/slow/")) return; // never answers: the client's timeout must fire
      if (req.url!.includes("/hangup/")) {
        req.socket.resetAndDestroy(); // read the whole request, then reset the connection
        return;
      }
      if (req.url!.includes("/refuse/")) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: 21211, message: "The 'To' number +593000 is not a valid phone number.", more_info: "https://www.twilio.com/docs/errors/21211", status: 400 }));
        return;
      }
      if (req.url!.includes("/broken/")) {
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html>bad gateway</html>");
        return;
      }
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ messages: [{ sid: "SM" + "ef".repeat(16), status: "delivered", to: "+593987654321" }], next_page_uri: null, page: 0, page_size: 20 }));
        return;
      }
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ sid: "SM" + "ab".repeat(16), account_sid: SID, status: "queued", to: "+593987654321", from: "+15005550006", num_segments: "1" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("createTwilioClient", () => {
  it("sends messages.create to apiUrl with Basic auth and form fields", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/" });
    const msg = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "Hola ñandú", statusCallback: "http://x.test/cb?m=1" });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg.status).toBe("queued");
    const req = seen.at(-1)!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req.authorization).toBe("Basic " + Buffer.from(`${SID}:${TOKEN}`).toString("base64"));
    expect(Object.fromEntries(req.body)).toEqual({ To: "+593987654321", From: "+15005550006", Body: "Hola ñandú", StatusCallback: "http://x.test/cb?m=1" });
  });

  it("keeps a path prefix of apiUrl", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/prefix" });
    await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" });
    expect(seen.at(-1)!.url).toBe(`/prefix/2010-04-01/Accounts/${SID}/Messages.json`);
  });

  it("honours the request timeout", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/slow", timeoutMs: 300 });
    const started = Date.now();
    await expect(client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" })).rejects.toThrow(/timeout/i);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });

  it("reuses keep-alive sockets beyond the SDK's 20 per host", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl });
    const sockets = new Set<unknown>();
    const onConn = (s: unknown) => sockets.add(s);
    server.on("connection", onConn);
    try {
      for (let round = 0; round < 2; round++) {
        await Promise.all(Array.from({ length: 40 }, () => client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" })));
      }
    } finally {
      server.off("connection", onConn);
    }
    // 40 in flight at once need 40 sockets; the second round reuses them instead of opening more.
    expect(sockets.size).toBeGreaterThan(20);
    expect(sockets.size).toBeLessThanOrEqual(40);
  });
});

describe("createTwilioClient's wire path", () => {
  it("repeats array parameters as the SDK's own encoding does (MediaUrl)", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl });
    await client.messages.create({ to: "whatsapp:+593987654321", from: "whatsapp:+15005550006", body: "x", mediaUrl: ["https://a.test/1.jpg", "https://a.test/2.jpg"] });
    expect(seen.at(-1)!.body.getAll("MediaUrl")).toEqual(["https://a.test/1.jpg", "https://a.test/2.jpg"]);
  });

  it("sends GET parameters in the query string and parses the page", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl });
    const page = await client.messages.page({ to: "+593987654321", pageSize: 20 });
    const req = seen.at(-1)!;
    expect(req.method).toBe("GET");
    const query = new URL(req.url, baseUrl).searchParams;
    expect(query.get("To")).toBe("+593987654321");
    expect(query.get("PageSize")).toBe("20");
    expect(page.instances.map((m) => m.status)).toEqual(["delivered"]);
  });

  it("turns a JSON error answer into a RestException with Twilio's code", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/refuse" });
    const err = await client.messages.create({ to: "+593000", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect(twilioErrorCode(err)).toBe(21211);
    expect(isTwilioRestException(err) && err.status).toBe(400);
  });

  it("turns a non-JSON error page into a RestException with the HTTP status", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/broken" });
    const err = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect(isTwilioRestException(err) && err.status).toBe(502);
    expect(twilioErrorCode(err)).toBeUndefined();
  });

  it("reports a refused connection with its network code, which proves nothing was sent", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: `http://127.0.0.1:${port}` });
    const err = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("ECONNREFUSED");
    expect(requestNotSentStage(err)).toBe("connect");
  });

  it("marks a failed TLS handshake (Node reports EPROTO here) as stopped before anything was written", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl.replace("http:", "https:") });
    const before = seen.length;
    const err = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("EPROTO");
    expect(requestNotSentStage(err)).toBe("tls");
    expect(seen.length).toBe(before);
  });

  it("a reset after the request was written is not marked: the provider may have taken it", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/hangup" });
    const before = seen.length;
    const err = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("ECONNRESET");
    expect(seen.length).toBe(before + 1);
    expect(requestNotSentStage(err)).toBeNull();
  });

  it("times out with ETIMEDOUT, not a refusal: the message may have been taken", async () => {
    const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: baseUrl + "/slow", timeoutMs: 200 });
    const err = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TwilioRequestTimeoutError);
    expect((err as { code?: string }).code).toBe("ETIMEDOUT");
    expect(requestNotSentStage(err)).toBeNull();
  });

  it("encodes forms like qs with arrayFormat repeat", () => {
    expect(encodeTwilioForm({ To: "+593 98", Body: "ñ & =", MediaUrl: ["a", "b"], Skip: undefined, Empty: null, Flag: true, N: 3 })).toBe(
      "To=%2B593+98&Body=%C3%B1+%26+%3D&MediaUrl=a&MediaUrl=b&Empty=&Flag=true&N=3",
    );
  });
});

describe("createTwilioClient over https", () => {
  const hasOpenssl = (() => {
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOpenssl)("reaches an https apiUrl with a private CA", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rm-twilio-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const cert = readFileSync(join(dir, "cert.pem"));
    const tls = https.createServer({ key: readFileSync(join(dir, "key.pem")), cert }, (req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ sid: "SM" + "cd".repeat(16), status: "queued", url: req.url }));
      });
    });
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    try {
      const client = createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`, ca: cert });
      const msg = await client.messages.create({ to: "+593987654321", from: "+15005550006", body: "x" });
      expect(msg.sid).toBe("SM" + "cd".repeat(16));
    } finally {
      tls.closeAllConnections();
      await new Promise((r) => tls.close(r));
    }
  });
});
