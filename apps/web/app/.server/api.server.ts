// The API's settings as the web process uses them (SPEC §15).
import { getEnv } from "./env.server.ts";

// Development and tests only: production refuses to start without API_KEY_HASH_SECRET (config).
const DEVELOPMENT_SECRET = "development-only-api-key-hash-secret-0000";

/** The HMAC key API keys are stored under (decision 020). */
export function apiKeyHashSecret(): string {
  return getEnv().API_KEY_HASH_SECRET ?? DEVELOPMENT_SECRET;
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
  WebhookEndpointInputError,
  apiReference,
} from "@rm/api";
