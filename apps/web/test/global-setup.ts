// Web project: one production build per run (reused while the sources are unchanged).
import { ensureProductionBuild } from "./support/build.ts";

export default function setup(): void {
  const { built, ms } = ensureProductionBuild();
  process.stdout.write(`[web] production build ${built ? `built in ${(ms / 1000).toFixed(1)}s` : "reused (sources unchanged)"}\n`);
}
