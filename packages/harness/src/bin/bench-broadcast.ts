// npm run bench:broadcast -- [--contacts 100000] [--workers 2] [--no-baselines]
// Prints the report, then one JSON line.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatBroadcastReport, runBroadcastBench } from "../bench-broadcast.ts";

const { values } = parseArgs({
  options: {
    contacts: { type: "string", default: "100000" },
    workers: { type: "string", default: "2" },
    "no-baselines": { type: "boolean", default: false },
  },
});

const report = await runBroadcastBench({
  contacts: Number(values.contacts),
  workers: Number(values.workers),
  baselines: !values["no-baselines"],
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(formatBroadcastReport(report));
console.log(JSON.stringify(report));
