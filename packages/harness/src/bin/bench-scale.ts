// npm run bench:scale -- [--sizes 1000,10000,100000,1000000] [--messages 2000] [--shaping-seconds 20]
//   [--half-load-seconds 20] [--half-load-rate <msg/s, default half the curve's median>] [--half-load-relay-poll-ms <default: the product's>]
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatScaleReport, runScaleBench } from "../bench-scale.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,100000,1000000" },
    messages: { type: "string", default: "2000" },
    "shaping-seconds": { type: "string", default: "20" },
    "half-load-seconds": { type: "string", default: "20" },
    "half-load-rate": { type: "string" },
    "half-load-relay-poll-ms": { type: "string" },
  },
});

const report = await runScaleBench({
  sizes: values.sizes.split(",").map(Number),
  messages: Number(values.messages),
  shapingSeconds: Number(values["shaping-seconds"]),
  halfLoadSeconds: Number(values["half-load-seconds"]),
  ...(values["half-load-rate"] ? { halfLoadRate: Number(values["half-load-rate"]) } : {}),
  ...(values["half-load-relay-poll-ms"] ? { halfLoadRelayPollMs: Number(values["half-load-relay-poll-ms"]) } : {}),
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(formatScaleReport(report));
console.log(JSON.stringify(report));
