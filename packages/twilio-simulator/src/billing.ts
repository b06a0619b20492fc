// What the provider bills for a message, in credits (one credit = one billed segment, SPEC §6), so
// tests can compare the ledger with what Twilio would have charged.
// - SMS: charged per segment once delivery was attempted (sent, delivered, undelivered); a `failed`
//   message "did not leave Twilio and you will not be charged" (Twilio support, "Will I be charged if
//   Twilio encounters an error when sending an SMS?",
//   https://support.twilio.com/hc/en-us/articles/223181728). The flat failed-message processing fee
//   (https://support.twilio.com/hc/en-us/articles/27502337507483) is not a segment and not billed in credits.
// - WhatsApp: "undelivered WhatsApp messages are not charged" (same article); Meta's fee is per
//   template message since 1 July 2025 ("How Much Does it Cost to Send and Receive WhatsApp Messages
//   with Twilio?", https://support.twilio.com/hc/en-us/articles/360037672734), billed for delivered
//   messages (https://docs.ycloud.com/zh/api-reference/getting-started/changelog/whatsapp-pricing-2025.md):
//   one credit when delivered or read, nothing when it failed.
import type { MessageRecord } from "./store.ts";

export function billedSegments(rec: Pick<MessageRecord, "channel" | "status" | "numSegments">): number {
  if (rec.channel === "whatsapp") return rec.status === "delivered" || rec.status === "read" ? 1 : 0;
  return rec.status === "sent" || rec.status === "delivered" || rec.status === "read" || rec.status === "undelivered" ? rec.numSegments : 0;
}
