// Errors as RFC 9457 problem details (`application/problem+json`) with a stable `code` a caller can
// switch on; `title` is English, `detail` says what was wrong with this request.
export const PROBLEM_CODES = {
  unauthorized: 401,
  key_revoked: 401,
  insufficient_scope: 403,
  not_found: 404,
  method_not_allowed: 405,
  validation_failed: 422,
  invalid_phone: 422,
  destination_not_allowed: 422,
  practice_not_found: 422,
  doctor_not_found: 422,
  invalid_json: 400,
  idempotency_key_invalid: 400,
  idempotency_conflict: 409,
  appointment_already_sent: 409,
  insufficient_credits: 402,
  send_blocked: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
} as const;
export type ProblemCode = keyof typeof PROBLEM_CODES;

const TITLES: Record<ProblemCode, string> = {
  unauthorized: "Missing or invalid API key",
  key_revoked: "The API key was revoked",
  insufficient_scope: "The API key lacks the scope this operation needs",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  validation_failed: "The request does not match the schema",
  invalid_phone: "The phone number is not a valid mobile number",
  destination_not_allowed: "The workspace does not send to this country",
  practice_not_found: "The practice does not exist in this workspace",
  doctor_not_found: "The doctor does not exist in this workspace",
  invalid_json: "The body is not valid JSON",
  idempotency_key_invalid: "The Idempotency-Key header is invalid",
  idempotency_conflict: "The Idempotency-Key was used with another request",
  appointment_already_sent: "The rating request was already sent",
  insufficient_credits: "Not enough credits for the rating request",
  send_blocked: "The workspace cannot send on this channel yet",
  payload_too_large: "The body is too large",
  unsupported_media_type: "The body must be application/json",
  rate_limited: "Too many requests",
  internal_error: "Internal error",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail?: string;
  /** Field errors of a validation failure. */
  errors?: { path: string; message: string }[];
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: { path: string; message: string }[] | undefined;
  constructor(code: ProblemCode, detail?: string, errors?: { path: string; message: string }[]) {
    super(detail ?? TITLES[code]);
    this.status = PROBLEM_CODES[code];
    this.code = code;
    this.detail = detail;
    this.errors = errors;
  }

  toJSON(): Problem {
    return {
      type: `urn:rm:problem:${this.code}`,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}
