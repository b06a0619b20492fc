import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "inbox", environment: "node" } });
