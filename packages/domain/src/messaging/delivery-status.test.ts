import { describe, expect, it } from "vitest";
import {
  DELIVERY_STATUSES,
  DELIVERY_STATUS_RANK,
  type DeliveryStatus,
  applyStatus,
  deliveryStatusRankSql,
  fromTwilioStatus,
  isDelivered,
  isDeliveryStatus,
  isFinal,
  isInFlight,
} from "./delivery-status.ts";

describe("fromTwilioStatus", () => {
  it.each([
    ["accepted", "ACCEPTED"],
    ["scheduled", "SCHEDULED"],
    ["queued", "QUEUED"],
    ["sending", "SENDING"],
    ["sent", "SENT"],
    ["delivered", "DELIVERED"],
    ["undelivered", "UNDELIVERED"],
    ["failed", "FAILED"],
    ["read", "READ"],
    ["canceled", "CANCELED"],
    ["partially_delivered", "SENT"],
    [" Delivered ", "DELIVERED"],
  ])("maps %j to %s", (twilio, ours) => {
    expect(fromTwilioStatus(twilio)).toBe(ours);
  });

  it.each(["receiving", "received", "cancelled", "bogus", "", null, undefined])("ignores %j", (twilio) => {
    expect(fromTwilioStatus(twilio)).toBeNull();
  });
});

describe("applyStatus", () => {
  it.each<[DeliveryStatus, DeliveryStatus, DeliveryStatus, boolean]>([
    // the normal lifecycle moves forward
    ["PENDING", "SENDING", "SENDING", true],
    ["SENDING", "ACCEPTED", "ACCEPTED", true],
    ["SENDING", "QUEUED", "QUEUED", true],
    ["ACCEPTED", "QUEUED", "QUEUED", true],
    ["SCHEDULED", "QUEUED", "QUEUED", true],
    ["QUEUED", "SENT", "SENT", true],
    ["SENT", "DELIVERED", "DELIVERED", true],
    ["DELIVERED", "READ", "READ", true],
    ["SENT", "READ", "READ", true],
    // late callbacks never move backwards
    ["DELIVERED", "SENT", "DELIVERED", false],
    ["DELIVERED", "QUEUED", "DELIVERED", false],
    ["READ", "DELIVERED", "READ", false],
    ["SENT", "SENDING", "SENT", false],
    ["ACCEPTED", "SCHEDULED", "ACCEPTED", false],
    // failures end the lifecycle…
    ["SENT", "UNDELIVERED", "UNDELIVERED", true],
    ["QUEUED", "FAILED", "FAILED", true],
    ["SENDING", "FAILED", "FAILED", true],
    ["PENDING", "CANCELED", "CANCELED", true],
    ["SCHEDULED", "CANCELED", "CANCELED", true],
    // …in-flight statuses never overwrite them, and the first final answer wins
    ["FAILED", "SENT", "FAILED", false],
    ["UNDELIVERED", "QUEUED", "UNDELIVERED", false],
    ["CANCELED", "SENDING", "CANCELED", false],
    ["FAILED", "UNDELIVERED", "FAILED", false],
    ["UNDELIVERED", "FAILED", "UNDELIVERED", false],
    ["CANCELED", "FAILED", "CANCELED", false],
    // a failure never overwrites proof of delivery
    ["DELIVERED", "UNDELIVERED", "DELIVERED", false],
    ["READ", "FAILED", "READ", false],
    // proof of delivery overturns a failure (WhatsApp multi-device, carrier receipts)
    ["UNDELIVERED", "DELIVERED", "DELIVERED", true],
    ["FAILED", "READ", "READ", true],
  ])("%s + %s → %s (changed %s)", (current, incoming, next, changed) => {
    const result = applyStatus(current, incoming);
    expect(result.next).toBe(next);
    expect(result.changed).toBe(changed);
  });

  it("reports leaving a final state so a refund can be reversed", () => {
    expect(applyStatus("FAILED", "DELIVERED").leftFinal).toBe(true);
    expect(applyStatus("SENT", "DELIVERED").leftFinal).toBe(false);
    expect(applyStatus("FAILED", "SENT").leftFinal).toBe(false);
  });

  it("is idempotent for every status", () => {
    for (const s of DELIVERY_STATUSES) expect(applyStatus(s, s)).toEqual({ next: s, changed: false, leftFinal: false });
  });

  it("gives the same end state whatever order callbacks arrive in", () => {
    const callbacks: DeliveryStatus[] = ["QUEUED", "SENT", "DELIVERED", "READ"];
    const orders = [callbacks, [...callbacks].reverse(), ["DELIVERED", "QUEUED", "READ", "SENT"] as DeliveryStatus[]];
    for (const order of orders) {
      const end = order.reduce<DeliveryStatus>((s, c) => applyStatus(s, c).next, "SENDING");
      expect(end).toBe("READ");
    }
  });
});

describe("status predicates", () => {
  it("final = SPEC §4's undelivered/failed/canceled", () => {
    expect(DELIVERY_STATUSES.filter(isFinal)).toEqual(["UNDELIVERED", "FAILED", "CANCELED"]);
  });
  it("delivered = delivered or read", () => {
    expect(DELIVERY_STATUSES.filter(isDelivered)).toEqual(["DELIVERED", "READ"]);
  });
  it("in flight = handed over, outcome unknown", () => {
    expect(DELIVERY_STATUSES.filter(isInFlight)).toEqual(["SENDING", "ACCEPTED", "SCHEDULED", "QUEUED", "SENT"]);
  });
  it("recognises its own spelling only", () => {
    expect(isDeliveryStatus("DELIVERED")).toBe(true);
    expect(isDeliveryStatus("delivered")).toBe(false);
    expect(isDeliveryStatus(3)).toBe(false);
  });
});

describe("ranks", () => {
  it("follow SPEC §4's order", () => {
    const r = DELIVERY_STATUS_RANK;
    expect(r.PENDING).toBeLessThan(r.SENDING);
    expect(r.SENDING).toBeLessThan(r.ACCEPTED);
    expect(r.ACCEPTED).toBe(r.SCHEDULED);
    expect(r.SCHEDULED).toBeLessThan(r.QUEUED);
    expect(r.QUEUED).toBeLessThan(r.SENT);
    expect(r.SENT).toBeLessThan(r.DELIVERED);
    expect(r.DELIVERED).toBeLessThan(r.READ);
    for (const s of DELIVERY_STATUSES) expect(Number.isInteger(r[s])).toBe(true);
  });

  it("builds a SQL CASE over a column", () => {
    const sql = deliveryStatusRankSql("m.status");
    expect(sql).toMatch(/^\(CASE m\.status WHEN 'PENDING' THEN 0 /);
    expect(sql).toContain("WHEN 'READ' THEN 70");
    expect(sql.endsWith(" END)")).toBe(true);
  });

  it("refuses anything but a plain identifier", () => {
    expect(() => deliveryStatusRankSql("status; DROP TABLE message")).toThrow();
    expect(() => deliveryStatusRankSql("")).toThrow();
  });
});
