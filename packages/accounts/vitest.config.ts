import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "accounts", environment: "node" } });
