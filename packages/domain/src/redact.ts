// Redaction of free error text before it is stored or logged (SPEC §17): outbox `last_error`, the
// dead-letter stream, message error texts and logs. Provider and driver errors quote what they were
// given — phone numbers, e-mail addresses, SQL values (a patient's name), links with tokens — and none
// of that may outlive the request in a place ops read. Pure and cheap: it runs on every stored error.
// Names in plain prose cannot be told from other words and are not caught; quoted values are.

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// A URL up to whitespace or a closing quote/bracket; its query and any long opaque path segment go.
const URL_PATTERN = /\b(?:https?|wss?):\/\/[^\s'"<>)\]]+/gi;
// `Bearer abc…`, `Basic abc…`: credentials in a header echoed into an error.
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/g;
// key=value and "key": "value" pairs whose value is a secret or a token.
const SECRET_PAIR = /\b((?:access_?|api_?|auth_?|refresh_?|reset_?|invite_?)?(?:token|secret|password|passwd|signature|sig)|(?:api|access)_?key)(=|:\s*"?)([^\s&"',;]+)/gi;
// International numbers: + or 00, then 7–15 digits with the usual separators (E.164 and its display forms).
const INTERNATIONAL_PHONE = /(?<![\w+])(?:\+|\b00)\d(?:[\s.()-]{0,2}\d){6,14}(?!\d)/g;
// National numbers with a trunk 0: 0991234567, 099 123 4567, (02) 234-5678, 02-234-5678.
const NATIONAL_PHONE = /(?<![\w.-])\(?0\d{1,3}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?![\w-])/g;
// A bare run of 9–15 digits is a phone number far more often than an id (ids here are UUIDs or small).
const DIGIT_RUN = /(?<![\w-])\d{9,15}(?![\w-])/g;
// SQL literals and key details in driver errors: `'Ana Torres'`, `Key (email)=(ana@…)`.
const SQL_LITERAL = /'(?:[^']|'')*'/g;
const KEY_DETAIL = /\)=\((?:[^()]|\([^()]*\))*\)/g;

function redactUrl(url: string): string {
  const q = url.search(/[?#]/);
  const path = q < 0 ? url : url.slice(0, q);
  // Tokens in paths: public pages (/q/…, /f/…, /r/…), reset and invitation links, signed URLs.
  const cleaned = path.replace(/\/([A-Za-z0-9_~.-]{16,})(?=\/|$)/g, (whole, segment: string) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) ? whole : "/<token>",
  );
  return q < 0 ? cleaned : `${cleaned}?<redacted>`;
}

/** The text with contact details, quoted values, credentials and tokens replaced by placeholders. */
export function redactText(text: string): string {
  return text
    .replace(URL_PATTERN, redactUrl)
    .replace(AUTH_SCHEME, "$1 <secret>")
    .replace(SECRET_PAIR, "$1$2<secret>")
    .replace(SQL_LITERAL, "'?'")
    .replace(KEY_DETAIL, ")=(?)")
    .replace(EMAIL, "<email>")
    .replace(INTERNATIONAL_PHONE, "<phone>")
    .replace(NATIONAL_PHONE, "<phone>")
    .replace(DIGIT_RUN, "<phone>");
}

/** redactText of an error's message (or of the value as text), cut to `max` characters. */
export function redactError(error: unknown, max = 2000): string {
  const text = error instanceof Error ? error.message : typeof error === "string" ? error : String(error);
  return redactText(text).slice(0, max);
}
