// npm run bench:pipeline -- [--messages 20000] [--workers 2] [--upload-rows 1000] [--relay-rows 50000] [--callbacks] [--no-baselines]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatPipelineReport, runPipelineBench } from "../bench-pipeline.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    workers: { type: "string", default: "2" },
    "relay-rows": { type: "string", default: "50000" },
    "upload-rows": { type: "string", default: "1000" },
    callbacks: { type: "boolean", default: false },
    // Only the product's run (its speed and footprint): no raw ceilings, relay-alone or BullMQ.
    "no-baselines": { type: "boolean", default: false },
  },
});

const report = await runPipelineBench({
  messages: Number(values.messages),
  workers: Number(values.workers),
  relayRows: Number(values["relay-rows"]),
  uploadRows: Number(values["upload-rows"]),
  callbacks: values.callbacks,
  baselines: !values["no-baselines"],
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(formatPipelineReport(report));
console.log(JSON.stringify(report));
