// npm run chaos:redis-cluster -- [--messages 5000] [--workers 2] [--partitions 6] [--timeout 180]
// Prints `lost N`, `duplicated N` and one JSON line (docs/runbook.md, "Chaos").
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { runClusterChaos } from "../chaos-redis-cluster.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "5000" },
    workers: { type: "string", default: "2" },
    partitions: { type: "string", default: "6" },
    timeout: { type: "string", default: "180" },
  },
});

const report = await runClusterChaos({
  messages: Number(values.messages),
  workers: Number(values.workers),
  partitions: Number(values.partitions),
  timeoutMs: Number(values.timeout) * 1000,
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[chaos] ${line}`),
});
console.log(`received ${report.received} of ${report.messages}; failover ${report.failoverSeconds} s; drained in ${report.drainSeconds} s; outbox rows not done ${report.stuckOutboxRows}`);
console.log(`lost ${report.lost}`);
console.log(`duplicated ${report.duplicated}`);
console.log(JSON.stringify({ bench: "chaos-redis-cluster", ...report }));
if (report.lost || report.duplicated || report.stuckOutboxRows) process.exit(1);
