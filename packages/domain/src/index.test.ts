import { describe, expect, it } from "vitest";
import * as domain from "./index.ts";

describe("@rm/domain public API", () => {
  it("exports every building block", () => {
    for (const name of [
      "applyStatus",
      "fromTwilioStatus",
      "isFinal",
      "DELIVERY_STATUS_RANK",
      "countSegments",
      "toGsmVariant",
      "creditsFor",
      "classifyProviderError",
      "retryDelay",
      "shouldRetry",
      "normalizePhone",
      "shiftOutOfQuietHours",
      "initialSendTime",
      "withinCooldown",
      "renderTemplate",
      "findUnknownVariables",
      "formatAppointmentDate",
      "googleReviewUrl",
      "creditsToHoldForPatient",
      "FREE_MAX_USERS",
      "ManualClock",
    ]) {
      expect(domain, name).toHaveProperty(name);
    }
  });
});
