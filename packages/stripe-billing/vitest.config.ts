import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "billing", environment: "node" } });
