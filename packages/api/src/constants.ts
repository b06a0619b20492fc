// What the staff pages need to know about the API without loading it (no server-only imports).
export const API_SCOPES = ["appointments:write", "messages:read", "contacts:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const WEBHOOK_EVENTS = ["rating.received", "feedback.received", "message.failed", "contact.opted_out"] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export const API_BASE_PATH = "/api/v1";
export const OPENAPI_PATH = "/api/v1/openapi.json";

/** Signature header of outgoing webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = "RM-Signature";
