// `npm run bench:api [-- --requests 2000 --concurrency 16 --retries 0.2 --keep]`:
// prints a table (req/s, p50, p99 per case) and one JSON line (docs/performance.md).
import { parseArgs } from "node:util";
import { runApiBench } from "../bench/bench-api.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "2000" }, concurrency: { type: "string", default: "16" }, retries: { type: "string", default: "0.2" }, keep: { type: "boolean", default: false } } });
const report = await runApiBench({ requests: Number(values.requests), concurrency: Number(values.concurrency), retryShare: Number(values.retries), keep: values.keep });
console.log("case                                  req/s   p50 ms   p99 ms  errors");
for (const r of report.results) console.log(`${r.case.padEnd(36)} ${String(r.perSecond).padStart(6)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.errors).padStart(7)}`);
console.log(JSON.stringify(report));
if (report.database) console.log(`kept database ${report.database}`);
