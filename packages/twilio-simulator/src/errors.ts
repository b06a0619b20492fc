// Twilio's error answers: HTTP status plus JSON {code, message, more_info, status}.

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export interface SimError {
  httpStatus: number;
  body: TwilioErrorBody;
}

const MESSAGES: Record<number, string> = {
  20003: "Authenticate",
  20404: "The requested resource was not found",
  20429: "Too Many Requests",
  20500: "An internal server error has occurred",
  20503: "Service is unavailable. Please try again",
  21211: "Invalid 'To' Phone Number",
  21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
  21602: "Message body is required.",
  21603: "A 'From' phone number is required.",
  21606: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account",
  21604: "A 'To' phone number is required.",
  21609: "Invalid StatusCallback url",
  21610: "Attempt to send to unsubscribed recipient",
  21617: "The concatenated message body exceeds the 1600 character limit.",
  21655: "The ContentSid is Invalid",
  21656: "The ContentVariables Parameter is invalid.",
  21705: "The Messaging Service is invalid",
  63007: "Twilio could not find a Channel with the specified From address",
  63016:
    "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
};

/** Delivery-time codes and the status they end in (reported by callback, never by the create call). */
export const DELIVERY_ERRORS: Record<number, string> = {
  30003: "Unreachable destination handset",
  30005: "Unknown destination handset",
  30006: "Landline or unreachable carrier",
  30007: "Message filtered",
  30008: "Unknown error",
  63003: "Channel could not find To address",
  63016: "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template.",
  63024: "Invalid message recipient",
};

/**
 * WhatsApp failures Twilio learns from Meta after it accepted the message: the create call answers
 * 201 (queued) and the message ends `failed` with this ErrorCode in the status callback.
 * - 63003 "Channel could not find To address": the number has no WhatsApp
 *   (https://www.twilio.com/docs/api/errors/63003).
 * - 63016 free text outside the 24-hour window (https://www.twilio.com/docs/api/errors/63016: "This
 *   message failed to be delivered to the user because it was sent outside the messaging channel's
 *   allowed conversation window").
 * - 63024 "Invalid message recipient": Meta does not take the recipient (no WhatsApp, terms not
 *   accepted, old client; https://www.twilio.com/docs/api/errors/63024).
 * They concern the WhatsApp channel only: an SMS to the same number is not affected.
 */
export const WHATSAPP_CALLBACK_ERRORS: ReadonlySet<number> = new Set([63003, 63016, 63024]);

export function isDeliveryCode(code: number): boolean {
  return (code >= 30000 && code < 31000) || WHATSAPP_CALLBACK_ERRORS.has(code);
}

/** Codes that stand for an HTTP status of their own (used by "fail this number" rules). */
const HTTP_CODES: Record<number, [number, number]> = {
  429: [429, 20429],
  500: [500, 20500],
  502: [502, 20500],
  503: [503, 20503],
  20429: [429, 20429],
  20500: [500, 20500],
  20503: [503, 20503],
};

export function twilioError(code: number, detail?: string, httpStatus?: number): SimError {
  const mapped = HTTP_CODES[code];
  const status = httpStatus ?? mapped?.[0] ?? (code === 20003 ? 401 : code === 20404 ? 404 : 400);
  const twilioCode = mapped?.[1] ?? code;
  const base = MESSAGES[twilioCode] ?? `Error ${twilioCode}`;
  return {
    httpStatus: status,
    body: {
      code: twilioCode,
      message: detail ? `${base}: ${detail}` : base,
      more_info: `https://www.twilio.com/docs/errors/${twilioCode}`,
      status,
    },
  };
}
