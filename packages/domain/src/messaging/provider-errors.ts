/**
 * What a Twilio error means for us: retry or not, refund or not, and what staff read (SPEC §5.4).
 *
 * Meanings checked against Twilio's error pages (twilio.com/docs/api/errors/<code>).
 * - `retry`: "transient" = the same send may succeed later (rate limits, queues, outages);
 *   "permanent" = fail the message at once with the code and the explanation.
 * - `refund`: the credits held/deducted for this attempt go back. True when the provider never
 *   accepted the message (an API error at create time) or reports it FAILED (never left Twilio, not
 *   billed). Carrier delivery failures (UNDELIVERED, 3000x) were sent and billed, so no refund — use
 *   `shouldRefund` which also looks at the final status.
 * - `scope`: whose problem it is. RECIPIENT = this phone (fix or drop the contact); MESSAGE = this
 *   text/template; SENDER/ACCOUNT = our configuration, every send is affected (alert staff/SRE).
 * Delivery failures from status callbacks are never resent automatically: a receipt can be wrong, and a
 * duplicate rating request is worse than one the REMINDER will retry anyway (SPEC §5.7).
 * Explanations say what happened, never that a retry will come: a failure from a callback is final,
 * and a send that is being retried says so on the timeline (send-retry.ts) with its next time.
 */
export type RetryKind = "transient" | "permanent";
export type ErrorScope = "RECIPIENT" | "MESSAGE" | "SENDER" | "ACCOUNT" | "NETWORK";

export interface ProviderError {
  /** Twilio's numeric code, or null for network errors/timeouts and HTTP errors without one. */
  code: number | null;
  retry: RetryKind;
  refund: boolean;
  scope: ErrorScope;
  /** Expected outcome rather than a fault (21610: the patient opted out); don't alert, don't retry. */
  expected: boolean;
  /**
   * On WhatsApp: the number cannot receive WhatsApp (63003, 63024) or the message cannot be used
   * there (63016); an SMS to the same number may still work, and the message goes once by SMS
   * (SPEC §12). Twilio reports these in a failed status callback after the create call's 201.
   */
  smsFallback: boolean;
  explanationEs: string;
  explanationEn: string;
}

type Entry = Omit<ProviderError, "code" | "expected" | "smsFallback"> &
  Partial<Pick<ProviderError, "expected" | "smsFallback">>;

const KNOWN: Readonly<Record<number, Entry>> = {
  20003: {
    retry: "permanent",
    refund: true,
    scope: "ACCOUNT",
    explanationEs: "El proveedor rechazó nuestras credenciales. Es un problema de configuración; contacte a soporte.",
    explanationEn: "The provider rejected our credentials (authentication failed). Configuration problem.",
  },
  20429: {
    retry: "transient",
    refund: true,
    scope: "SENDER",
    explanationEs: "El proveedor recibió demasiadas solicitudes a la vez.",
    explanationEn: "Too many requests to the provider.",
  },
  21211: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    explanationEs: "El número de teléfono no es válido. Revise el número del paciente.",
    explanationEn: "Invalid 'To' phone number.",
  },
  21408: {
    retry: "permanent",
    refund: true,
    scope: "ACCOUNT",
    explanationEs: "El envío de SMS a este país no está habilitado en la cuenta. Contacte a soporte.",
    explanationEn: "Permission to send SMS to this region has not been enabled on the account.",
  },
  21610: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    expected: true,
    explanationEs: "El paciente pidió no recibir más mensajes (respondió STOP/BAJA). No se le volverá a escribir.",
    explanationEn: "The recipient unsubscribed (replied STOP); this is expected, not an error to retry.",
  },
  21611: {
    retry: "transient",
    refund: true,
    scope: "SENDER",
    explanationEs: "La cola de envío del número remitente está llena.",
    explanationEn: "The 'From' number has exceeded its maximum number of queued messages.",
  },
  21612: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    explanationEs: "No es posible enviar a este número desde nuestro remitente (número no alcanzable por SMS).",
    explanationEn: "The 'To' number cannot be reached from this 'From' number (not reachable via SMS).",
  },
  21614: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    explanationEs: "El número no es un celular (parece un teléfono fijo). Pida al paciente un número celular.",
    explanationEn: "The 'To' number is not a valid mobile number.",
  },
  21617: {
    retry: "permanent",
    refund: true,
    scope: "MESSAGE",
    explanationEs: "El mensaje es demasiado largo (más de 1600 caracteres). Acorte la plantilla.",
    explanationEn: "The message body exceeds the 1600 character limit.",
  },
  // https://www.twilio.com/docs/api/errors/21655: the ContentSid is not a template of the account.
  21655: {
    retry: "permanent",
    refund: true,
    scope: "SENDER",
    explanationEs: "El proveedor no reconoce la plantilla de WhatsApp (ContentSid). Revise los identificadores de plantillas en Ajustes.",
    explanationEn: "The provider does not know the WhatsApp template (ContentSid). Check the template ids in Settings.",
  },
  30001: {
    retry: "transient",
    refund: true,
    scope: "SENDER",
    explanationEs: "El mensaje esperó demasiado en la cola del proveedor y no se envió.",
    explanationEn: "Queue overflow: the message sat in the provider's queue too long and was not sent.",
  },
  30002: {
    retry: "permanent",
    refund: true,
    scope: "ACCOUNT",
    explanationEs: "La cuenta del proveedor está suspendida. Contacte a soporte.",
    explanationEn: "The provider account is suspended.",
  },
  30003: {
    retry: "permanent",
    refund: false,
    scope: "RECIPIENT",
    explanationEs: "El teléfono del paciente no estaba disponible (apagado o sin señal).",
    explanationEn: "Unreachable destination handset (switched off or out of coverage).",
  },
  30004: {
    retry: "permanent",
    refund: false,
    scope: "RECIPIENT",
    explanationEs: "El mensaje fue bloqueado: el paciente o su operadora bloquea mensajes de nuestro remitente.",
    explanationEn: "Message blocked by the recipient or their carrier.",
  },
  30005: {
    retry: "permanent",
    refund: false,
    scope: "RECIPIENT",
    explanationEs: "El número no existe o ya no está en servicio. Confirme el número con el paciente.",
    explanationEn: "Unknown destination handset: the number is unknown or no longer in service.",
  },
  30006: {
    retry: "permanent",
    refund: false,
    scope: "RECIPIENT",
    explanationEs: "El número es un teléfono fijo o la operadora no es alcanzable. Pida un número celular.",
    explanationEn: "Landline or unreachable carrier.",
  },
  30007: {
    retry: "permanent",
    refund: false,
    scope: "MESSAGE",
    explanationEs: "La operadora filtró el mensaje como posible spam. Revise el texto de la plantilla.",
    explanationEn: "Message filtered by the carrier (suspected spam).",
  },
  30008: {
    retry: "permanent",
    refund: false,
    scope: "RECIPIENT",
    explanationEs: "La operadora no entregó el mensaje y no indicó el motivo.",
    explanationEn: "Unknown error: the carrier did not deliver the message and gave no reason.",
  },
  63003: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    smsFallback: true,
    explanationEs: "El número no tiene WhatsApp. Se puede intentar por SMS.",
    explanationEn: "The channel could not find the 'To' address (number not on WhatsApp).",
  },
  // Free text outside the window: the WhatsApp message cannot be used, an SMS can (SPEC §12
  // "template not usable"). Reported in a failed status callback after a 201
  // (https://www.twilio.com/docs/api/errors/63016).
  63016: {
    retry: "permanent",
    refund: true,
    scope: "MESSAGE",
    smsFallback: true,
    explanationEs:
      "Fuera de la ventana de 24 horas de WhatsApp: solo se puede enviar una plantilla aprobada, no texto libre.",
    explanationEn: "Outside the WhatsApp 24-hour window: a free-form message needs an approved template.",
  },
  63018: {
    retry: "transient",
    refund: true,
    scope: "SENDER",
    explanationEs: "Se superó el límite de envío de WhatsApp.",
    explanationEn: "Rate limit exceeded for the WhatsApp channel.",
  },
  63024: {
    retry: "permanent",
    refund: true,
    scope: "RECIPIENT",
    smsFallback: true,
    explanationEs:
      "WhatsApp no acepta este destinatario (cuenta inactiva, términos no aceptados o versión antigua). Se puede intentar por SMS.",
    explanationEn: "Invalid message recipient on WhatsApp (not an active user, terms not accepted, or old client).",
  },
};

