// npm run bench:analytics -- [--messages 1000000] [--runs 30] [--keep-database]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatAnalyticsReport, runAnalyticsBench } from "../bench/run.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    "keep-database": { type: "boolean", default: false },
  },
});

const messages = Number(values.messages);
const runs = Number(values.runs);
if (!Number.isInteger(messages) || messages < 100 || !Number.isInteger(runs) || runs < 1) {
  console.error("usage: npm run bench:analytics -- [--messages N ≥ 100] [--runs N ≥ 1] [--keep-database]");
  process.exit(2);
}

const report = await runAnalyticsBench({
  messages,
  runs,
  keepDatabase: values["keep-database"],
  outDir: fileURLToPath(new URL("../../../../.data/bench", import.meta.url)),
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(formatAnalyticsReport(report));
console.log(JSON.stringify(report));
