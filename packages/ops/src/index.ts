export { parseManifests, validateManifest, duplicateEnvNames, schemaValidator, type Manifest, type ValidationProblem } from "./manifests.ts";
export { helm, renderChart, metricNames, CHART, CRD_APIS, ROOT } from "./helm.ts";
export { parsePrometheus, sumOf, hasSeries, type Sample } from "./prometheus.ts";
