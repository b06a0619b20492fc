import { fileURLToPath } from "node:url";
import { processLifecycleSuite } from "@rm/test-utils/process-lifecycle";

processLifecycleSuite({
  name: "relay",
  appDir: fileURLToPath(new URL("..", import.meta.url)),
});
