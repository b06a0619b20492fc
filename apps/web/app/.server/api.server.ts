// The API's settings as the web process uses them (SPEC §15).
import { createHmac } from "node:crypto";
import { getEnv } from "./env.server.ts";

/** The HMAC key API keys are stored under (decision 020): API_KEY_HASH_SECRET, else derived from the first session secret. */
export function apiKeyHashSecret(): string {
  const env = getEnv();
  return env.API_KEY_HASH_SECRET ?? createHmac("sha256", env.SESSION_SECRET[0]!).update("rm:api-key-hash").digest("hex");
}

/** Outgoing webhooks may target http and private addresses (development and tests only). */
export function webhooksAllowInsecure(): boolean {
  return getEnv().WEBHOOKS_ALLOW_INSECURE;
}
export {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  ApiKeyInputError,
  createWebhookEndpoint,
  listWebhookEndpoints,
  listWebhookDeliveries,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  replayWebhookDelivery,
  countDisabledWebhookEndpoints,
  WebhookEndpointInputError,
  apiReference,
} from "@rm/api";
