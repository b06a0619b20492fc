import { describe, expect, it } from "vitest";
import { googleReviewUrl } from "./google-review-url.ts";

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
