// Starts the real web, relay and worker processes on a fresh database, Redis prefix and provider
// simulator, runs a small flow (sends, delivery callbacks, patient replies, a forged webhook), then
// scrapes /metrics of each process: every metric name the dashboard and the alerts use must exist,
// with values that match what happened.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRunEnv } from "@rm/harness";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScenario, freePort, waitForStatus } from "@rm/test-utils";
import { CHART, hasSeries, metricNames, parsePrometheus, renderChart, ROOT, sumOf, parseManifests, type Sample } from "../src/index.ts";

type Proc = { name: string; child: ChildProcess; output: () => string; exited: Promise<number | null> };

function start(name: string, cwd: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [entry], { cwd, env: { PATH: process.env.PATH ?? "", HOME: "/tmp", TZ: "UTC", NODE_OPTIONS: "--disable-warning=ExperimentalWarning", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  return { name, child, output: () => out, exited: new Promise((r) => child.once("exit", (code) => r(code))) };
}

async function scrape(port: number): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  return { text, samples: parsePrometheus(text) };
}

/** `name{label="value", …}` exact matchers in PromQL text (namespace excluded: Prometheus adds it). */
function labelMatchers(text: string): { name: string; label: string; value: string }[] {
  const out: { name: string; label: string; value: string }[] = [];
  for (const m of text.replace(/\\"/g, '"').matchAll(/\b(rm_[a-z0-9_]+)\{([^}]*)\}/g)) {
    for (const l of m[2]!.matchAll(/([a-z_]+)\s*=\s*"([^"]*)"/g)) if (l[1] !== "namespace") out.push({ name: m[1]!, label: l[1]!, value: l[2]! });
  }
  return out;
}

const PATIENTS = 4;
const FAILING = "+593980000003"; // the simulator answers this number with a provider error (21211)

describe("metrics of running processes", () => {
  let env: Awaited<ReturnType<typeof createRunEnv>>;
  const procs: Proc[] = [];
  const ports = { web: 0, web_metrics: 0, relay: 0, worker: 0 };
  let workspaceId = "";
  let phones: string[] = [];

  beforeAll(async () => {
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    const publicUrl = `http://127.0.0.1:${ports.web}`;
    env = await createRunEnv({
      simulator: {
        throughputMode: false,
        callbackDelayMs: 20,
        callbackJitterMs: 0,
        autoReplyShare: 1,
        autoReplyDelayMs: 50,
        autoReplies: [{ body: "5", weight: 1 }],
        failRules: [{ to: FAILING, code: 21211 }],
        inboundUrl: `${publicUrl}/webhooks/twilio/inbound`,
      },
      workerEnv: { PUBLIC_URL: publicUrl, LOG_LEVEL: "warn", RELAY_POLL_MS: "100" },
    });
    const base = Object.fromEntries(Object.entries(env.processEnv).filter((e): e is [string, string] => typeof e[1] === "string"));
    // The web process in development mode (Vite middleware, no client build needed): the lean routes and
    // the metrics behave the same; the production build is exercised by the image test.
    procs.push(start("web", `${ROOT}apps/web`, "server.ts", { ...base, NODE_ENV: "development", PORT: String(ports.web), HOST: "127.0.0.1", METRICS_PORT: String(ports.web_metrics), SESSION_SECRET: "a-session-secret-of-32-characters!" }));
    procs.push(start("relay", `${ROOT}apps/relay`, "src/main.ts", { ...base, METRICS_PORT: String(ports.relay) }));
    procs.push(start("worker", `${ROOT}apps/worker`, "src/main.ts", { ...base, METRICS_PORT: String(ports.worker) }));
    await Promise.all([
      waitForStatus(`http://127.0.0.1:${ports.web}/readyz`, 200, undefined, 30_000),
      waitForStatus(`http://127.0.0.1:${ports.relay}/readyz`, 200, undefined, 30_000),
      waitForStatus(`http://127.0.0.1:${ports.worker}/readyz`, 200, undefined, 30_000),
    ]);
    const scenario = await createScenario(env.orm, { patients: PATIENTS, dueAt: new Date(), credits: 50 });
    workspaceId = scenario.workspaceId;
    phones = scenario.phones;
    expect(phones).toContain(FAILING);
  });

  afterAll(async () => {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 12_000))])));
    for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    await env?.close();
  });

  it("exports the series of the dashboard and the alerts with plausible values after a small flow", async () => {
    // A forged webhook (bad signature) and a request nobody routes.
    const forged = await fetch(`http://127.0.0.1:${ports.web}/webhooks/twilio/status`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "bm90LXZhbGlk" }, body: "MessageSid=SM1&MessageStatus=delivered" });
    expect(forged.status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${ports.web}/no/such/page/123`)).status).toBe(404);

    // Wait for the flow: 3 survey messages accepted and delivered, 1 rejected by the provider, the
    // patients' replies stored (each "5" also brings a follow-up message, which gets a reply too).
    const deadline = Date.now() + 45_000;
    let web = await scrape(ports.web_metrics), relay = await scrape(ports.relay), worker = await scrape(ports.worker);
    while (Date.now() < deadline) {
      [web, relay, worker] = await Promise.all([scrape(ports.web_metrics), scrape(ports.relay), scrape(ports.worker)]);
      const done =
        sumOf(worker.samples, "rm_messages_status_total", { status: "DELIVERED", type: "INITIAL" }) >= PATIENTS - 1 &&
        sumOf(worker.samples, "rm_messages_replied_total") >= PATIENTS - 1 &&
        sumOf(worker.samples, "rm_provider_errors_total") >= 1 &&
        sumOf(relay.samples, "rm_outbox_backlog", { state: "due" }) === 0;
      if (done) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const context = () => procs.map((p) => `--- ${p.name}\n${p.output().slice(-3000)}`).join("\n");

    // Values that match the flow.
    expect(sumOf(worker.samples, "rm_messages_sent_total", { type: "INITIAL", outcome: "accepted" }), context()).toBe(PATIENTS - 1);
    expect(sumOf(worker.samples, "rm_messages_sent_total", { type: "INITIAL", outcome: "failed" })).toBe(1);
    expect(sumOf(worker.samples, "rm_provider_errors_total", { code: "21211" })).toBe(1);
    expect(sumOf(worker.samples, "rm_messages_status_total", { status: "DELIVERED", type: "INITIAL", channel: "SMS" })).toBe(PATIENTS - 1);
    expect(sumOf(worker.samples, "rm_messages_replied_total", { channel: "SMS", outcome: "routed" })).toBeGreaterThanOrEqual(PATIENTS - 1);
    // One latency observation per accepted send (surveys and follow-ups), each a few seconds at most.
    const accepted = sumOf(worker.samples, "rm_messages_sent_total", { outcome: "accepted" });
    expect(sumOf(worker.samples, "rm_send_latency_seconds_count")).toBe(accepted);
    const latencySum = sumOf(worker.samples, "rm_send_latency_seconds_sum");
    expect(latencySum).toBeGreaterThanOrEqual(0);
    expect(latencySum / accepted).toBeLessThan(30);
    expect(sumOf(worker.samples, "rm_credits_total", { kind: "deduct" })).toBeGreaterThan(0);
    expect(sumOf(worker.samples, "rm_stream_entries_total", { stream: "dispatch", outcome: "ok" })).toBeGreaterThanOrEqual(PATIENTS);

    expect(sumOf(relay.samples, "rm_outbox_published_total", { stream: "dispatch" })).toBeGreaterThanOrEqual(PATIENTS);
    expect(sumOf(relay.samples, "rm_outbox_backlog", { state: "due" })).toBe(0);
    expect(sumOf(relay.samples, "rm_outbox_oldest_due_age_seconds")).toBe(0);
    expect(relay.samples.filter((s) => s.name === "rm_stream_length").every((s) => s.value >= 0)).toBe(true);
    expect(sumOf(relay.samples, "rm_stream_pending", { stream: "dispatch" })).toBe(0);
    expect(sumOf(relay.samples, "rm_stream_dead_letter_length", { stream: "dispatch" })).toBe(0);
    expect(relay.samples.filter((s) => s.name === "rm_stream_lag").map((s) => s.labels.stream).sort()).toEqual(["billing", "dispatch", "inbound", "periodic", "provider-status", "webhooks"]);

    expect(sumOf(web.samples, "rm_webhook_requests_total", { route: "/webhooks/twilio/status", outcome: "forged" })).toBe(1);
    expect(sumOf(web.samples, "rm_webhook_requests_total", { route: "/webhooks/twilio/status", outcome: "accepted" })).toBeGreaterThanOrEqual(PATIENTS - 1);
    expect(sumOf(web.samples, "rm_webhook_requests_total", { route: "/webhooks/twilio/inbound", outcome: "accepted" })).toBe(sumOf(worker.samples, "rm_messages_replied_total"));
    expect(sumOf(web.samples, "rm_http_request_duration_seconds_count", { route: "/webhooks/twilio/status", status_class: "2xx" })).toBeGreaterThanOrEqual(PATIENTS - 1);
    expect(sumOf(web.samples, "rm_http_request_duration_seconds_count", { route: "(unmatched)", status_class: "4xx" })).toBe(1);
    // Buckets are the seconds ones, not the SDK's millisecond defaults.
    expect(web.samples.some((s) => s.name === "rm_http_request_duration_seconds_bucket" && s.labels.le === "0.005")).toBe(true);

    // Every metric name in the dashboard and the alert rules is exported by some process.
    const all = [...web.samples, ...relay.samples, ...worker.samples];
    const dashboard = readFileSync(`${CHART}/files/dashboard.json`, "utf8");
    const rule = parseManifests(renderChart()).find((m) => m.kind === "PrometheusRule")!;
    const used = [...new Set([...metricNames(dashboard), ...metricNames(JSON.stringify(rule.spec))])];
    expect(used.length).toBeGreaterThan(15);
    // Counters appear on first use; these dashboard series belong to flows this small one does not
    // run (a WhatsApp number without WhatsApp, a Stripe webhook, an AI drafts request, the LLM
    // assistant of a workspace that opted in).
    const notInThisFlow = new Set(["rm_messages_sms_fallback_total", "rm_billing_webhook_requests_total", "rm_ai_request_duration_seconds_bucket", "rm_assistant_replies_total"]);
    expect(used.filter((name) => !notInThisFlow.has(name) && !hasSeries(all, name))).toEqual([]);
    // The runbook names metrics too (histograms by their base name).
    const runbook = readFileSync(`${ROOT}docs/runbook.md`, "utf8");
    expect(metricNames(runbook).filter((name) => !notInThisFlow.has(name) && !notInThisFlow.has(`${name}_bucket`) && !all.some((x) => x.name === name || ["_bucket", "_sum", "_count"].some((suffix) => x.name === name + suffix)))).toEqual([]);
    // …and every exact label match in them uses a label those series carry, with a value the processes
    // really produce (failure-only values — a 5xx, a handler error — cannot occur in a healthy flow:
    // for those the label itself must exist).
    const FAILURE_ONLY = new Set(["5xx", "error"]);
    const series = (name: string) => all.filter((s) => s.name === name || s.name.startsWith(`${name}_`));
    const missing = labelMatchers(dashboard + JSON.stringify(rule.spec)).filter(({ name, label, value }) =>
      FAILURE_ONLY.has(value) ? !series(name).some((s) => label in s.labels) : !series(name).some((s) => s.labels[label] === value),
    );
    expect(missing).toEqual([]);

    // Trace context: webhook rows carry the web request's trace; rows the worker wrote while handling
    // an inbound reply (the follow-up sends) continue the trace of that reply's webhook.
    const db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
    // Status callbacks are rows of provider_status_events (decision 011), listed here as their stream was.
    const { rows } = await db.query<{ stream: string; type: string; trace_context: string | null }>(
      "select stream, type, trace_context from outbox union all select 'provider-status', 'twilio.status', trace_context from provider_status_events",
    );
    await db.end();
    const traceId = (tp: string | null) => /^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$/.exec(tp ?? "")?.[1];
    const webhookRows = rows.filter((r) => r.stream === "provider-status" || r.stream === "inbound");
    expect(webhookRows.length).toBeGreaterThan(0);
    for (const r of webhookRows) expect(traceId(r.trace_context), JSON.stringify(r)).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    const inboundTraces = new Set(rows.filter((r) => r.stream === "inbound").map((r) => traceId(r.trace_context)));
    const fromWorker = rows.filter((r) => r.stream === "dispatch" && r.trace_context !== null);
    expect(fromWorker.filter((r) => inboundTraces.has(traceId(r.trace_context))).length).toBeGreaterThanOrEqual(PATIENTS - 1);

    // No tenant ids or phone numbers in labels.
    for (const text of [web.text, relay.text, worker.text]) {
      expect(text).not.toContain(workspaceId);
      for (const phone of phones) expect(text).not.toContain(phone.slice(1));
    }
  });
});
