export {
  createTwilioClient,
  encodeTwilioForm,
  requestNotSentStage,
  TwilioRequestTimeoutError,
  TWILIO_DEFAULT_API_URL,
  type RequestNotSentStage,
  type TwilioClient,
  type TwilioClientOptions,
} from "./client.ts";
export { verifyTwilioSignature, signTwilioRequest, type VerifyTwilioSignatureInput, type WebhookParams } from "./signature.ts";
export { twilioErrorCode, isTwilioRestException, type TwilioRestException } from "./errors.ts";
export {
  parseConnectionOverrides,
  shouldRetry,
  urlFragment,
  withConnectionOverrides,
  withoutFragment,
  TWILIO_CONNECTION_DEFAULTS,
  DEFAULT_WEBHOOK_OVERRIDES,
  type ConnectionOverrides,
  type RetryPolicy,
} from "./connection-overrides.ts";
