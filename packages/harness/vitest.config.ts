import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "harness", environment: "node", testTimeout: 240_000, hookTimeout: 120_000 } });
