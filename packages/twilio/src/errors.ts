import twilio from "twilio";

export type TwilioRestException = twilio.RestException;

/** Twilio's numeric error code (e.g. 21211, 20429) when `err` is an SDK RestException. */
export function twilioErrorCode(err: unknown): number | undefined {
  return err instanceof twilio.RestException && typeof err.code === "number" ? err.code : undefined;
}

export function isTwilioRestException(err: unknown): err is TwilioRestException {
  return err instanceof twilio.RestException;
}
