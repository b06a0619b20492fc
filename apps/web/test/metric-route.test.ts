import { describe, expect, it } from "vitest";
import { metricRoute } from "../server/dispatcher.ts";

// HTTP metrics are labelled by route id, never by URL: tokens are secrets and ids explode cardinality.
describe("metricRoute", () => {
  it("replaces public-page tokens and ids", () => {
    expect(metricRoute("/q/AbCdEf0123456789xyzTOKEN", 200)).toBe("/q/:token");
    expect(metricRoute("/f/abc", 200)).toBe("/f/:token");
    expect(metricRoute("/campaigns/3f1c2b9e-8a7d-4c1e-9f00-1234567890ab", 200)).toBe("/campaigns/:id");
    expect(metricRoute("/practices/42/edit", 200)).toBe("/practices/:id/edit");
    expect(metricRoute("/assets/entry.client-Abc123.js", 200)).toBe("/assets/*");
  });

  it("keeps at most three segments and folds everything not found into one series", () => {
    expect(metricRoute("/a/b/c/d/e", 200)).toBe("/a/b/c");
    expect(metricRoute("/wp-login.php", 404)).toBe("(unmatched)");
    expect(metricRoute("/anything", 405)).toBe("(unmatched)");
    expect(metricRoute(`/${"x".repeat(300)}`, 200)).toBe("(long)");
  });
});
