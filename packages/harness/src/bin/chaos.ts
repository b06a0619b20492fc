// npm run chaos -- --patients 2000 --kills 10 [--workers 2] [--relays 2] [--timeout 300]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatChaosReport, runChaos } from "../chaos.ts";

const { values } = parseArgs({
  options: {
    patients: { type: "string", default: "2000" },
    kills: { type: "string", default: "10" },
    workers: { type: "string", default: "2" },
    relays: { type: "string", default: "2" },
    timeout: { type: "string", default: "300" },
  },
});

const report = await runChaos({
  patients: Number(values.patients),
  kills: Number(values.kills),
  workers: Number(values.workers),
  relays: Number(values.relays),
  timeoutMs: Number(values.timeout) * 1000,
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(formatChaosReport(report));
console.log(JSON.stringify({ bench: "chaos", ...report }));
process.exit(report.ok ? 0 : 1);
