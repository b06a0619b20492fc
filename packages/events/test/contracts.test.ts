// The key a contract builds in TypeScript and the one its SQL expression builds in PostgreSQL are the
// same string: a join on `idempotency_key` written with keySql() finds the rows key() wrote.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assistantReplyEvent, billingFreePeriodEvent, feedbackReminderEvent, messageSendEvent, messageSmsFallbackEvent, periodicJobEvent, STREAM_KINDS, stripeEventEvent, twilioInboundEvent, twilioStatusEvent, webhookDeliverEvent, webhookEventEvent } from "../src/index.ts";

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

async function sqlKey(expression: string, value: string): Promise<string> {
  const { rows } = await client.query<{ key: string }>(`select ${expression} as key`, [value]);
  return rows[0]!.key;
}

describe("event contracts", () => {
  it("keySql() builds in PostgreSQL the key key() builds", async () => {
    const id = randomUUID();
    expect(await sqlKey(messageSendEvent.keySql("$1::uuid"), id)).toBe(messageSendEvent.key(id));
    expect(await sqlKey(feedbackReminderEvent.keySql("$1::uuid"), id)).toBe(feedbackReminderEvent.key(id));
    expect(await sqlKey(stripeEventEvent.keySql("$1::text"), "evt_1Qx")).toBe(stripeEventEvent.key("evt_1Qx"));
    expect(await sqlKey(webhookEventEvent.keySql("message.failed", "$1::text"), `${id}:SM1`)).toBe(webhookEventEvent.key("message.failed", `${id}:SM1`));
  });

  it("keys of different kinds never collide for the same id", () => {
    const id = randomUUID();
    const keys = [messageSendEvent.key(id), messageSmsFallbackEvent.key(id), feedbackReminderEvent.key(id), twilioInboundEvent.key(id), stripeEventEvent.key(id), twilioStatusEvent.key(id, "sent"), webhookEventEvent.key("rating.received", id), webhookDeliverEvent.key(id), assistantReplyEvent.key(id)];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("the SMS fallback is sent by the send protocol (a message.send row) under a key of its own", () => {
    const id = randomUUID();
    expect(messageSmsFallbackEvent.type).toBe(messageSendEvent.type);
    expect(messageSmsFallbackEvent.stream).toBe(messageSendEvent.stream);
    expect(messageSmsFallbackEvent.key(id)).not.toBe(messageSendEvent.key(id));
  });

  it("a status callback's key differs per status and not per retry", () => {
    expect(twilioStatusEvent.key("SM1", "sent")).not.toBe(twilioStatusEvent.key("SM1", "delivered"));
    expect(twilioStatusEvent.key("SM1", "sent")).toBe(twilioStatusEvent.key("SM1", "sent"));
  });

  it("periodic keys name the job and its slot, and share the job's prefix", () => {
    const slot = new Date("2026-11-23T12:05:00.000Z");
    const key = periodicJobEvent.key("outbox.sweep", slot);
    expect(key.startsWith(periodicJobEvent.keyPrefix("outbox.sweep"))).toBe(true);
    expect(key.startsWith(periodicJobEvent.keyPrefix())).toBe(true);
    expect(key).not.toBe(periodicJobEvent.key("outbox.sweep", new Date(slot.getTime() + 60_000)));
  });

  it("every contract names a known stream", () => {
    for (const c of [messageSendEvent, messageSmsFallbackEvent, feedbackReminderEvent, twilioStatusEvent, twilioInboundEvent, stripeEventEvent, billingFreePeriodEvent, periodicJobEvent, webhookEventEvent, webhookDeliverEvent, assistantReplyEvent]) {
      expect(STREAM_KINDS).toContain(c.stream);
    }
  });

  it("webhook deliveries: each manual replay is a round of its own, and events name only the four subscribable types", () => {
    const id = randomUUID();
    expect(new Set([webhookDeliverEvent.key(id), webhookDeliverEvent.key(id, 1), webhookDeliverEvent.key(id, 2)]).size).toBe(3);
    expect(webhookEventEvent.payload.safeParse({ eventId: id, type: "rating.received", occurredAt: "2026-12-06T10:00:00Z", data: {} }).success).toBe(true);
    expect(webhookEventEvent.payload.safeParse({ eventId: id, type: "anything.else", occurredAt: "2026-12-06T10:00:00Z", data: {} }).success).toBe(false);
  });

  it("payload schemas refuse what their handlers could not use", () => {
    expect(messageSendEvent.payload.safeParse({ messageId: randomUUID() }).success).toBe(true);
    expect(messageSendEvent.payload.safeParse({ messageId: "1; drop table" }).success).toBe(false);
    expect(twilioStatusEvent.payload.safeParse({ params: { MessageSid: "SM1" } }).success).toBe(false);
    expect(twilioInboundEvent.payload.safeParse({ params: { MessageSid: "SM1", From: "+593987654321", To: "+14155238886" } }).success).toBe(true);
    expect(billingFreePeriodEvent.payload.safeParse({ chain: "a b", anchor: "2026-01-01T00:00:00Z", period: 1 }).success).toBe(false);
  });
});
