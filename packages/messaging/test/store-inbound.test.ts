import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contact, InboundMessage, Message, unscopedEm, workspaceEm } from "@rm/db";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { storeInbound } from "../src/handlers/store-inbound.ts";
import { type Harness, makeSentMessage, outboxRow, publishedEntry, randomHex, setupHarness } from "./handler-fixtures.ts";
import { twilioInboundEvent } from "@rm/events";

let h: Harness;
beforeAll(async () => {
  h = await setupHarness();
});
afterAll(async () => {
  await h.close();
});

function inbound(params: Record<string, string>) {
  return publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(params.MessageSid!), payload: { params } });
}

async function storedBySid(sid: string) {
  return unscopedEm(h.orm.em).find(InboundMessage, { providerSid: sid });
}

describe("storeInbound", () => {
  it("stores a reply once and routes it to the workspace that last wrote from that sender", async () => {
    const phone = "+593987650001";
    // Two workspaces messaged the same phone, each from its own WhatsApp sender.
    const a = await makeSentMessage(h.orm, h.clock, { phone, sender: "whatsapp:+14155230001" });
    h.clock.advance(60_000);
    const b = await makeSentMessage(h.orm, h.clock, { phone, sender: "whatsapp:+14155230002" });
    h.clock.advance(60_000);

    const sid = `SM${randomHex(32)}`;
    const entry = await inbound({ MessageSid: sid, From: `whatsapp:${phone}`, To: "whatsapp:+14155230001", Body: "5", AccountSid: "AC" + "0".repeat(32) });
    await storeInbound(h.deps, entry);
    await storeInbound(h.deps, entry); // redelivery: the row is done

    const stored = await storedBySid(sid);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.workspace?.id).toBe(a.workspaceId);
    expect(stored[0]!.patient?.id).toBe(a.patientId);
    expect(stored[0]!.inReplyTo?.id).toBe(a.messageId);
    expect(stored[0]!.channel).toBe("WHATSAPP");
    expect(stored[0]!.body).toBe("5");
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");

    // The window opened for that sender in A only.
    const contactA = await workspaceEm(h.orm.em, a.workspaceId).findOneOrFail(Contact, { id: a.contactId });
    expect(contactA.lastInboundAt).toEqual({ "whatsapp:+14155230001": h.clock.now().toISOString() });
    const contactB = await workspaceEm(h.orm.em, b.workspaceId).findOneOrFail(Contact, { id: b.contactId });
    expect(contactB.lastInboundAt).toEqual({});

    // The other sender routes to B.
    const sidB = `SM${randomHex(32)}`;
    await storeInbound(h.deps, await inbound({ MessageSid: sidB, From: `whatsapp:${phone}`, To: "whatsapp:+14155230002", Body: "hola" }));
    expect((await storedBySid(sidB))[0]!.workspace?.id).toBe(b.workspaceId);
  });

  it("stores nothing new for a replayed webhook under a second outbox row", async () => {
    const a = await makeSentMessage(h.orm, h.clock, { phone: "+593987650002" });
    const sid = `SM${randomHex(32)}`;
    const params = { MessageSid: sid, From: "whatsapp:+593987650002", To: "whatsapp:+14155238886", Body: "4" };
    await storeInbound(h.deps, await inbound(params));
    const replay = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", payload: { params } });
    await storeInbound(h.deps, replay);
    expect(await storedBySid(sid)).toHaveLength(1);
    expect((await outboxRow(h.orm, replay.outboxId)).status).toBe("done");
    expect((await storedBySid(sid))[0]!.workspace?.id).toBe(a.workspaceId);
  });

  it("routes the most recent outbound message when one workspace wrote from the same sender twice", async () => {
    const phone = "+593987650003";
    const older = await makeSentMessage(h.orm, h.clock, { phone, sendAttemptedAt: new Date(h.clock.now().getTime() - 3_600_000) });
    const newer = await makeSentMessage(h.orm, h.clock, { phone });
    const sid = `SM${randomHex(32)}`;
    await storeInbound(h.deps, await inbound({ MessageSid: sid, From: `whatsapp:${phone}`, To: "whatsapp:+14155238886", Body: "3" }));
    expect((await storedBySid(sid))[0]!.workspace?.id).toBe(newer.workspaceId);
    expect(older.workspaceId).not.toBe(newer.workspaceId);
  });

  it("keeps the channel: an SMS from a phone we only wrote to on WhatsApp is not routed by it", async () => {
    const phone = "+593987650004";
    await makeSentMessage(h.orm, h.clock, { phone, sender: "whatsapp:+15005550006" });
    const sid = `SM${randomHex(32)}`;
    await storeInbound(h.deps, await inbound({ MessageSid: sid, From: phone, To: "+15005550006", Body: "5" }));
    const [stored] = await storedBySid(sid);
    expect(stored!.channel).toBe("SMS");
    expect(stored!.workspace).toBeNull();
  });

  it("stores a message from an unknown phone unrouted", async () => {
    const sid = `SM${randomHex(32)}`;
    const entry = await inbound({ MessageSid: sid, From: "whatsapp:+593999999999", To: "whatsapp:+14155238886", Body: "hola" });
    await storeInbound(h.deps, entry);
    const [stored] = await storedBySid(sid);
    expect(stored!.workspace).toBeNull();
    expect(stored!.patient).toBeNull();
    expect(stored!.receivedAt).toEqual(h.clock.now());
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    // Ids only in logs: never the phone or the body.
    const logged = JSON.stringify(h.logger.lines);
    expect(logged).not.toContain("+593999999999");
    expect(logged).not.toContain("hola");
  });

  it("never moves the window back", async () => {
    const phone = "+593987650005";
    const a = await makeSentMessage(h.orm, h.clock, { phone });
    const first = await inbound({ MessageSid: `SM${randomHex(32)}`, From: `whatsapp:${phone}`, To: "whatsapp:+14155238886", Body: "5" });
    const late = h.clock.now();
    h.clock.advance(-60_000);
    const earlier = await inbound({ MessageSid: `SM${randomHex(32)}`, From: `whatsapp:${phone}`, To: "whatsapp:+14155238886", Body: "gracias" });
    h.clock.advance(120_000);
    await storeInbound(h.deps, first);
    await storeInbound(h.deps, earlier); // processed after, received before
    const contact = await workspaceEm(h.orm.em, a.workspaceId).findOneOrFail(Contact, { id: a.contactId });
    expect(contact.lastInboundAt["whatsapp:+14155238886"]).toBe(late.toISOString());
  });

  it("moves the contact's last contact forward with each message from the patient, never back", async () => {
    const phone = "+593987650006";
    const a = await makeSentMessage(h.orm, h.clock, { phone });
    h.clock.advance(60_000);
    const reply = await inbound({ MessageSid: `SM${randomHex(32)}`, From: `whatsapp:${phone}`, To: "whatsapp:+14155238886", Body: "¿Atienden los sábados?" });
    const repliedAt = h.clock.now();
    await storeInbound(h.deps, reply);
    const contact = await workspaceEm(h.orm.em, a.workspaceId).findOneOrFail(Contact, { id: a.contactId });
    expect(contact.lastContactAt?.toISOString()).toBe(repliedAt.toISOString());
  });

  it("calls the onInboundRouted seam in the same transaction, scoped to the workspace", async () => {
    const phone = "+593987650006";
    const a = await makeSentMessage(h.orm, h.clock, { phone });
    const seen: { inboundId: string; messages: number }[] = [];
    const deps: HandlerDeps = {
      ...h.deps,
      async onInboundRouted(em, stored) {
        // Scoped: an unscoped ORM query would throw here.
        seen.push({ inboundId: stored.id, messages: await em.count(Message, {}) });
      },
    };
    const sid = `SM${randomHex(32)}`;
    await storeInbound(deps, await inbound({ MessageSid: sid, From: `whatsapp:${phone}`, To: "whatsapp:+14155238886", Body: "5" }));
    expect(seen).toEqual([{ inboundId: (await storedBySid(sid))[0]!.id, messages: 1 }]);
    expect(a.workspaceId).toBeTruthy();
  });

  it("parks an unreadable payload", async () => {
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", payload: { params: { Body: "5" } } });
    await storeInbound(h.deps, entry);
    const row = await outboxRow(h.orm, entry.outboxId);
    expect(row.status).toBe("cancelled");
    expect(row.last_error).toMatch(/MessageSid, From and To are required/);
  });
});
