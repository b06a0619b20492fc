// Sign-up verification (decision 024): the operator's caps from the environment and the code's SMS
// through the send protocol (@rm/messaging), in the sign-up transaction.
import type { SendCode, SignupVerificationPolicy } from "@rm/accounts";
import { enqueueVerificationCode } from "@rm/messaging";
import { getEnv } from "./env.server.ts";
import { msgFor } from "../i18n.ts";

export function signupPolicy(): SignupVerificationPolicy {
  const env = getEnv();
  return {
    // The first session secret keys the codes' HMAC (rotating it only voids codes in flight).
    secret: env.SESSION_SECRET[0]!,
    codeTtlMs: env.SIGNUP_CODE_TTL_MINUTES * 60_000,
    maxAttempts: env.SIGNUP_CODE_MAX_ATTEMPTS,
    perPhonePerDay: env.SIGNUP_CODES_PER_PHONE_PER_DAY,
    perPrefixPerHour: env.SIGNUP_CODES_PER_PREFIX_PER_HOUR,
    prefixDigits: env.SIGNUP_PREFIX_DIGITS,
    perIpPerHour: env.SIGNUP_CODES_PER_IP_PER_HOUR,
  };
}

export const sendSignupCode: SendCode = (em, c) =>
  enqueueVerificationCode(em, {
    workspaceId: c.workspaceId,
    to: c.phone,
    body: msgFor(c.locale)("signup.sms.body", { code: c.code, minutes: getEnv().SIGNUP_CODE_TTL_MINUTES }),
    now: c.now,
  });
