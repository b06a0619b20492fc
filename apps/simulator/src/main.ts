// Entry point: `node src/main.ts`. Reads the environment (one clear line and exit 1 when bad).
import { loadConfig, simulatorEnv } from "@rm/config";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { createLogger } from "@rm/telemetry";
import { approvedContentFor, createSimulator, parseFailRules, PLACEHOLDER_CONTENT_SIDS, type FailRule } from "@rm/twilio-simulator";

const env = loadConfig(simulatorEnv);
let failRules: FailRule[];
try {
  failRules = parseFailRules(env.SIMULATOR_FAIL_RULES);
} catch (err) {
  process.stderr.write(`configuration error: SIMULATOR_FAIL_RULES is invalid: ${(err as Error).message}\n`);
  process.exit(1);
}

const log = createLogger("simulator", env.LOG_LEVEL);
const sim = createSimulator({
  accountSid: env.TWILIO_ACCOUNT_SID,
  authTokens: env.TWILIO_AUTH_TOKEN,
  logger: log,
  inboundUrl: env.SIMULATOR_INBOUND_URL,
  throughputMode: env.SIMULATOR_THROUGHPUT_MODE,
  throughputFinalCallback: env.SIMULATOR_THROUGHPUT_FINAL_CALLBACK,
  undeliveredShare: env.SIMULATOR_FAILURE_SHARE / 2,
  failedShare: env.SIMULATOR_FAILURE_SHARE / 2,
  callbackDelayMs: env.SIMULATOR_CALLBACK_DELAY_MS,
  callbackConcurrency: env.SIMULATOR_CALLBACK_CONCURRENCY,
  rateLimitPerSecond: env.SIMULATOR_RATE_LIMIT,
  blockedPrefixes: env.SIMULATOR_BLOCKED_PREFIXES ?? [],
  failRules,
  autoReplyShare: env.SIMULATOR_AUTO_REPLY_SHARE,
  autoReplyDelayMs: env.SIMULATOR_AUTO_REPLY_DELAY_MS,
  autoReplyEveryMessage: env.SIMULATOR_AUTO_REPLY_EVERY_MESSAGE,
  maxStoredMessages: env.SIMULATOR_MAX_STORED_MESSAGES,
  // The fake chat-completions endpoint (AI_BASE_URL=<this>/v1); scripted further under /_sim/ai/*.
  ai: { latencyMs: env.SIMULATOR_AI_LATENCY_MS },
  // The same platform templates the web app and the worker are configured with (the local ones when unset).
  ...(Object.keys(env.WHATSAPP_DEFAULT_CONTENT_SIDS).length > 0 || env.SIMULATOR_APPROVED_CONTENT_SIDS
    ? { approvedContent: approvedContentFor(Object.keys(env.WHATSAPP_DEFAULT_CONTENT_SIDS).length > 0 ? env.WHATSAPP_DEFAULT_CONTENT_SIDS : LOCAL_PLATFORM_CONTENT_SIDS, [...PLACEHOLDER_CONTENT_SIDS, ...(env.SIMULATOR_APPROVED_CONTENT_SIDS ?? [])]) }
    : {}),
});

try {
  const { url } = await sim.listen(env.SIMULATOR_PORT, env.SIMULATOR_HOST);
  log.info({ url, throughputMode: env.SIMULATOR_THROUGHPUT_MODE, inboundUrl: env.SIMULATOR_INBOUND_URL }, "twilio simulator listening");
} catch (err) {
  process.stderr.write(`simulator: cannot listen on ${env.SIMULATOR_HOST}:${env.SIMULATOR_PORT}: ${(err as Error).message}\n`);
  process.exit(1);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log.info({ signal }, "shutting down");
    void sim.close().then(() => process.exit(0));
  });
}
