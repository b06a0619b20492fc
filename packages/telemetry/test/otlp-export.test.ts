import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { startTelemetry } from "../src/index.ts";

it("exports spans over OTLP/HTTP when an endpoint is given (flushed on shutdown)", async () => {
  const received: { url: string; contentType: string | undefined; bytes: number }[] = [];
  const collector = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (d: Buffer) => (bytes += d.length));
    req.on("end", () => {
      received.push({ url: req.url ?? "", contentType: req.headers["content-type"], bytes });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
  try {
    const telemetry = await startTelemetry({ serviceName: "otlp-test", metricsPort: 0, host: "127.0.0.1", otlpTracesEndpoint: endpoint });
    telemetry.tracer.startActiveSpan("exported", (span) => span.end());
    await telemetry.shutdown();
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received[0]).toMatchObject({ url: "/v1/traces" });
    expect(received[0]!.bytes).toBeGreaterThan(0);
  } finally {
    await new Promise((r) => collector.close(r));
  }
});
