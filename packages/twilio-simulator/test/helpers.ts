// Shared test fixtures: a simulator on a free port, an SDK client pointed at it, and a small
// webhook receiver that records what arrives and checks the X-Twilio-Signature.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTwilioClient, verifyTwilioSignature, type TwilioClient } from "@rm/twilio";
import { createSimulator, type Simulator, type SimulatorOptions } from "../src/index.ts";

export const SID = "AC" + "5a".repeat(16);
export const TOKEN = "primary-token-0123456789";
export const OLD_TOKEN = "previous-token-9876543210";
export const SMS_FROM = "+15005550006";
export const WA_FROM = "whatsapp:+14155238886";

export interface Received {
  path: string;
  params: Record<string, string>;
  signatureValid: boolean;
  signature: string | undefined;
  url: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answer status per request; default 200. */
  respond: (r: Received) => number;
  close(): Promise<void>;
  waitFor(predicate: (all: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let base = "";
  const receiver: Receiver = {
    url: "",
    received,
    respond: () => 200,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
    waitFor: (predicate, timeoutMs = 5000) => waitFor(() => (predicate(received) ? received : undefined), timeoutMs),
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (raw += c));
    req.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const signature = req.headers["x-twilio-signature"] as string | undefined;
      const r: Received = { path: req.url!, params, signature, url: base + req.url, signatureValid: verifyTwilioSignature({ authTokens: [TOKEN], signature, url: base + req.url, params }) };
      received.push(r);
      res.writeHead(receiver.respond(r), { "content-type": "text/xml" });
      res.end("<Response/>");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.url = base;
  return receiver;
}

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<{ sim: Simulator; client: TwilioClient }> {
  const sim = createSimulator({ accountSid: SID, authTokens: [TOKEN, OLD_TOKEN], callbackDelayMs: 5, ...options });
  const { url } = await sim.listen(0);
  return { sim, client: createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: url, timeoutMs: 5000 }) };
}

/** The SDK's RestException fields, or a failure when the call succeeded. */
export async function restError(p: Promise<unknown>): Promise<{ status: number; code: number; message: string; moreInfo: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status: number; code: number; message: string; moreInfo: string };
    return { status: e.status, code: e.code, message: e.message, moreInfo: e.moreInfo };
  }
  throw new Error("expected the call to fail");
}
