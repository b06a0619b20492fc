// The scale benchmark, two parts.
//
// 1. Backlog curve: the same batch of due messages is sent with 1k, 10k, 100k and 1M other rows
//    queued in the outbox (scheduled for later, as reminders and campaigns booked ahead are). A
//    claim that scanned the table would slow down as the backlog grows; an index-driven one stays
//    flat. One relay and one worker process, rate limits off, the simulator in throughput mode.
// 2. Provider shaping: rate limits on (long code 1 segment/s, toll-free 3, WhatsApp 80), one
//    workspace per sender, every message queued at once; reports the achieved rate per sender from
//    the simulator's arrival times, and that nothing was dropped or sent twice.
// 3. Half load: messages written ahead (outbox rows with available_at = their due time, as an import
//    or the reminder scheduler writes them), due evenly at half the sustained rate of part 1 for
//    ~20 s; reports due → send latency (the simulator's arrival − the row's due time) p50/p99/max.
//    The relay runs with the product's default poll interval, so the figure is what a deployment sees.
import { setTimeout as sleep } from "node:timers/promises";
import { pgArray } from "@rm/db";
import { createScenario, freePort } from "@rm/test-utils";
import { round, waitReady } from "./bench-util.ts";
import { ProcessManager } from "./processes.ts";
import { createRunEnv, type RunEnv } from "./run-env.ts";
import { messageSendEvent } from "@rm/events";

export interface ScalePoint {
  backlog: number;
  messages: number;
  seconds: number;
  perSecond: number;
  /** Time to add this step's backlog rows (INSERT … SELECT generate_series). */
  backlogInsertSeconds: number;
}

export interface ShapingResult {
  sender: string;
  kind: string;
  configuredPerSecond: number;
  messages: number;
  received: number;
  achievedPerSecond: number;
  /** First to last arrival at the provider. */
  spanSeconds: number;
  deviation: number;
  /**
   * The same steady arrivals' rate as the least-squares slope of arrival time over message number:
   * every arrival counts, so one late first or last message (a worker backlog at the start) moves it
   * far less than it moves the endpoints' rate above.
   */
  fittedPerSecond: number;
  fittedDeviation: number;
  duplicates: number;
}

export interface HalfLoadResult {
  /** The sustained rate this is half of: the median of the curve's rates, unless given. */
  sustainedPerSecond: number;
  /** Due times are spread evenly at this rate. */
  offeredPerSecond: number;
  /** First due time to last due time. */
  seconds: number;
  messages: number;
  received: number;
  duplicates: number;
  /** Sends whose latency was measured (matched to a row by recipient); equals `received` when all is well. */
  measured: number;
  /** Due time → arrival at the provider (a negative minimum would mean a send before its due time). */
  latencyMinMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Where the time goes: due → published by the relay, and published → arrival at the provider (stream + worker). */
  relayP50Ms: number;
  relayP99Ms: number;
  workerP50Ms: number;
  workerP99Ms: number;
  /** The relay's poll interval in this run (the product's default unless overridden). */
  relayPollMs: number;
  /** CPU seconds per 1,000 messages over the run, start-up excluded. */
  cpuSecondsPer1000: { relay: number; worker: number };
}

export interface ScaleBenchReport {
  bench: "scale";
  curve: ScalePoint[];
  /** Rate at the largest backlog / rate at the smallest (target ≥ 0.8). */
  flatness: number;
  shaping: ShapingResult[];
  /** Absent when skipped (halfLoadSeconds 0). Target p99 < 1 s. */
  halfLoad?: HalfLoadResult;
}

export interface ScaleBenchOptions {
  sizes: number[];
  messages: number;
  /** Seconds of traffic per sender in the shaping run (0 skips it). */
  shapingSeconds: number;
  /** Seconds of traffic in the half-load run (0 skips it). */
  halfLoadSeconds?: number;
  /** Offered rate of the half-load run (default: half the median rate of the curve). */
  halfLoadRate?: number;
  /** The relay's poll interval in the half-load run (default: the product's, RELAY_POLL_MS unset). */
  halfLoadRelayPollMs?: number;
  logDir: string;
  log?: (line: string) => void;
}

