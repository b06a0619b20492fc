import { describe, expect, it } from "vitest";
import { signTwilioRequest, verifyTwilioSignature } from "../src/index.ts";

const url = "https://app.example.com/webhooks/twilio/status?m=123";
const params = { MessageSid: "SM" + "1".repeat(32), MessageStatus: "delivered", To: "+593987654321", Body: "¡Gracias! ⭐⭐⭐⭐⭐" };

describe("webhook signatures", () => {
  it("accepts a signature made with any token of the rotation list", () => {
    const oldSig = signTwilioRequest("old-token", url, params);
    const newSig = signTwilioRequest("new-token", url, params);
    expect(verifyTwilioSignature({ authTokens: ["new-token", "old-token"], signature: oldSig, url, params })).toBe(true);
    expect(verifyTwilioSignature({ authTokens: ["new-token", "old-token"], signature: newSig, url, params })).toBe(true);
    expect(verifyTwilioSignature({ authTokens: ["other"], signature: newSig, url, params })).toBe(false);
  });

  it("rejects a tampered parameter, a different URL and a missing signature", () => {
    const sig = signTwilioRequest("tok", url, params);
    expect(verifyTwilioSignature({ authTokens: ["tok"], signature: sig, url, params: { ...params, MessageStatus: "failed" } })).toBe(false);
    expect(verifyTwilioSignature({ authTokens: ["tok"], signature: sig, url, params: { ...params, Extra: "1" } })).toBe(false);
    expect(verifyTwilioSignature({ authTokens: ["tok"], signature: sig, url: url.replace("123", "124"), params })).toBe(false);
    expect(verifyTwilioSignature({ authTokens: ["tok"], signature: "", url, params })).toBe(false);
    expect(verifyTwilioSignature({ authTokens: ["tok"], signature: undefined, url, params })).toBe(false);
  });

  it("matches Twilio's documented example", () => {
    // https://www.twilio.com/docs/usage/security#validating-requests
    const sig = signTwilioRequest("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675310",
      Digits: "1234",
      From: "+14158675310",
      To: "+18005551212",
    });
    expect(sig).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
  });
});
