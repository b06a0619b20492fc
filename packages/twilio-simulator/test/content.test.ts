// The Content API as the simulator models it: only approved templates are sent, rendered with their
// variables and buttons as the patient sees them; any other ContentSid is refused as Twilio does.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import type { TwilioClient } from "@rm/twilio";
import type { Simulator } from "../src/index.ts";
import { SMS_FROM, WA_FROM, restError, startSimulator } from "./helpers.ts";

let sim: Simulator;
let client: TwilioClient;

beforeAll(async () => {
  ({ sim, client } = await startSimulator());
});
afterAll(() => sim.close());
beforeEach(() => sim.reset({ keepConfig: true }));

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: { messages: { body: string; buttons: string[] | null }[] } }> {
  const res = await fetch(sim.url + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
  return { status: res.status, json: (await res.json()) as { messages: { body: string; buttons: string[] | null }[] } };
}

describe("WhatsApp templates (Content API)", () => {
  it("renders the platform's rating request with its variables and the buttons 1–5", async () => {
    await client.messages.create({
      to: "whatsapp:+593987654321",
      from: WA_FROM,
      contentSid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL,
      contentVariables: JSON.stringify({ 1: "Ana", 2: "Dr. Pérez", 3: "Clínica Sonrisa", 4: "https://x.test/q/abc" }),
    });
    const { json } = await control("GET", `/_sim/messages?to=${encodeURIComponent("whatsapp:+593987654321")}`);
    expect(json.messages[0]!.body).toBe("Hola Ana, gracias por su visita a Clínica Sonrisa. ¿Cómo calificaría su atención del 1 al 5? Toque un número o califique aquí: https://x.test/q/abc");
    expect(json.messages[0]!.buttons).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("refuses an unknown ContentSid with 21655, on WhatsApp and SMS alike, and sends nothing", async () => {
    const unknown = "HX" + "9".repeat(32);
    expect(await restError(client.messages.create({ to: "whatsapp:+593987654321", from: WA_FROM, contentSid: unknown }))).toMatchObject({ status: 400, code: 21655 });
    expect(await restError(client.messages.create({ to: "+593987654321", from: SMS_FROM, contentSid: unknown }))).toMatchObject({ status: 400, code: 21655 });
    expect(sim.state.messages).toHaveLength(0);
  });

  it("approves templates set through /_sim/config, and only those", async () => {
    const mine = "HX" + "7".repeat(32);
    expect((await control("POST", "/_sim/config", { approvedContent: { [mine]: { body: "Hola {{1}}", buttons: [{ id: "5", title: "Excelente" }] } } })).status).toBe(200);
    await client.messages.create({ to: "whatsapp:+593987654322", from: WA_FROM, contentSid: mine, contentVariables: JSON.stringify({ 1: "Bruno" }) });
    expect(sim.state.messages[0]).toMatchObject({ body: "Hola Bruno", buttons: ["Excelente"] });
    // The new set replaces the old one: the platform's template is no longer approved.
    expect(await restError(client.messages.create({ to: "whatsapp:+593987654322", from: WA_FROM, contentSid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL }))).toMatchObject({ code: 21655 });
    expect((await control("POST", "/_sim/config", { approvedContent: { nope: {} } })).status).toBe(400);
  });
});
