// X-Twilio-Signature: HMAC-SHA1 (auth token) over the full public URL followed by every POST
// parameter, sorted by name, as name+value. Delegates to the SDK so we sign exactly as Twilio does.
import twilio from "twilio";

export type WebhookParams = Record<string, string | string[]>;

export interface VerifyTwilioSignatureInput {
  /** Rotation list: the request is genuine when any token validates it. */
  authTokens: readonly string[];
  signature: string | null | undefined;
  /** The URL Twilio called, as configured at Twilio (public scheme/host, with query string). */
  url: string;
  params: WebhookParams;
}

export function verifyTwilioSignature({ authTokens, signature, url, params }: VerifyTwilioSignatureInput): boolean {
  if (!signature) return false;
  for (const token of authTokens) {
    if (token && twilio.validateRequest(token, signature, url, params)) return true;
  }
  return false;
}

export function signTwilioRequest(authToken: string, url: string, params: WebhookParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
