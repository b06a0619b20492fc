import { describe, expect, it } from "vitest";
import {
  GOOGLE_REVIEW_REJECTION_ES,
  type GoogleReviewRejection,
  googleReviewUrl,
  parseGoogleReviewInput,
  previewReviewLink,
  reviewInputOf,
  reviewLinkFor,
} from "./google-review-url.ts";

describe("googleReviewUrl", () => {
  it("builds Google's write-review link", () => {
    expect(googleReviewUrl("ChIJN1t_tDeuEmsRUsoyG83frY4")).toBe(
      "https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4",
    );
  });
  it("encodes the id and trims pasted whitespace", () => {
    expect(googleReviewUrl(" a b&c=d/+ ")).toBe("https://search.google.com/local/writereview?placeid=a%20b%26c%3Dd%2F%2B");
  });
  it("refuses an empty id", () => {
    expect(() => googleReviewUrl("  ")).toThrow();
  });
});

describe("parseGoogleReviewInput: the forms Google hands out", () => {
  const place = (placeId: string) => ({ ok: true, target: { kind: "placeId", placeId } });
  const link = (url: string) => ({ ok: true, target: { kind: "reviewUrl", url } });

  it.each([
    // a bare Place ID, as before
    ["ChIJN1t_tDeuEmsRUsoyG83frY4", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    ["  ChIJN1t_tDeuEmsRUsoyG83frY4 ", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    // the writereview link: its Place ID is kept
    ["https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    ["search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    ["https://search.google.com/local/writereview/?hl=es&placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    ["HTTPS://Search.Google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", place("ChIJN1t_tDeuEmsRUsoyG83frY4")],
    // the g.page review link: stored as the link, in one canonical form
    ["https://g.page/r/CZ1nGqbVEkXhEBM/review", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
    ["g.page/r/CZ1nGqbVEkXhEBM/review", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
    ["https://g.page/r/CZ1nGqbVEkXhEBM/review/", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
    ["https://g.page/r/CZ1nGqbVEkXhEBM/review?rc", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
    ["http://g.page/r/CZ1nGqbVEkXhEBM/review?utm_source=gbp#x", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
    [" https://G.PAGE/r/CZ1nGqbVEkXhEBM/review ", link("https://g.page/r/CZ1nGqbVEkXhEBM/review")],
  ])("accepts %j", (input, expected) => {
    expect(parseGoogleReviewInput(input)).toEqual(expected);
  });

  it.each([
    // not a Place ID
    ["ChIJ short", "bad_place_id"],
    ["abc", "bad_place_id"],
    ["ChIJ…N1t", "bad_place_id"],
    ["https://search.google.com/local/writereview", "bad_place_id"],
    ["https://search.google.com/local/writereview?placeid=", "bad_place_id"],
    ["https://search.google.com/local/writereview?placeid=<script>", "bad_place_id"],
    // g.page, but not its review link
    ["https://g.page/consultorio-centro", "g_page_not_review"],
    ["https://g.page/r/CZ1nGqbVEkXhEBM", "g_page_not_review"],
    ["https://g.page/r/CZ1nGqbVEkXhEBM/review/extra", "g_page_not_review"],
    ["https://g.page/r/../review", "g_page_not_review"],
    // Maps share links redirect to the map, not the review form
    ["https://maps.app.goo.gl/abcDEF123", "maps_share_link"],
    ["maps.app.goo.gl/abcDEF123", "maps_share_link"],
    ["https://goo.gl/maps/abcDEF123", "maps_share_link"],
    ["https://www.google.com/maps/place/Consultorio/@-0.18,-78.48,17z", "maps_share_link"],
    // any other host, look-alikes, credentials, ports and schemes
    ["https://evil.example/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://g.page.evil.example/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://evil.example/?u=https://g.page/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://g.page@evil.example/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://user:pw@g.page/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://g.page:8443/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["https://search.google.com.evil.example/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", "not_google_review_link"],
    ["https://search.google.com/local/other?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", "not_google_review_link"],
    ["javascript:alert(1)//g.page/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["ftp://g.page/r/CZ1nGqbVEkXhEBM/review", "not_google_review_link"],
    ["g.page/r/CZ1nGqbVEkXhEBM/review con espacios", "not_google_review_link"],
  ])("refuses %j (%s) with a message naming the accepted forms", (input, reason) => {
    expect(parseGoogleReviewInput(input)).toEqual({ ok: false, reason });
    const message = GOOGLE_REVIEW_REJECTION_ES[reason as GoogleReviewRejection];
    expect(message).toMatch(/\.$|…$/);
    if (reason !== "bad_place_id") expect(message).toMatch(/g\.page\/r\/…\/review/);
  });
});

describe("reviewLinkFor: one review link for every place that shows or sends it", () => {
  it("builds the writereview link from a Place ID and uses a g.page link as stored", () => {
    expect(reviewLinkFor({ googlePlaceId: "ChIJN1t_tDeuEmsRUsoyG83frY4", googleReviewUrl: null })).toBe(
      "https://search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4",
    );
    expect(reviewLinkFor({ googlePlaceId: null, googleReviewUrl: "https://g.page/r/CZ1nGqbVEkXhEBM/review" })).toBe("https://g.page/r/CZ1nGqbVEkXhEBM/review");
    expect(reviewLinkFor({ googlePlaceId: null, googleReviewUrl: null })).toBeNull();
    expect(reviewLinkFor({})).toBeNull();
  });

  it("never hands out a stored URL that is not a g.page review link", () => {
    expect(reviewLinkFor({ googleReviewUrl: "https://evil.example/r/x/review" })).toBeNull();
    expect(reviewLinkFor({ googleReviewUrl: "https://g.page/r/CZ1nGqbVEkXhEBM/review?next=https://evil.example" })).toBeNull();
  });

  it("gives the form the value it was saved with, and previews exactly what will be sent", () => {
    expect(reviewInputOf({ googlePlaceId: "ChIJN1t_tDeuEmsRUsoyG83frY4", googleReviewUrl: null })).toBe("ChIJN1t_tDeuEmsRUsoyG83frY4");
    expect(reviewInputOf({ googlePlaceId: null, googleReviewUrl: "https://g.page/r/CZ1nGqbVEkXhEBM/review" })).toBe("https://g.page/r/CZ1nGqbVEkXhEBM/review");
    for (const input of ["ChIJN1t_tDeuEmsRUsoyG83frY4", "search.google.com/local/writereview?placeid=ChIJN1t_tDeuEmsRUsoyG83frY4", "g.page/r/CZ1nGqbVEkXhEBM/review/"]) {
      const parsed = parseGoogleReviewInput(input);
      if (!parsed.ok) throw new Error(input);
      const stored = parsed.target.kind === "placeId" ? { googlePlaceId: parsed.target.placeId } : { googleReviewUrl: parsed.target.url };
      expect(previewReviewLink(input)).toBe(reviewLinkFor(stored));
    }
    expect(previewReviewLink("https://maps.app.goo.gl/abcDEF123")).toBeNull();
    expect(previewReviewLink("  ")).toBeNull();
  });
});
