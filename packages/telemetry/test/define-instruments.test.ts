import { metrics } from "@opentelemetry/api";
import { expect, it } from "vitest";
import { defineInstruments, startTelemetry } from "../src/index.ts";

it("instruments made before startTelemetry stay no-ops; defineInstruments ones record", async () => {
  // What a module does when it creates instruments at import time (before the SDK is registered).
  const early = metrics.getMeter("reputation-manager").createCounter("rm.test.early");
  const lazy = defineInstruments((m) => ({ counter: m.createCounter("rm.test.lazy") }));
  lazy(); // called once too early as well: must not stick to the no-op meter

  const telemetry = await startTelemetry({ serviceName: "lazy-test", metricsPort: 0, host: "127.0.0.1" });
  try {
    early.add(1);
    lazy().counter.add(1);
    const text = await (await fetch(`http://127.0.0.1:${telemetry.port}/metrics`)).text();
    expect(text).not.toContain("rm_test_early");
    expect(text).toMatch(/^rm_test_lazy_total\{[^}]*\} 1$/m);
  } finally {
    await telemetry.shutdown();
  }
});
