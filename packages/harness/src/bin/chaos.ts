// npm run chaos -- --patients 10000 --kills 20 [--workers 2] [--relays 2] [--timeout 600]
//   [--no-redis-restart] [--no-pg-terminate] [--no-web] [--redis-down-ms 3000]
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
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(formatChaosReport(report));
console.log(JSON.stringify({ bench: "chaos", ...report }));
process.exit(report.ok ? 0 : 1);
