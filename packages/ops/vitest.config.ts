import { defineProject } from "vitest/config";

// Helm renders and the process tests (web + relay + worker) take seconds, not milliseconds.
export default defineProject({ test: { name: "ops", environment: "node", testTimeout: 90_000, hookTimeout: 180_000 } });
