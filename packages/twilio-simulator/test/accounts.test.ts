// Several accounts with their own tokens (SPEC §12): subaccounts through the Accounts API, incoming
// numbers and Messaging Services per account, sends limited to the account's own senders, and
// webhooks signed with the owning account's token — all through the real twilio SDK.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTwilioClient, verifyTwilioSignature, type TwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { SID, TOKEN, restError, startReceiver, startSimulator, waitFor, type Receiver } from "./helpers.ts";

let sim: Simulator;
let platform: TwilioClient;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  ({ sim, client: platform } = await startSimulator({ inboundUrl: "http://placeholder.invalid/" }));
});
afterAll(async () => {
  await sim.close();
  await rx.close();
});
beforeEach(() => {
  sim.reset();
  rx.received.length = 0;
});

const signedWith = (r: { url: string; signature: string | undefined; params: Record<string, string> }, token: string) =>
  verifyTwilioSignature({ authTokens: [token], signature: r.signature, url: r.url, params: r.params });
const clientOf = (accountSid: string, authToken: string) => createTwilioClient({ accountSid, authToken, apiUrl: sim.url, timeoutMs: 5000 });

describe("accounts", () => {
  it("fetches an account only with its own token; another token is 401 / 20003", async () => {
    const own = sim.addAccount({ numbers: ["+593990001001"] });
    const good = await clientOf(own.sid, own.authTokens[0]!).api.v2010.accounts(own.sid).fetch();
    expect(good).toMatchObject({ sid: own.sid, status: "active" });
    expect(good.authToken).toBeNull();
    const bad = await restError(clientOf(own.sid, TOKEN).api.v2010.accounts(own.sid).fetch());
    expect(bad).toMatchObject({ status: 401, code: 20003 });
  });

  it("creates a subaccount with its own token; the subaccount cannot reach its parent nor create subaccounts", async () => {
    const sub = await platform.api.v2010.accounts.create({ friendlyName: "Clínica Sur" });
    expect(sub.sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(sub.authToken).toMatch(/^[0-9a-f]{32}$/);
    expect(sub.ownerAccountSid).toBe(SID);
    const subClient = clientOf(sub.sid, sub.authToken);
    expect((await subClient.api.v2010.accounts(sub.sid).fetch()).friendlyName).toBe("Clínica Sur");
    // The parent's credentials reach the subaccount's v2010 resources.
    expect((await platform.api.v2010.accounts(sub.sid).fetch()).sid).toBe(sub.sid);
    expect(await restError(subClient.api.v2010.accounts(SID).fetch())).toMatchObject({ status: 401 });
    expect(await restError(subClient.api.v2010.accounts.create({ friendlyName: "x" }))).toMatchObject({ status: 401 });
  });

  it("lists and updates an account's numbers and services, and only that account's", async () => {
    const a = sim.addAccount({ numbers: ["+593990001001"], services: [{ friendlyName: "Recordatorios", numbers: ["+593990001002"] }] });
    sim.addAccount({ numbers: ["+593990002001"] });
    const ca = clientOf(a.sid, a.authTokens[0]!);
    const numbers = await ca.incomingPhoneNumbers.list();
    expect(numbers.map((n) => n.phoneNumber).sort()).toEqual(["+593990001001", "+593990001002"]);
    const services = await ca.messaging.v1.services.list();
    expect(services.map((s) => s.friendlyName)).toEqual(["Recordatorios"]);

    const pn = numbers.find((n) => n.phoneNumber === "+593990001001")!;
    const updated = await ca.incomingPhoneNumbers(pn.sid).update({ smsUrl: `${rx.url}/in`, smsMethod: "POST" });
    expect(updated.smsUrl).toBe(`${rx.url}/in`);
    const svc = await ca.messaging.v1.services(services[0]!.sid).update({ inboundRequestUrl: `${rx.url}/svc`, statusCallback: `${rx.url}/status`, useInboundWebhookOnNumber: false });
    expect(svc).toMatchObject({ inboundRequestUrl: `${rx.url}/svc`, statusCallback: `${rx.url}/status`, useInboundWebhookOnNumber: false });
    // The platform's account holds neither.
    expect(await platform.incomingPhoneNumbers.list()).toEqual([]);
    expect(await restError(platform.messaging.v1.services(services[0]!.sid).fetch())).toMatchObject({ status: 404 });
  });

  it("sends only from the account's own numbers and services (21606, 21705)", async () => {
    const a = sim.addAccount({ numbers: ["+593990001001"] });
    const ca = clientOf(a.sid, a.authTokens[0]!);
    expect(await restError(ca.messages.create({ to: "+593987654321", from: "+15005550006", body: "hola" }))).toMatchObject({ code: 21606 });
    expect(await restError(ca.messages.create({ to: "+593987654321", messagingServiceSid: "MG" + "0".repeat(32), body: "hola" }))).toMatchObject({ code: 21705 });
    const ok = await ca.messages.create({ to: "+593987654321", from: "+593990001001", body: "hola" });
    expect(ok.accountSid).toBe(a.sid);
    // Another account does not see it.
    expect(await platform.messages.list({ to: "+593987654321" })).toEqual([]);
    expect((await ca.messages.list({ to: "+593987654321" })).map((m) => m.sid)).toEqual([ok.sid]);
  });

  it("signs status callbacks and inbound webhooks with the owning account's token", async () => {
    const a = sim.addAccount({ numbers: ["+593990001001"] });
    const token = a.authTokens[0]!;
    const ca = clientOf(a.sid, token);
    await ca.incomingPhoneNumbers([...a.numbers.keys()][0]!).update({ smsUrl: `${rx.url}/inbound` });
    await ca.messages.create({ to: "+593987654321", from: "+593990001001", body: "hola", statusCallback: `${rx.url}/status` });
    const status = (await rx.waitFor((all) => all.some((r) => r.path === "/status")))[0]!;
    expect(status.params.AccountSid).toBe(a.sid);
    expect(signedWith(status, token)).toBe(true);
    // Not with the platform's token.
    expect(status.signatureValid).toBe(false);

    const reply = await sim.inbound({ from: "+593987654321", to: "+593990001001", body: "5" });
    expect(reply.delivered).toBe(true);
    const inbound = await waitFor(() => rx.received.find((r) => r.path === "/inbound"));
    expect(inbound.params.AccountSid).toBe(a.sid);
    expect(signedWith(inbound, token)).toBe(true);
    expect(inbound.signatureValid).toBe(false);
  });

  it("sends a Messaging Service's message from a number of its sender pool, and its replies go to the service's URL", async () => {
    const a = sim.addAccount({ services: [{ friendlyName: "Recordatorios", numbers: ["+593990001002"] }] });
    const ca = clientOf(a.sid, a.authTokens[0]!);
    const [service] = [...a.services.values()];
    await ca.messaging.v1.services(service!.sid).update({ inboundRequestUrl: `${rx.url}/svc`, useInboundWebhookOnNumber: false });
    const sent = await ca.messages.create({ to: "+593987654321", messagingServiceSid: service!.sid, body: "hola" });
    await sim.whenIdle(5000);
    expect(sim.state.bySid.get(sent.sid)!.from).toBe("+593990001002");
    const reply = await sim.inbound({ from: "+593987654321", to: "+593990001002", body: "5" });
    expect(reply.delivered).toBe(true);
    const hook = await waitFor(() => rx.received.find((r) => r.path === "/svc"));
    expect(hook.params).toMatchObject({ AccountSid: a.sid, MessagingServiceSid: service!.sid });
    expect(signedWith(hook, a.authTokens[0]!)).toBe(true);
  });

  it("posts no inbound webhook for a number with no URL set", async () => {
    sim.addAccount({ numbers: ["+593990001001"] });
    const reply = await sim.inbound({ from: "+593987654321", to: "+593990001001", body: "hola" });
    expect(reply).toMatchObject({ delivered: false, webhookStatus: null });
    expect(rx.received).toEqual([]);
  });
});
