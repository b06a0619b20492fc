import { defineProject } from "vitest/config";

// Checks that the code keeps the shape docs/ARCHITECTURE.md describes; no services needed.
export default defineProject({ test: { name: "architecture", environment: "node", testTimeout: 60_000 } });
