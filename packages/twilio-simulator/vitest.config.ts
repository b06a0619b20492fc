import { defineProject } from "vitest/config";

export default defineProject({ test: { name: "twilio-simulator", environment: "node" } });
