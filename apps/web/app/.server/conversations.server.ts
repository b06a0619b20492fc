// The conversations pages' glue: the reply settings from the environment, and fetching a patient's
// photo or voice note from Twilio with the receiving account's credentials — the platform's or the
// workspace's own account's (never a link to Twilio).
import type { EntityManager } from "@mikro-orm/postgresql";
import { ownAccountAuth } from "@rm/accounts";
import { getEnv } from "./env.server.ts";
import { ownSenderDeps } from "./own-sender.server.ts";

export function replySettings() {
  const env = getEnv();
  return { pendingReplyTtlMs: env.PENDING_REPLY_TTL_HOURS * 3_600_000, platformContentSids: env.WHATSAPP_DEFAULT_CONTENT_SIDS };
}

/**
 * Twilio serves inbound media at the MediaUrlN it posted, behind HTTP basic auth with the sid and
 * token of the account that received the message (https://www.twilio.com/docs/messaging/api/media-resource:
 * "media files are protected by HTTP basic authentication" once the account enforces it; the
 * AccountSid of the inbound request names that account,
 * https://www.twilio.com/docs/messaging/guides/webhook-request). The platform's account reads its own
 * media; a workspace's own account (SPEC §12) is read with its sealed token, and only for that
 * workspace's threads. Null when neither holds the message's account, or Twilio refuses.
 */
export async function fetchInboundMedia(em: EntityManager, workspaceId: string, url: string, accountSid: string | null): Promise<Response | null> {
  const env = getEnv();
  let auth: { accountSid: string; authToken: string } | null = null;
  if (env.TWILIO_ACCOUNT_SID && (!accountSid || accountSid === env.TWILIO_ACCOUNT_SID)) auth = { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN[0]! };
  else if (accountSid) {
    const deps = ownSenderDeps();
    auth = deps ? await ownAccountAuth(em, deps.cipher, workspaceId, accountSid) : null;
  }
  if (!auth) return null;
  // Only Twilio's own media URLs (or the configured API base, the simulator locally): never an arbitrary host.
  const allowed = [new URL(env.TWILIO_API_URL).origin, "https://api.twilio.com"];
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (!allowed.includes(target.origin)) return null;
  const basic = Buffer.from(`${auth.accountSid}:${auth.authToken}`).toString("base64");
  const res = await fetch(target, { headers: { authorization: `Basic ${basic}` }, redirect: "follow", signal: AbortSignal.timeout(10_000) });
  return res.ok ? res : null;
}
