// npm run chaos -- --patients 10000 --kills 20 [--workers 2] [--relays 2] [--timeout 600]
//   [--no-redis-restart] [--no-pg-terminate] [--no-web] [--redis-down-ms 3000]
//   [--web-kills 2] [--no-provider-faults] [--provider-fault-ms 5000] [--pg-outage-ms 60000] [--reply-share 0.3]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatChaosReport, runChaos } from "../chaos.ts";

const { values } = parseArgs({
  options: {
    patients: { type: "string", default: "10000" },
    kills: { type: "string", default: "20" },
    workers: { type: "string", default: "2" },
    relays: { type: "string", default: "2" },
    timeout: { type: "string", default: "600" },
    "redis-down-ms": { type: "string", default: "3000" },
    "no-redis-restart": { type: "boolean", default: false },
    "no-pg-terminate": { type: "boolean", default: false },
    "no-web": { type: "boolean", default: false },
    "web-kills": { type: "string", default: "2" },
    "no-provider-faults": { type: "boolean", default: false },
    "provider-fault-ms": { type: "string", default: "5000" },
    "pg-outage-ms": { type: "string", default: "60000" },
    "reply-share": { type: "string", default: "0.3" },
  },
});

// Ctrl-C / SIGTERM: stop early but still stop the processes and drop the run's database and Redis.
const abort = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => abort.abort(new Error(`stopped by ${sig}`)));

const report = await runChaos({
  signal: abort.signal,
  patients: Number(values.patients),
  kills: Number(values.kills),
  workers: Number(values.workers),
  relays: Number(values.relays),
  timeoutMs: Number(values.timeout) * 1000,
  redisDownMs: Number(values["redis-down-ms"]),
  redisRestart: !values["no-redis-restart"],
  pgTerminate: !values["no-pg-terminate"],
  web: !values["no-web"],
  webKills: Number(values["web-kills"]),
  providerFaults: !values["no-provider-faults"],
  providerFaultMs: Number(values["provider-fault-ms"]),
  pgOutageMs: Number(values["pg-outage-ms"]),
  replyShare: Number(values["reply-share"]),
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(formatChaosReport(report));
console.log(JSON.stringify({ bench: "chaos", ...report }));
process.exit(report.ok ? 0 : 1);
