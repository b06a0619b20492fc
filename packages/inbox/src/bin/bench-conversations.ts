// `npm run bench:conversations [-- --contacts 100000 --per-contact 10 --runs 300 --keep]`: prints a
// table of warm timings beside their raw ceilings and one JSON line with `p99Ms` (docs/performance.md).
import { parseArgs } from "node:util";
import { runConversationsBench } from "../bench/conversations-bench.ts";

const { values } = parseArgs({ options: { contacts: { type: "string", default: "100000" }, "per-contact": { type: "string", default: "10" }, runs: { type: "string", default: "300" }, keep: { type: "boolean", default: false } } });
const report = await runConversationsBench({ contacts: Number(values.contacts), perContact: Number(values["per-contact"]), runs: Number(values.runs), keep: values.keep }, (line) =>
  console.error(`[bench:conversations] ${line}`),
);
const { rawPlan, ...summary } = report;
console.log(String(rawPlan));
const ms = summary.ms as Record<string, { p50: number; p99: number }>;
const raw = summary.rawMs as Record<string, { p50: number; p99: number }>;
console.log(`\n${String(summary.contacts)} contacts, ${String(summary.threads)} threads, ${String(summary.messages)} messages (seeded in ${String(summary.seedSeconds)} s)`);
console.log("query                 p50 ms   p99 ms   raw p50   raw p99");
for (const [k, v] of Object.entries(ms)) {
  const r = raw[k];
  console.log(`${k.padEnd(20)} ${String(v.p50).padStart(7)} ${String(v.p99).padStart(8)} ${String(r?.p50 ?? "").padStart(9)} ${String(r?.p99 ?? "").padStart(9)}`);
}
console.log(JSON.stringify(summary));
if (summary.database) console.log(`kept database ${String(summary.database)}`);
