import { defineProject } from "vitest/config";

// Property tests run thousands of cases of pure CPU work: on 2 busy cores one can take longer than
// vitest's 5 s default without anything being wrong.
export default defineProject({ test: { name: "domain", environment: "node", testTimeout: 30_000 } });