const LOOSE_WORKER_ENV = { STREAM_BATCH_SIZE: "100", STREAM_READERS: "2", RELAY_BATCH_SIZE: "500", RELAY_POLL_MS: "100", LOG_LEVEL: "error" };


async function startPipeline(pm: ProcessManager, workers: number): Promise<void> {
  const ports: number[] = [];
  for (const name of ["relay-0", ...Array.from({ length: workers }, (_, i) => `worker-${i}`)]) {
    const port = await freePort();
    ports.push(port);
    pm.start(name.startsWith("relay") ? "relay" : "worker", name, { METRICS_PORT: String(port) });
  }
  await Promise.all(ports.map((port) => waitReady(port)));
  await sleep(500);
}

/** Adds `count` outbox rows due tomorrow or later, spread over a week. */
async function addBacklog(env: RunEnv, workspaceId: string, from: number, count: number): Promise<number> {
  const started = Date.now();
  for (let done = 0; done < count; done += 100_000) {
    const n = Math.min(100_000, count - done);
    await env.orm.em.fork().execute(
      `insert into outbox (workspace_id, stream, type, payload, idempotency_key, available_at)
       select ?, 'dispatch', 'message.send', jsonb_build_object('messageId', gen_random_uuid()), 'backlog:' || g,
              now() + interval '1 day' + (g % 604800) * interval '1 second'
         from generate_series(?::bigint, ?::bigint) g`,
      [workspaceId, from + done, from + done + n - 1],
      "run",
    );
  }
  await env.orm.em.fork().execute("analyze outbox", [], "run");
  return (Date.now() - started) / 1000;
}

