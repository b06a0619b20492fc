import { credentialsCipherFromEnv, type OwnSenderDeps } from "@rm/accounts";
import { getEnv } from "./env.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * What connecting a workspace's own Twilio account needs (SPEC §12), or null when this installation
 * cannot hold credentials (no CREDENTIALS_ENCRYPTION_KEYS). `platform` is null without
 * TWILIO_ACCOUNT_SID: own accounts still connect, subaccounts cannot be created.
 */
export function ownSenderDeps(): (OwnSenderDeps & { subaccounts: boolean; graceHours: number }) | null {
  return singleton("web.ownSenderDeps", () => {
    const env = getEnv();
    if (!env.CREDENTIALS_ENCRYPTION_KEYS || !env.CREDENTIALS_ENCRYPTION_KEY_ID) return null;
    return {
      cipher: credentialsCipherFromEnv(env.CREDENTIALS_ENCRYPTION_KEYS, env.CREDENTIALS_ENCRYPTION_KEY_ID),
      apiUrl: env.TWILIO_API_URL,
      platform: { accountSid: env.TWILIO_ACCOUNT_SID ?? "", authToken: env.TWILIO_AUTH_TOKEN[0]! },
      publicUrl: env.PUBLIC_URL,
      tokenGraceMs: env.OWN_SENDER_TOKEN_GRACE_HOURS * 3600_000,
      subaccounts: Boolean(env.TWILIO_ACCOUNT_SID),
      graceHours: env.OWN_SENDER_TOKEN_GRACE_HOURS,
    };
  });
}
