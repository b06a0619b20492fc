// The connection overrides the baseline's status-callback URLs carry: Twilio retries a 5xx only when
// the URL asks (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides), and the
// first design's webhook answers 503 to a callback that beats its own write of the sid. Its webhook
// checks signatures over the URL with this fragment, as Twilio signs the URL it was given.
export const BASELINE_CALLBACK_OVERRIDES = "rc=5&rp=5xx&tt=15000";
