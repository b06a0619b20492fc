// Throughput of the simulator's create-message path (throughput mode) against a bare node:http
// server answering the same request in the same run, and through the real twilio SDK.
// Usage (from packages/twilio-simulator, after `source ../../scripts/env.sh`): pnpm run bench [requests] [inFlight]
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTwilioClient } from "@rm/twilio";
import { createSimulator } from "../src/index.ts";

const total = Number(process.argv[2] ?? 10_000);
const inFlight = Number(process.argv[3] ?? 64);
const sid = "AC" + "5a".repeat(16);
const token = "bench-token";
const auth = "Basic " + Buffer.from(`${sid}:${token}`).toString("base64");
const path = `/2010-04-01/Accounts/${sid}/Messages.json`;

async function drive(send: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await send(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

function rawPoster(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  return (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = `To=%2B5939${10_000_000 + i}&From=%2B15005550006&Body=Hola+Ana%2C+%C2%BFc%C3%B3mo+fue+su+cita%3F&StatusCallback=http%3A%2F%2F127.0.0.1%3A9%2Fcb`;
      const req = http.request({ port, host: "127.0.0.1", path, method: "POST", agent, headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
}

// Baseline: bare node:http that reads the body and answers a fixed 201 JSON of similar size.
const fixed = JSON.stringify({ sid: "SM" + "0".repeat(32), status: "queued", body: "x".repeat(600) });
const bare = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(201, { "content-type": "application/json" });
    res.end(fixed);
  });
});
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
const barePort = (bare.address() as AddressInfo).port;

const sim = createSimulator({ accountSid: sid, authTokens: [token], throughputMode: true });
const { port: simPort, url } = await sim.listen(0);

const rounds: Record<string, number[]> = { bare: [], simulator: [], "simulator via twilio SDK": [] };
const client = createTwilioClient({ accountSid: sid, authToken: token, apiUrl: url, maxSockets: inFlight });
for (let round = 0; round < 3; round++) {
  rounds.bare!.push(await drive(rawPoster(barePort)));
  sim.reset({ keepConfig: true });
  rounds.simulator!.push(await drive(rawPoster(simPort)));
  if (sim.state.stats().total !== total) throw new Error("simulator lost requests");
  sim.reset({ keepConfig: true });
  rounds["simulator via twilio SDK"]!.push(
    await drive(async (i) => {
      await client.messages.create({ to: `+5939${10_000_000 + i}`, from: "+15005550006", body: "Hola Ana, ¿cómo fue su cita?" });
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(rounds.bare!);
process.stdout.write(`create-message throughput, ${total} requests, ${inFlight} in flight, median of 3\n`);
for (const [name, xs] of Object.entries(rounds)) {
  const m = median(xs);
  process.stdout.write(`${name.padEnd(26)} ${Math.round(m).toString().padStart(7)} req/s  ${(m / base).toFixed(2)}× bare\n`);
}
await sim.close();
bare.close();
