// The production build used by the browser and server tests lives in @rm/test-utils, shared with the
// webhook benchmark.
export { ensureProductionBuild, sourceHash, WEB_ROOT } from "@rm/test-utils";
