import { describe, expect, it } from "vitest";
import { formatPhone } from "./format-phone.ts";

describe("formatPhone", () => {
  it("shows numbers of the workspace's country in their national form", () => {
    expect(formatPhone("+593987654321", "EC")).toBe("098 765 4321");
    expect(formatPhone("+59322345678", "EC")).toBe("(02) 234-5678");
  });

  it("shows foreign numbers in the international form", () => {
    expect(formatPhone("+14155550100", "EC")).toBe("+1 415 555 0100");
    expect(formatPhone("+593987654321", "PE")).toBe("+593 98 765 4321");
  });

  it("reads a WhatsApp address and leaves what it cannot parse as it is", () => {
    expect(formatPhone("whatsapp:+593987654321")).toBe("098 765 4321");
    expect(formatPhone("not a phone")).toBe("not a phone");
  });
});
