export { createEmptyDatabase, createTestDatabase, createTestOrm, uniqueSuffix, type TestDatabase, type TestOrm } from "./database.ts";
export { createTestRedis, type TestRedis } from "./redis.ts";
export { requireEnv } from "./env.ts";
export { createScenario, type Scenario, type ScenarioOptions } from "./scenario.ts";
export { spawnApp, freePort, waitForStatus, exitWithin, type RunningProcess } from "./process-harness.ts";
export { ensureProductionBuild, recordWebBuild, REPO_ROOT, runWebBuild, sourceHash, WEB_ROOT, webBuildInputs, webBuildState, type EnsureBuildOptions, type WebBuildState } from "./web-build.ts";
export { addFixtureCampaign, type FixtureCampaign, type FixturePatient, type FixturePatientState, type FixtureResult } from "./campaign-fixture.ts";
export { waitUntil } from "./wait-until.ts";
export { recordingLogger, type RecordedLine, type RecordingLogger } from "./recording-logger.ts";
