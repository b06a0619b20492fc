export { parseManifests, validateManifest, duplicateEnvNames, schemaValidator, type Manifest, type ValidationProblem } from "./manifests.ts";
export { helm, renderChart, metricNames, CHART, CRD_APIS, ROOT } from "./helm.ts";
export { dockerStages, readDockerfile, targetCommand, targetInstructions, type DockerStage } from "./dockerfile.ts";
export { parsePrometheus, sumOf, hasSeries, type Sample } from "./prometheus.ts";
