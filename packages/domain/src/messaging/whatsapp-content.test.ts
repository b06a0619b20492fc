import { describe, expect, it } from "vitest";
import { parseButtonPayload } from "../replies/button-payload.ts";
import { sendingGaps } from "./sending-readiness.ts";
import {
  LOCAL_PLATFORM_CONTENT_SIDS,
  PLATFORM_TEMPLATE_TEXTS,
  WHATSAPP_CONTENT_VARIABLES,
  parsePlatformContentSids,
  renderContent,
  resolveWhatsAppContentSid,
  whatsappContentVariables,
} from "./whatsapp-content.ts";

const OWN = "HX" + "a".repeat(32);
const MSG = "HX" + "b".repeat(32);
const platform = { es: { INITIAL: "HX" + "1".repeat(32), REMINDER: "HX" + "2".repeat(32) }, en: { INITIAL: "HX" + "3".repeat(32) } };

describe("resolveWhatsAppContentSid", () => {
  it("takes the message's own, then the workspace's, then the platform's in the patient's language, then Spanish", () => {
    expect(resolveWhatsAppContentSid({ type: "INITIAL", language: "en", messageSid: MSG, workspaceSids: { INITIAL: OWN }, platform })).toEqual({ sid: MSG, source: "message" });
    expect(resolveWhatsAppContentSid({ type: "INITIAL", language: "en", workspaceSids: { INITIAL: OWN }, platform })).toEqual({ sid: OWN, source: "workspace" });
    expect(resolveWhatsAppContentSid({ type: "INITIAL", language: "en", workspaceSids: { REMINDER: OWN }, platform })).toEqual({ sid: platform.en.INITIAL, source: "platform" });
    expect(resolveWhatsAppContentSid({ type: "REMINDER", language: "en", workspaceSids: {}, platform })).toEqual({ sid: platform.es.REMINDER, source: "platform" });
    expect(resolveWhatsAppContentSid({ type: "INITIAL", language: null, workspaceSids: null, platform })?.sid).toBe(platform.es.INITIAL);
  });

  it("finds none without any template of that type, and never for types that have no template", () => {
    expect(resolveWhatsAppContentSid({ type: "FOLLOWUP_HAPPY", language: "es", workspaceSids: {}, platform })).toBeNull();
    expect(resolveWhatsAppContentSid({ type: "INITIAL", language: "es", workspaceSids: {}, platform: undefined })).toBeNull();
    expect(resolveWhatsAppContentSid({ type: "STAFF_ALERT", language: "es", workspaceSids: {}, platform: LOCAL_PLATFORM_CONTENT_SIDS })).toBeNull();
  });
});

describe("WHATSAPP_DEFAULT_CONTENT_SIDS", () => {
  it("parses the JSON per language and type", () => {
    expect(parsePlatformContentSids(JSON.stringify(platform))).toEqual(platform);
    expect(parsePlatformContentSids(JSON.stringify(LOCAL_PLATFORM_CONTENT_SIDS))).toEqual(LOCAL_PLATFORM_CONTENT_SIDS);
  });

  it("names the bad entry", () => {
    expect(() => parsePlatformContentSids("{es:")).toThrow(/expected JSON/);
    expect(() => parsePlatformContentSids(JSON.stringify({ es: { INITIAL: "HX123" } }))).toThrow(/es\.INITIAL: expected a content SID/);
    expect(() => parsePlatformContentSids(JSON.stringify({ es: { INTIAL: "HX" + "1".repeat(32) } }))).toThrow(/es/);
    expect(() => parsePlatformContentSids(JSON.stringify({ fr: {} }))).toThrow();
  });
});

describe("the platform's templates", () => {
  it("number their placeholders as the variables are sent, and the rating buttons send payloads the reply parser reads as ratings", () => {
    for (const language of ["es", "en"] as const) {
      for (const [type, text] of Object.entries(PLATFORM_TEMPLATE_TEXTS[language])) {
        const used = [...text.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
        expect(Math.max(...used)).toBeLessThanOrEqual(WHATSAPP_CONTENT_VARIABLES[type as keyof typeof WHATSAPP_CONTENT_VARIABLES].length);
      }
      const buttons = PLATFORM_TEMPLATE_TEXTS[language].INITIAL.buttons!;
      expect(buttons.map((b) => parseButtonPayload(b.id))).toEqual([1, 2, 3, 4, 5].map((rating) => ({ kind: "rating", rating })));
    }
    const variables = whatsappContentVariables("INITIAL", { name: "Ana", doctor: "Dr. Pérez", practice: "Clínica Sonrisa", ratingLink: "https://x.test/q/t" });
    expect(variables).toEqual({ "1": "Ana", "2": "Dr. Pérez", "3": "Clínica Sonrisa", "4": "https://x.test/q/t" });
    expect(renderContent(PLATFORM_TEMPLATE_TEXTS.es.INITIAL.body, variables)).toContain("Hola Ana, gracias por su visita a Clínica Sonrisa.");
  });
});

describe("sendingGaps", () => {
  const none = { smsSender: null, whatsappSender: null, whatsappContentSids: {} };
  it("with the platform's senders and templates a new workspace lacks nothing", () => {
    expect(sendingGaps({ channels: ["WHATSAPP", "SMS"], languages: ["es", "en"], workspace: none, platform: { smsFrom: "+15005550006", whatsappFrom: "whatsapp:+14155238886", whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS } })).toEqual([]);
  });
  it("names each missing sender and template", () => {
    expect(sendingGaps({ channels: ["WHATSAPP", "SMS"], languages: ["es"], workspace: none, platform: {} })).toEqual([
      { kind: "NO_SENDER", channel: "WHATSAPP" },
      { kind: "NO_WHATSAPP_TEMPLATE", type: "INITIAL", language: "es" },
      { kind: "NO_WHATSAPP_TEMPLATE", type: "REMINDER", language: "es" },
      { kind: "NO_SENDER", channel: "SMS" },
    ]);
    // A workspace's own sender and templates are enough.
    expect(sendingGaps({ channels: ["WHATSAPP"], workspace: { smsSender: null, whatsappSender: "whatsapp:+593990000000", whatsappContentSids: { INITIAL: OWN, REMINDER: OWN } }, platform: {} })).toEqual([]);
  });
});