export const KNOWN_PROVIDER_ERROR_CODES: readonly number[] = Object.keys(KNOWN).map(Number);

/** The WhatsApp error codes after which a message goes once by SMS instead (see `smsFallback`). */
export const SMS_FALLBACK_CODES: readonly number[] = KNOWN_PROVIDER_ERROR_CODES.filter((code) => KNOWN[code]!.smsFallback === true);

const NETWORK: Entry = {
  retry: "transient",
  refund: true,
  scope: "NETWORK",
  explanationEs: "No hubo respuesta del proveedor (error de red o del servidor).",
  explanationEn: "No answer from the provider (network error, timeout or server error).",
};

const UNKNOWN_REJECTION: Entry = {
  retry: "permanent",
  refund: true,
  scope: "MESSAGE",
  explanationEs: "El proveedor rechazó el mensaje. Contacte a soporte con el código de error.",
  explanationEn: "The provider rejected the message.",
};

const UNKNOWN_DELIVERY_FAILURE: Entry = {
  retry: "permanent",
  refund: false,
  scope: "RECIPIENT",
  explanationEs: "El mensaje no pudo ser entregado. Contacte a soporte con el código de error.",
  explanationEn: "The message could not be delivered.",
};

export interface ProviderFailure {
  /** Twilio's error code as sent (`ErrorCode` in callbacks is a string). */
  code?: number | string | null;
  /** HTTP status of the create-message call, when the failure came from it. */
  httpStatus?: number | null;
  /** No HTTP answer at all: connection error or timeout. */
  network?: boolean;
}

function parseCode(code: number | string | null | undefined): number | null {
  if (code === null || code === undefined || code === "") return null;
  const n = typeof code === "number" ? code : Number(String(code).trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

function build(code: number | null, entry: Entry): ProviderError {
  return { code, expected: false, smsFallback: false, ...entry };
}

/**
 * Classifies a failed send or a failed status callback. A known code wins; otherwise network errors,
 * timeouts, 429 and 5xx are transient, and any other API rejection (4xx) is permanent with a generic
 * explanation. An unknown code from a status callback (no HTTP status) is a delivery failure.
 */
export function classifyProviderError(failure: ProviderFailure): ProviderError {
  const code = parseCode(failure.code);
  const known = code === null ? undefined : KNOWN[code];
  if (known) return build(code, known);
  const http = failure.httpStatus ?? null;
  if (failure.network || http === 429 || (http !== null && http >= 500)) return build(code, NETWORK);
  if (http !== null && http >= 400) return build(code, UNKNOWN_REJECTION);
  return build(code, UNKNOWN_DELIVERY_FAILURE);
}

/**
 * Whether a message that ended with this error gets its credits back. A FAILED message never left the
 * provider and is not billed, whatever its code; an UNDELIVERED one was billed by segment.
 */
export function shouldRefund(error: ProviderError, finalStatus?: "FAILED" | "UNDELIVERED" | null): boolean {
  return error.refund || finalStatus === "FAILED";
}
