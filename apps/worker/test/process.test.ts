import { fileURLToPath } from "node:url";
import { processLifecycleSuite } from "@rm/test-utils/process-lifecycle";

processLifecycleSuite({
  name: "worker",
  appDir: fileURLToPath(new URL("..", import.meta.url)),
  env: { PUBLIC_URL: "http://127.0.0.1:3000", TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "test-auth-token" },
});
