// Test and dev helpers of @rm/stripe-billing (import "@rm/stripe-billing/testing"): never the production path.
export { startFakeStripe, parseStripeForm, type FakeStripe, type FakeStripeOptions, type RecordedRequest } from "./fake-stripe.ts";
