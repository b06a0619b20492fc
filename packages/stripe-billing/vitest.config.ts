import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "stripe-billing", environment: "node" } });
