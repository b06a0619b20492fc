import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "campaigns", environment: "node" } });
