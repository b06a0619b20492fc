import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "streams", environment: "node" } });
