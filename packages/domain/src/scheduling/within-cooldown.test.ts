import { describe, expect, it } from "vitest";
import { withinCooldown } from "./within-cooldown.ts";

const now = new Date("2026-11-23T12:00:00Z");

describe("withinCooldown", () => {
  it.each([
    ["never asked", null, 60, false],
    ["asked yesterday", "2026-11-22T12:00:00Z", 60, true],
    ["asked 59 days and 23 h ago", "2026-09-24T13:00:00Z", 60, true],
    ["asked exactly 60 days ago", "2026-09-24T12:00:00Z", 60, false],
    ["asked 61 days ago", "2026-09-23T12:00:00Z", 60, false],
    ["cooldown off", "2026-11-23T11:00:00Z", 0, false],
  ] as const)("%s → %s", (_label, last, days, expected) => {
    expect(withinCooldown(last ? new Date(last) : null, now, days)).toBe(expected);
  });
});