async function runBacklogCurve(o: ScaleBenchOptions, log: (line: string) => void): Promise<ScalePoint[]> {
  const env = await createRunEnv({ workerEnv: LOOSE_WORKER_ENV });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/scale-${env.id}` });
  const curve: ScalePoint[] = [];
  try {
    await startPipeline(pm, 1);
    let phoneBase = 593_960_000_000;
    // Warm-up, untimed: JIT, connection pools and stream groups settle before the first point.
    const warm = await createScenario(env.orm, { patients: Math.min(500, o.messages), dueAt: new Date(), phoneBase: 593_940_000_000 });
    const warmDeadline = Date.now() + 120_000;
    while (env.sim.state.stats().total < warm.messageIds.length && Date.now() < warmDeadline) await sleep(50);
    let backlog = 0;
    for (const size of [...o.sizes].sort((a, b) => a - b)) {
      // The batch's rows are written not yet due, then made due at once: only the pipeline is timed.
      const scenario = await createScenario(env.orm, { patients: o.messages, dueAt: new Date(Date.now() + 30 * 86400_000), phoneBase });
      phoneBase += o.messages;
      const backlogInsertSeconds = size > backlog ? await addBacklog(env, scenario.workspaceId, backlog, size - backlog) : 0;
      backlog = Math.max(backlog, size);
      log(`backlog ${backlog}: sending ${o.messages} due messages`);
      const before = env.sim.state.stats().total;
      const t0 = Date.now();
      await env.orm.em.fork().execute("update outbox set available_at = now() where idempotency_key in (?)", [scenario.messageIds.map((id) => messageSendEvent.key(id))], "run");
      const deadline = Date.now() + Math.max(120_000, o.messages * 50);
      while (env.sim.state.stats().total < before + o.messages && Date.now() < deadline) await sleep(20);
      const received = env.sim.state.stats().total - before;
      if (received < o.messages) throw new Error(`backlog ${backlog}: only ${received} of ${o.messages} messages arrived`);
      const last = Math.max(...env.sim.state.messages.slice(-o.messages).map((m) => m.dateCreated));
      const seconds = (last - t0) / 1000;
      curve.push({ backlog, messages: o.messages, seconds: round(seconds, 2), perSecond: Math.round(o.messages / seconds), backlogInsertSeconds: round(backlogInsertSeconds, 1) });
    }
    return curve;
  } finally {
    await pm.stopAll();
    await env.close();
  }
}

const SHAPING_SENDERS = [
  { sender: "+15005550006", kind: "longCode", rate: 1, channel: "SMS" as const },
  { sender: "+18005550199", kind: "tollFree", rate: 3, channel: "SMS" as const },
  { sender: "whatsapp:+14155238886", kind: "whatsapp", rate: 80, channel: "WHATSAPP" as const },
];

async function runShaping(o: ScaleBenchOptions, log: (line: string) => void): Promise<ShapingResult[]> {
  const env = await createRunEnv({ workerEnv: { ...LOOSE_WORKER_ENV, RATE_LIMITS_DISABLED: "false", SENDER_RATES: "longCode=1,tollFree=3,whatsapp=80" } });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/shaping-${env.id}` });
  try {
    await startPipeline(pm, 2);
    let phoneBase = 593_950_000_000;
    const plans = [];
    for (const s of SHAPING_SENDERS) {
      // One segment per message, so messages per second equal segments per second.
      const count = Math.max(3, Math.round(s.rate * o.shapingSeconds));
      const scenario = await createScenario(env.orm, {
        patients: count,
        dueAt: new Date(Date.now() + 30 * 86400_000),
        channel: s.channel,
        phoneBase,
        smsSender: s.channel === "SMS" ? s.sender : null,
        whatsappSender: s.channel === "WHATSAPP" ? s.sender : undefined,
        whatsappContentSids: { INITIAL: "HX00000000000000000000000000000001" },
        body: (i) => `Hola ${i}, gracias por su visita. Responda del 1 al 5.`,
      });
      phoneBase += count;
      plans.push({ ...s, count, scenario });
    }
    log(`shaping: ${plans.map((p) => `${p.count} via ${p.kind}`).join(", ")}`);
    await env.orm.em.fork().execute("update outbox set available_at = now() where type = 'message.send'", [], "run");
    const total = plans.reduce((n, p) => n + p.count, 0);
    const deadline = Date.now() + (o.shapingSeconds + 60) * 1000;
    while (env.sim.state.stats().total < total && Date.now() < deadline) await sleep(50);
    return plans.map((p) => {
      const phones = new Set(p.scenario.phones);
      const arrivals = env.sim.state.messages.filter((m) => phones.has(m.to.replace(/^whatsapp:/, ""))).map((m) => m.dateCreated).sort((a, b) => a - b);
      const received = arrivals.length;
      // The bucket starts full (one second's burst): measure the steady rate after the burst.
      const burst = Math.max(1, p.rate);
      const steady = arrivals.slice(Math.min(burst, received - 1));
      const span = steady.length > 1 ? (steady.at(-1)! - steady[0]!) / 1000 : 0;
      const achieved = span > 0 ? (steady.length - 1) / span : 0;
      const fitted = fittedRate(steady);
      const duplicates = p.scenario.phones.reduce((n, phone) => n + Math.max(0, (env.sim.state.toCounts.get(p.channel === "WHATSAPP" ? `whatsapp:${phone}` : phone) ?? 0) - 1), 0);
      return {
        sender: p.sender,
        kind: p.kind,
        configuredPerSecond: p.rate,
        messages: p.count,
        received,
        achievedPerSecond: round(achieved, 2),
        spanSeconds: received > 1 ? round((arrivals.at(-1)! - arrivals[0]!) / 1000, 2) : 0,
        deviation: round(achieved / p.rate - 1, 3),
        fittedPerSecond: round(fitted, 2),
        fittedDeviation: round(fitted / p.rate - 1, 3),
        duplicates,
      };
    });
  } finally {
    await pm.stopAll();
    await env.close();
  }
}

