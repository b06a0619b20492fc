// `npm run bench:inbox [-- --items 100000 --unresolved 0.03 --runs 300 --keep]`:
// prints the badge's plans, a table of warm timings and one JSON line (docs/performance.md).
import { parseArgs } from "node:util";
import { runBadgeBench } from "../bench/badge-bench.ts";

const { values } = parseArgs({ options: { items: { type: "string", default: "100000" }, unresolved: { type: "string", default: "0.03" }, runs: { type: "string", default: "300" }, keep: { type: "boolean", default: false } } });
const report = await runBadgeBench({ items: Number(values.items), unresolved: Number(values.unresolved), runs: Number(values.runs), keep: values.keep });
const { planOwner, planDoctor, ...summary } = report;
console.log(String(planOwner));
console.log(String(planDoctor));
const ms = summary.ms as Record<string, { p50: number; p95: number }>;
console.log(`\ninbox items ${summary.totalFeedbackRows} (big workspace ${summary.items}, ${summary.unresolved} unresolved, ${summary.detractors} NEW detractors; doctor ${summary.doctorUnresolved})`);
console.log("query                     p50 ms   p95 ms");
for (const [k, v] of Object.entries(ms)) console.log(`${k.padEnd(24)} ${String(v.p50).padStart(7)} ${String(v.p95).padStart(8)}`);
console.log(JSON.stringify(summary));
if (summary.database) console.log(`kept database ${String(summary.database)}`);
