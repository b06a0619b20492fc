import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { allStreamKeys } from "@rm/streams";
import { createScenario } from "@rm/test-utils";
import { ProcessManager } from "../src/processes.ts";
import { createRunEnv, type RunEnv } from "../src/run-env.ts";

// The pipeline's guarantees with the real relay and worker processes.
const logDir = fileURLToPath(new URL("../../../.data/logs", import.meta.url));
let env: RunEnv | undefined;
let pm: ProcessManager | undefined;

afterEach(async () => {
  await pm?.stopAll();
  await env?.close();
  pm = undefined;
  env = undefined;
});

async function until(check: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("pipeline processes", () => {
  it("a stream entry lost in Redis is published again by the sweeper and sent once", async () => {
    env = await createRunEnv({ workerEnv: { OUTBOX_SWEEP_AFTER_MS: "2000", OUTBOX_SWEEP_INTERVAL_MS: "1000", RELAY_POLL_MS: "100" } });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/lost-${env.id}` });
    const s = await createScenario(env.orm, { patients: 20, dueAt: new Date() });
    // Only the relay runs: it publishes every row, then Redis loses the stream (an AOF window, a flush).
    pm.start("relay", "relay-0");
    const key = allStreamKeys({ prefix: env.prefix, partitions: 1 }, "dispatch")[0]!;
    await until(async () => (await env!.redis.xlen(key)) === 20, 30_000, "the relay to publish");
    await env.redis.del(key);
    expect(env.sim.state.messages).toHaveLength(0);

    pm.start("worker", "worker-0");
    await until(() => env!.sim.state.messages.length >= 20, 60_000, "the sweeper to republish the lost rows");
    await sleep(500);
    const perPhone = new Map<string, number>();
    for (const m of env.sim.state.messages) perPhone.set(m.to, (perPhone.get(m.to) ?? 0) + 1);
    expect([...perPhone.keys()].sort()).toEqual([...s.phones].sort());
    expect([...perPhone.values()].every((n) => n === 1)).toBe(true);
  });

  it("three workers together keep one sender at 1 segment per second", async () => {
    env = await createRunEnv({ workerEnv: { RATE_LIMITS_DISABLED: "false", RELAY_POLL_MS: "100" } });
    pm = new ProcessManager({ env: env.processEnv, logDir: `${logDir}/ratelimit-${env.id}` });
    pm.start("relay", "relay-0");
    for (let i = 0; i < 3; i++) pm.start("worker", `worker-${i}`);
    await sleep(1500);
    await createScenario(env.orm, { patients: 5, dueAt: new Date() });
    await until(() => env!.sim.state.messages.length >= 5, 60_000, "five sends from one long-code sender");
    const times = env.sim.state.messages.map((m) => m.dateCreated).sort((a, b) => a - b);
    // One token in the bucket at first, then one per second: n messages need at least n − 1 seconds
    // of token grants. Arrival at the provider adds each request's own latency, which varies on a
    // loaded machine, so allow half a second of it. Without the limiter all five arrive within ~0.1 s.
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(3_500);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
  });
});