async function runHalfLoad(o: ScaleBenchOptions, sustainedPerSecond: number, log: (line: string) => void): Promise<HalfLoadResult> {
  const { RELAY_POLL_MS: _poll, ...rest } = LOOSE_WORKER_ENV;
  // RELAY_POLL_MS's default in @rm/config (relayEnv).
  const relayPollMs = o.halfLoadRelayPollMs ?? 1000;
  const env = await createRunEnv({ workerEnv: o.halfLoadRelayPollMs ? { ...rest, RELAY_POLL_MS: String(o.halfLoadRelayPollMs) } : rest });
  const pm = new ProcessManager({ env: env.processEnv, logDir: `${o.logDir}/half-load-${env.id}` });
  try {
    await startPipeline(pm, 1);
    const warm = await createScenario(env.orm, { patients: 200, dueAt: new Date(), phoneBase: 593_930_000_000 });
    const warmDeadline = Date.now() + 120_000;
    while (env.sim.state.stats().total < warm.messageIds.length && Date.now() < warmDeadline) await sleep(50);

    const rate = o.halfLoadRate ?? sustainedPerSecond / 2;
    const seconds = o.halfLoadSeconds ?? 20;
    const count = Math.max(2, Math.round(rate * seconds));
    const intervalMs = 1000 / rate;
    // Written ahead, then given their due times: the relay learns of them as it would of an import's rows.
    const scenario = await createScenario(env.orm, { patients: count, dueAt: new Date(Date.now() + 30 * 86400_000), phoneBase: 593_920_000_000 });
    const start = Date.now() + 3000;
    const dueAt = scenario.messageIds.map((_, i) => start + i * intervalMs);
    await env.orm.em.fork().execute(
      `update outbox o set available_at = to_timestamp(u.due / 1000.0)
         from unnest(?::text[], ?::float8[]) as u(key, due) where o.idempotency_key = u.key`,
      [pgArray(scenario.messageIds.map((id) => messageSendEvent.key(id))), pgArray(dueAt)],
      "run",
    );
    if (Date.now() > start) log(`half load: writing the due times took longer than the 3 s lead; the first rows were late`);
    log(`half load: ${count} messages due at ${round(rate, 1)}/s over ${seconds} s (half of ${Math.round(sustainedPerSecond)} msg/s)`);
    const before = env.sim.state.stats().total;
    const cpuBefore = pm.cpuByApp();
    const deadline = dueAt.at(-1)! + 60_000;
    while (env.sim.state.stats().total < before + count && Date.now() < deadline) await sleep(50);
    const cpu = pm.cpuByApp();

    const dueByPhone = new Map(scenario.phones.map((p, i) => [p, dueAt[i]!]));
    const latencies = env.sim.state.messages.flatMap((m) => (dueByPhone.has(m.to) ? [m.dateCreated - dueByPhone.get(m.to)!] : [])).sort((a, b) => a - b);
    // The relay's share from each row's published_at (set once, when the relay publishes it).
    const published = await env.orm.em.fork().execute<{ key: string; at: Date }[]>(
      "select idempotency_key as key, published_at as at from outbox where idempotency_key = any(?::text[]) and published_at is not null",
      [pgArray(scenario.messageIds.map((id) => messageSendEvent.key(id)))],
      "all",
    );
    const phoneByKey = new Map(scenario.messageIds.map((id, i) => [messageSendEvent.key(id), scenario.phones[i]!]));
    const publishedByPhone = new Map(published.map((r) => [phoneByKey.get(r.key)!, new Date(r.at).getTime()]));
    const relayMs = scenario.phones.flatMap((p, i) => (publishedByPhone.has(p) ? [publishedByPhone.get(p)! - dueAt[i]!] : [])).sort((a, b) => a - b);
    const workerMs = env.sim.state.messages.flatMap((m) => (publishedByPhone.has(m.to) ? [m.dateCreated - publishedByPhone.get(m.to)!] : [])).sort((a, b) => a - b);
    const duplicates = scenario.phones.reduce((n, phone) => n + Math.max(0, (env.sim.state.toCounts.get(phone) ?? 0) - 1), 0);
    return {
      sustainedPerSecond: Math.round(sustainedPerSecond),
      offeredPerSecond: round(rate, 1),
      seconds: round((dueAt.at(-1)! - dueAt[0]!) / 1000, 1),
      messages: count,
      received: env.sim.state.stats().total - before,
      duplicates,
      measured: latencies.length,
      latencyMinMs: Math.round(latencies[0] ?? 0),
      latencyP50Ms: Math.round(percentile(latencies, 0.5)),
      latencyP99Ms: Math.round(percentile(latencies, 0.99)),
      latencyMaxMs: Math.round(latencies.at(-1) ?? 0),
      relayP50Ms: Math.round(percentile(relayMs, 0.5)),
      relayP99Ms: Math.round(percentile(relayMs, 0.99)),
      workerP50Ms: Math.round(percentile(workerMs, 0.5)),
      workerP99Ms: Math.round(percentile(workerMs, 0.99)),
      relayPollMs,
      cpuSecondsPer1000: { relay: round(((cpu.relay - cpuBefore.relay) / count) * 1000, 3), worker: round(((cpu.worker - cpuBefore.worker) / count) * 1000, 3) },
    };
  } finally {
    await pm.stopAll();
    await env.close();
  }
}

