// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas (zod-openapi) once per process.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import { z } from "zod";
import type { API_SCOPES } from "./constants.ts";
import { Appointment, AppointmentInput, Contact, ContactInput, DoctorList, ExternalId, ListQuery, MessagePage, PracticeList, Problem, RatingPage } from "./schemas.ts";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: Problem } } });
const rateHeaders = {
  "RateLimit-Limit": { description: "Requests allowed per window for this key.", schema: { type: "integer" as const } },
  "RateLimit-Remaining": { description: "Requests left in the current window.", schema: { type: "integer" as const } },
  "RateLimit-Reset": { description: "Seconds until the window resets.", schema: { type: "integer" as const } },
};
const common: ZodOpenApiResponsesObject = {
  "401": problem("Missing, invalid or revoked key (codes unauthorized, key_revoked)."),
  "403": problem("The key lacks the scope (code insufficient_scope)."),
  "429": problem("Rate limited (code rate_limited); see Retry-After."),
};
const ok = (description: string, schema: z.ZodType) => ({ description, headers: rateHeaders, content: { "application/json": { schema } } });
const op = (scope: (typeof API_SCOPES)[number] | null, o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => ({
  ...o,
  ...(scope ? { security: [{ apiKey: [] }], description: `${o.description ?? ""}\n\nScope: \`${scope}\`.`.trim() } : {}),
  responses: { ...common, ...o.responses },
});
const idempotencyKey = z.string().min(1).max(200).optional().meta({ description: "Same key and body: the first answer again. Same key, other body: 409 idempotency_conflict. Kept 24 hours." });

let cached: ReturnType<typeof createDocument> | null = null;

export function openApiDocument(): ReturnType<typeof createDocument> {
  cached ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Reputation Manager API",
      version: "1.0.0",
      description:
        "Appointments in, events out. Authenticate with `Authorization: Bearer rmk_…` (an owner creates keys under Settings → API). Errors are `application/problem+json` with a stable `code`. Every key has a per-minute limit, announced in the RateLimit-* headers.",
    },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key (`rmk_…`)." } } },
    paths: {
      "/appointments/{external_id}": {
        put: op("appointments:write", {
          operationId: "putAppointment",
          summary: "Create or update an appointment and its rating request",
          description:
            "An upsert by your own id: the first PUT creates the appointment and schedules its rating request in the practice's and doctor's rolling campaign (same rules as an upload: phone normalization, consent, quiet hours, cooldown, credits, destination countries). Repeating the same body changes nothing. Another body reschedules a request not yet sent (409 appointment_already_sent once it was sent).",
          requestParams: { path: z.object({ external_id: ExternalId }) },
          requestBody: { content: { "application/json": { schema: AppointmentInput } } },
          responses: {
            "200": ok("Updated, or the same body again.", Appointment),
            "201": ok("Created.", Appointment),
            "402": problem("Not enough credits (code insufficient_credits)."),
            "409": problem("Already sent (code appointment_already_sent)."),
            "422": problem("Invalid body, phone, practice, doctor or destination."),
          },
        }),
        delete: op("appointments:write", {
          operationId: "cancelAppointment",
          summary: "Cancel an appointment's rating request",
          description: "Cancels a request not yet sent and releases its credit hold. Repeating it answers the same.",
          requestParams: { path: z.object({ external_id: ExternalId }) },
          responses: { "200": ok("Cancelled.", Appointment), "404": problem("No such appointment."), "409": problem("Already sent (code appointment_already_sent).") },
        }),
      },
      "/practices": {
        get: op("appointments:write", { operationId: "listPractices", summary: "The workspace's practices", responses: { "200": ok("Practices by name.", PracticeList) } }),
      },
      "/doctors": {
        get: op("appointments:write", { operationId: "listDoctors", summary: "The workspace's doctors (and owners)", responses: { "200": ok("Doctors by name.", DoctorList) } }),
      },
      "/messages": {
        get: op("messages:read", {
          operationId: "listMessages",
          summary: "Messages, newest first",
          requestParams: { query: ListQuery },
          responses: { "200": ok("A page of messages.", MessagePage), "422": problem("Invalid query.") },
        }),
      },
      "/ratings": {
        get: op("messages:read", {
          operationId: "listRatings",
          summary: "Ratings, newest first",
          requestParams: { query: ListQuery },
          responses: { "200": ok("A page of ratings.", RatingPage), "422": problem("Invalid query.") },
        }),
      },
      "/contacts": {
        post: op("contacts:write", {
          operationId: "createContact",
          summary: "Create or update a contact with its consent",
          requestParams: { header: z.object({ "Idempotency-Key": idempotencyKey }) },
          requestBody: { content: { "application/json": { schema: ContactInput } } },
          responses: { "200": ok("Updated.", Contact), "201": ok("Created.", Contact), "409": problem("Idempotency-Key reused with another body."), "422": problem("Invalid body or phone.") },
        }),
      },
    },
  });
  return cached;
}
