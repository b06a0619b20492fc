// Public API of @rm/demo: the demo workspace of `npm start` and `npm run db:seed`.
export { seedDemo, seedDemoWith, DEMO, type DemoSeedResult } from "./demo.ts";
export { DemoSeeder } from "./DemoSeeder.ts";
