export { API_SCOPES, WEBHOOK_EVENTS, API_BASE_PATH, OPENAPI_PATH, WEBHOOK_SIGNATURE_HEADER, type ApiScope, type WebhookEventName } from "./constants.ts";
export { ApiProblem, PROBLEM_CODES, type Problem, type ProblemCode } from "./problem.ts";
export { createApiKey, listApiKeys, revokeApiKey, authenticateApiKey, hashApiKey, ApiKeyInputError, type ApiKeyRow, type ApiPrincipal } from "./keys.ts";
export { openApiDocument } from "./openapi.ts";
export { createApiHandler, isApiPath, type ApiHandlerDeps } from "./handler.ts";
export { putAppointment, cancelAppointment, type ApiCallContext } from "./appointments.ts";
export { isPublicAddress, guardedLookup, BlockedAddressError } from "./webhooks/address-guard.ts";
export { signWebhook, verifyWebhookSignature, newWebhookSecret } from "./webhooks/signature.ts";
export { postWebhook, type PostResult } from "./webhooks/post.ts";
export {
  checkEndpointUrl,
  createWebhookEndpoint,
  listWebhookEndpoints,
  listWebhookDeliveries,
  deleteWebhookEndpoint,
  enableWebhookEndpoint,
  replayWebhookDelivery,
  countDisabledWebhookEndpoints,
  WebhookEndpointInputError,
  type WebhookEndpointRow,
  type WebhookDeliveryRow,
  type WebhookEndpointError,
} from "./webhooks/endpoints.ts";
export { createWebhookHandlers, webhookBackoffMs, DEFAULT_WEBHOOK_OPTIONS, type WebhookDeliveryOptions } from "./webhooks/handlers.ts";
export { apiReference, type ReferenceOperation, type ReferenceField } from "./reference.ts";
