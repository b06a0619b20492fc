import { expect, it } from "vitest";
import { startTelemetry } from "../src/index.ts";

it("refuses a second start, and starts again after shutdown on a new random port", async () => {
  const first = await startTelemetry({ serviceName: "restart-test", metricsPort: 0, host: "127.0.0.1" });
  await expect(startTelemetry({ serviceName: "restart-test", metricsPort: 0 })).rejects.toThrow(/twice/);
  expect(first.port).toBeGreaterThan(0);
  await first.shutdown();
  await first.shutdown(); // idempotent
  await expect(fetch(`http://127.0.0.1:${first.port}/healthz`)).rejects.toThrow();

  const second = await startTelemetry({ serviceName: "restart-test", metricsPort: 0, host: "127.0.0.1" });
  try {
    second.meter.createCounter("rm.test.restarted").add(1);
    const text = await (await fetch(`http://127.0.0.1:${second.port}/metrics`)).text();
    expect(text).toMatch(/^rm_test_restarted_total\{[^}]*\} 1$/m);
  } finally {
    await second.shutdown();
  }
});
