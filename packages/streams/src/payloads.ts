// Payload schemas of the stream entries the worker reads (outbox.payload as JSON), from the events'
// contracts (@rm/events), and the parser every handler uses before trusting a single field.
import type { z } from "zod";
import { periodicJobEvent, twilioInboundEvent, twilioStatusEvent } from "@rm/events";

/** stream 'provider-status', type 'twilio.status' (apps/web Twilio status webhook). */
export const twilioStatusPayloadSchema = twilioStatusEvent.payload;
export type TwilioStatusPayload = z.infer<typeof twilioStatusPayloadSchema>;

/** stream 'inbound', type 'twilio.inbound' (apps/web Twilio inbound webhook). */
export const twilioInboundPayloadSchema = twilioInboundEvent.payload;
export type TwilioInboundPayload = z.infer<typeof twilioInboundPayloadSchema>;

/** stream 'periodic': the time slot this run belongs to. */
export const periodicPayloadSchema = periodicJobEvent.payload;
export type PeriodicPayload = z.infer<typeof periodicPayloadSchema>;

/** Parses the JSON text of a stream entry's payload; the error says why it is unreadable. */
export function parsePayload<T>(schema: z.ZodType<T>, json: string): { ok: true; value: T } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, error: "payload is not JSON" };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: `invalid payload: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`.slice(0, 500) };
}
