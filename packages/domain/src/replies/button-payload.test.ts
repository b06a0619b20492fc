import { describe, expect, it } from "vitest";
import { parseButtonPayload, ratingPayload } from "./button-payload.ts";

describe("parseButtonPayload", () => {
  it("reads the canonical format, which ratingPayload writes", () => {
    for (const rating of [1, 2, 3, 4, 5] as const) {
      expect(ratingPayload(rating)).toBe(`rating:${rating}`);
      expect(parseButtonPayload(ratingPayload(rating))).toEqual({ kind: "rating", rating });
    }
    expect(parseButtonPayload("optout")).toEqual({ kind: "optout" });
    expect(parseButtonPayload("optin")).toEqual({ kind: "optin" });
  });

  it.each(["RATING_5", "rating:5", "Rating-5", "rating 5", "rating=5", "RATING5", "rate_5", "SCORE:5", "5", " 5 "])(
    "accepts the variant %j as 5",
    (payload) => {
      expect(parseButtonPayload(payload)).toEqual({ kind: "rating", rating: 5 });
    },
  );

  it.each(["OPT_OUT", "opt-out", "Opt Out", "OPTOUT"])("accepts %j as opt-out", (payload) => {
    expect(parseButtonPayload(payload)).toEqual({ kind: "optout" });
  });

  it.each(["OPT_IN", "opt-in", "OPTIN"])("accepts %j as opt-in", (payload) => {
    expect(parseButtonPayload(payload)).toEqual({ kind: "optin" });
  });

  it.each([null, undefined, "", "   ", "0", "6", "10", "rating:0", "rating:6", "rating:4.5", "RATING_", "rating:5:x", "CONTACT_STAFF", "STOP"])(
    "%j is not one of our payloads",
    (payload) => {
      expect(parseButtonPayload(payload)).toBeNull();
    },
  );
});
