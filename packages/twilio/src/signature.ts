// X-Twilio-Signature: HMAC-SHA1 (auth token) over the full public URL followed by every POST
// parameter, sorted by name, as name+value. Delegates to the SDK so we sign exactly as Twilio does.
import twilio from "twilio";
import { withoutFragment } from "./connection-overrides.ts";

export type WebhookParams = Record<string, string | string[]>;

export interface VerifyTwilioSignatureInput {
  /** Rotation list: the request is genuine when any token validates it. */
  authTokens: readonly string[];
  signature: string | null | undefined;
  /** The URL Twilio called, as configured at Twilio (public scheme/host, with query string). */
  url: string;
  /**
   * The connection-overrides fragment the URL was handed out with (without "#"). Twilio signs the
   * exact URL the application supplied, fragment included, but never sends the fragment: the
   * signature is accepted over the URL with this fragment or without any.
   * https://www.twilio.com/docs/usage/webhooks/webhooks-security
   */
  fragment?: string;
  params: WebhookParams;
}

export function verifyTwilioSignature({ authTokens, signature, url, fragment, params }: VerifyTwilioSignatureInput): boolean {
  if (!signature) return false;
  const bare = withoutFragment(url);
  const urls = fragment ? [bare, `${bare}#${fragment.replace(/^#/, "")}`] : [bare];
  for (const token of authTokens) {
    if (!token) continue;
    for (const u of urls) if (twilio.validateRequest(token, signature, u, params)) return true;
  }
  return false;
}

export function signTwilioRequest(authToken: string, url: string, params: WebhookParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
