// A harness in miniature for processes-signal.test.ts: starts one worker through ProcessManager,
// prints the worker's pid, and waits to be killed. Its database and Redis are unreachable on purpose:
// the worker then stays up, not ready, which is all the test needs.
import { ProcessManager } from "../../src/processes.ts";

const [logDir, metricsPort, deadPort] = process.argv.slice(2);
const pm = new ProcessManager({
  logDir: logDir!,
  env: {
    DATABASE_URL: `postgres://rm@127.0.0.1:${deadPort}/none`,
    REDIS_URL: `redis://127.0.0.1:${deadPort}`,
    METRICS_PORT: metricsPort,
    LOG_LEVEL: "warn",
    PUBLIC_URL: "http://127.0.0.1:3000",
    TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "test-auth-token",
  },
});
const worker = pm.start("worker", "worker-1");
console.log(String(worker.child.pid));
setInterval(() => {}, 60_000);