/** Messages per second from the least-squares slope of arrival times (ms) over their order. */
function fittedRate(arrivals: number[]): number {
  const n = arrivals.length;
  if (n < 2) return 0;
  const meanI = (n - 1) / 2;
  const meanT = arrivals.reduce((a, t) => a + t, 0) / n;
  let num = 0;
  let den = 0;
  arrivals.forEach((t, i) => {
    num += (i - meanI) * (t - meanT);
    den += (i - meanI) ** 2;
  });
  return num > 0 ? 1000 / (num / den) : 0;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function runScaleBench(o: ScaleBenchOptions): Promise<ScaleBenchReport> {
  const log = o.log ?? (() => {});
  const curve = await runBacklogCurve(o, log);
  const shaping = o.shapingSeconds > 0 ? await runShaping(o, log) : [];
  const report: ScaleBenchReport = { bench: "scale", curve, flatness: round(curve.at(-1)!.perSecond / curve[0]!.perSecond, 2), shaping };
  if ((o.halfLoadSeconds ?? 20) > 0) {
    const rates = curve.map((p) => p.perSecond).sort((a, b) => a - b);
    report.halfLoad = await runHalfLoad(o, rates[Math.floor((rates.length - 1) / 2)]!, log);
  }
  return report;
}


export function formatScaleReport(r: ScaleBenchReport): string {
  const lines = ["backlog (queued, not due)   due batch   seconds   msg/s"];
  for (const p of r.curve) lines.push(`${String(p.backlog).padStart(25)}   ${String(p.messages).padStart(9)}   ${String(p.seconds).padStart(7)}   ${String(p.perSecond).padStart(5)}`);
  lines.push(`rate at the largest backlog / at the smallest: ${r.flatness} (target ≥ 0.8)`);
  if (r.shaping.length) {
    lines.push("", "sender                    kind       configured  achieved  deviation  fitted  deviation  sent/queued  duplicates");
    for (const s of r.shaping) {
      lines.push(`${s.sender.padEnd(25)} ${s.kind.padEnd(10)} ${String(s.configuredPerSecond).padStart(10)}  ${String(s.achievedPerSecond).padStart(8)}  ${`${round(s.deviation * 100, 1)} %`.padStart(9)}  ${String(s.fittedPerSecond).padStart(6)}  ${`${round(s.fittedDeviation * 100, 1)} %`.padStart(9)}  ${`${s.received}/${s.messages}`.padStart(11)}  ${String(s.duplicates).padStart(10)}`);
    }
  }
  if (r.halfLoad) {
    const h = r.halfLoad;
    lines.push(
      "",
      `half load: ${h.messages} messages due evenly at ${h.offeredPerSecond}/s over ${h.seconds} s (half of ${h.sustainedPerSecond} msg/s), relay poll ${h.relayPollMs} ms`,
      `  due → send min ${h.latencyMinMs} ms, p50 ${h.latencyP50Ms} ms, p99 ${h.latencyP99Ms} ms (target < 1,000), max ${h.latencyMaxMs} ms; sent ${h.received}/${h.messages}, measured ${h.measured}, duplicates ${h.duplicates}`,
      `  due → published by the relay p50 ${h.relayP50Ms} ms, p99 ${h.relayP99Ms} ms; published → provider p50 ${h.workerP50Ms} ms, p99 ${h.workerP99Ms} ms`,
      `  CPU s per 1,000 messages: relay ${h.cpuSecondsPer1000.relay}, worker ${h.cpuSecondsPer1000.worker}`,
    );
  }
  return lines.join("\n");
}
