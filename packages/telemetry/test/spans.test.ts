import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectTraceContext, parseTraceparent, runInServerSpan, startTelemetry, withExtractedContext, withSpan, type Telemetry } from "../src/index.ts";

let telemetry: Telemetry;
beforeAll(async () => {
  telemetry = await startTelemetry({ serviceName: "spans-test", metricsPort: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await telemetry?.shutdown();
});

const REMOTE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

describe("spans", () => {
  it("withSpan continues the extracted trace with a span of its own, visible across awaits", async () => {
    const seen = await withExtractedContext(REMOTE, () =>
      withSpan("message.send", { "messaging.destination.name": "dispatch" }, async () => {
        await new Promise((r) => setTimeout(r, 5));
        return parseTraceparent(injectTraceContext());
      }),
    );
    expect(seen?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(seen?.spanId).not.toBe("b7ad6b7169203331");
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("withSpan ends the span and rethrows when the work fails", async () => {
    await expect(withSpan("failing", {}, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });

  it("runInServerSpan starts a fresh trace even inside another one, until ended", () => {
    const ids = withExtractedContext(REMOTE, () =>
      runInServerSpan("http.request", { "http.request.method": "POST" }, (end) => {
        const inside = parseTraceparent(injectTraceContext());
        end({ "http.response.status_code": 200 });
        end(); // a second end is ignored
        return inside;
      }),
    );
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ids?.traceId).not.toBe("0af7651916cd43dd8448eb211c80319c");
    expect(ids?.traceId).not.toBe("0".repeat(32));
  });
});
