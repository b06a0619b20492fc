// npm run bench:webhooks -- [--duration 10] [--connections 64]
import { parseArgs } from "node:util";
import { formatWebhooksReport, runWebhooksBench } from "../bench-webhooks.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
  },
});

const report = await runWebhooksBench({
  durationSeconds: Number(values.duration),
  connections: Number(values.connections),
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(formatWebhooksReport(report));
console.log(JSON.stringify(report));
