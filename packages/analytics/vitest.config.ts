import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "analytics", environment: "node" } });
