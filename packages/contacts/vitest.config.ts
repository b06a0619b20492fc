import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "contacts", environment: "node" } });
