// npm run bench:pipeline -- [--messages 20000] [--workers 2] [--upload-rows 1000] [--relay-rows 50000] [--callbacks] [--no-baselines]
//                          [--profile-statements]
//                          [--redis-cluster [--partitions 6]]
// With --redis-cluster the product runs twice in the same invocation, on the single Redis of
// REDIS_URL and on a local Redis Cluster of three masters, with the same stream partitions and no
// baselines, and the cluster's figure is reported as a ratio of the single Redis one.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { formatPipelineReport, runPipelineBench, type PipelineBenchOptions } from "../bench-pipeline.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    workers: { type: "string", default: "2" },
    "relay-rows": { type: "string", default: "50000" },
    "upload-rows": { type: "string", default: "1000" },
    callbacks: { type: "boolean", default: false },
    // PostgreSQL's costliest statements over the measured window (pg_stat_statements; see docs/performance.md).
    "profile-statements": { type: "boolean", default: false },
    // Only the product's run (its speed and footprint): no raw ceilings, relay-alone or BullMQ.
    "no-baselines": { type: "boolean", default: false },
    "redis-cluster": { type: "boolean", default: false },
    partitions: { type: "string" },
  },
});

const options: PipelineBenchOptions = {
  messages: Number(values.messages),
  workers: Number(values.workers),
  relayRows: Number(values["relay-rows"]),
  uploadRows: Number(values["upload-rows"]),
  callbacks: values.callbacks,
  profileStatements: values["profile-statements"],
  baselines: !values["no-baselines"],
  logDir: fileURLToPath(new URL("../../../../.data/logs", import.meta.url)),
  log: (line) => console.error(`[bench] ${line}`),
};

if (values["redis-cluster"]) {
  const partitions = Number(values.partitions ?? 6);
  // Several workspaces, so the partitions (one per workspace's hash) all carry work.
  const workspaces = partitions * 2;
  const single = await runPipelineBench({ ...options, baselines: false, partitions, workspaces });
  console.log("single Redis\n" + formatPipelineReport(single));
  const cluster = await runPipelineBench({ ...options, baselines: false, partitions, workspaces, redisCluster: true });
  console.log("Redis Cluster, 3 masters\n" + formatPipelineReport(cluster));
  const ratio = Math.round((cluster.endToEndPerSecond / single.endToEndPerSecond) * 100) / 100;
  console.log(`cluster / single Redis, end to end: ${ratio}`);
  console.log(JSON.stringify({ bench: "pipeline-redis-cluster", partitions, workspaces, single, cluster, ratio }));
} else {
  const report = await runPipelineBench({ ...options, ...(values.partitions ? { partitions: Number(values.partitions) } : {}) });
  console.log(formatPipelineReport(report));
  console.log(JSON.stringify(report));
}
