// Payload schemas of the stream entries the worker reads (outbox.payload as JSON). The web side
// writes them (webhooks), the worker parses them with these before trusting a single field.
import { z } from "zod";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Twilio form parameters exactly as posted (all strings). */
const twilioParams = z.record(z.string(), z.string());

/** stream 'provider-status', type 'twilio.status' (apps/web Twilio status webhook). */
export const twilioStatusPayloadSchema = z.object({
  params: twilioParams.refine((p) => Boolean(p.MessageSid ?? p.SmsSid) && Boolean(p.MessageStatus ?? p.SmsStatus), {
    message: "MessageSid and MessageStatus are required",
  }),
  /** Our message id from the callback URL (?m=), or null. */
  messageId: z.string().regex(UUID_RE).nullable().optional(),
});
export type TwilioStatusPayload = z.infer<typeof twilioStatusPayloadSchema>;

/** stream 'inbound', type 'twilio.inbound' (apps/web Twilio inbound webhook). */
export const twilioInboundPayloadSchema = z.object({
  params: twilioParams.refine((p) => Boolean(p.MessageSid ?? p.SmsSid) && Boolean(p.From) && Boolean(p.To), {
    message: "MessageSid, From and To are required",
  }),
});
export type TwilioInboundPayload = z.infer<typeof twilioInboundPayloadSchema>;

/** stream 'periodic': the time slot this run belongs to. */
export const periodicPayloadSchema = z.object({ slot: z.iso.datetime() });
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
