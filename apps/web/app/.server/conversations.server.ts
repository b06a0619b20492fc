// The conversations pages' glue: the reply settings from the environment, and fetching a patient's
// photo or voice note from Twilio with the receiving account's credentials (never a link to Twilio).
import { getEnv } from "./env.server.ts";

export function replySettings() {
  const env = getEnv();
  return { pendingReplyTtlMs: env.PENDING_REPLY_TTL_HOURS * 3_600_000, platformContentSids: env.WHATSAPP_DEFAULT_CONTENT_SIDS };
}

/**
 * Twilio serves inbound media at the MediaUrlN it posted, behind HTTP basic auth with the account's
 * sid and token (https://www.twilio.com/docs/messaging/api/media-resource: "media files are protected
 * by HTTP basic authentication" once the account enforces it). Only the platform's account is read
 * here; media sent to a workspace's own account is answered 404 until its sealed token is used here.
 */
export async function fetchInboundMedia(url: string, accountSid: string | null): Promise<Response | null> {
  const env = getEnv();
  if (!env.TWILIO_ACCOUNT_SID || (accountSid && accountSid !== env.TWILIO_ACCOUNT_SID)) return null;
  // Only Twilio's own media URLs (or the configured API base, the simulator locally): never an arbitrary host.
  const allowed = [new URL(env.TWILIO_API_URL).origin, "https://api.twilio.com"];
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (!allowed.includes(target.origin)) return null;
  const auth = Buffer.from(`${env.TWILIO_ACCOUNT_SID}:${env.TWILIO_AUTH_TOKEN[0]}`).toString("base64");
  const res = await fetch(target, { headers: { authorization: `Basic ${auth}` }, redirect: "follow", signal: AbortSignal.timeout(10_000) });
  return res.ok ? res : null;
}
