import { defineConfig } from "vitest/config";

// One run over every workspace: each app/package has its own vitest.config.ts (project).
export default defineConfig({
  test: {
    projects: ["apps/*", "packages/*"],
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
    globalSetup: ["./packages/test-utils/src/global-setup.ts"],
  },
});
