// Open now and the away message: the practice's time zone, holidays, and at most once per thread in the
// configured time (the caller keeps the timestamp).
import { describe, expect, it } from "vitest";
import { awayMessage, isOpenAt, nextOpening } from "../src/index.ts";
import { faqKnowledge } from "./faq-fixture.ts";

const k = faqKnowledge(); // America/Guayaquil (UTC−5): Mon–Fri 08–18, Sat 09–13, holidays 2026-12-25 …

describe("isOpenAt", () => {
  it("reads the hours in the practice's time zone, not the server's", () => {
    // Monday 2026-12-07 08:30 in Quito is 13:30 UTC; 07:30 in Quito is 12:30 UTC.
    expect(isOpenAt(k, new Date("2026-12-07T13:30:00Z"))).toBe(true);
    expect(isOpenAt(k, new Date("2026-12-07T12:30:00Z"))).toBe(false);
    // Saturday 13:00 local is closing time: closed.
    expect(isOpenAt(k, new Date("2026-12-05T17:59:00Z"))).toBe(true);
    expect(isOpenAt(k, new Date("2026-12-05T18:00:00Z"))).toBe(false);
  });

  it("is closed on a holiday even on an opening weekday", () => {
    expect(isOpenAt(k, new Date("2026-12-25T15:00:00Z"))).toBe(false); // Friday, Christmas
    expect(isOpenAt(k, new Date("2026-12-24T15:00:00Z"))).toBe(true);
  });

  it("finds the next opening past closed days and holidays", () => {
    expect(nextOpening(k, new Date("2026-12-24T23:30:00Z"))?.toISO()).toBe("2026-12-26T09:00:00.000-05:00");
  });
});

describe("awayMessage", () => {
  const base = { knowledge: k, language: "es" as const, practiceName: "Sonrisas Quito Norte" };

  it("says nothing while the practice is open", () => {
    expect(awayMessage({ ...base, now: new Date("2026-12-07T15:00:00Z"), lastAwayAt: null })).toEqual({ send: false, why: "OPEN" });
  });

  it("outside hours says when the practice answers, in the patient's language", () => {
    const sat = new Date("2026-12-05T23:00:00Z"); // Saturday 18:00 in Quito
    expect(awayMessage({ ...base, now: sat, lastAwayAt: null })).toEqual({
      send: true,
      text: 'Gracias por escribir a Sonrisas Quito Norte. En este momento estamos cerrados; le responderemos el lunes desde las 08:00. Si es una urgencia, escriba "urgencia".',
      nextOpening: new Date("2026-12-07T13:00:00Z"),
    });
    const sunNight = new Date("2026-12-07T02:00:00Z"); // Sunday 21:00 in Quito
    expect(awayMessage({ ...base, language: "en", now: sunNight, lastAwayAt: null })).toMatchObject({
      send: true,
      text: 'Thank you for writing to Sonrisas Quito Norte. We are closed right now; we will answer tomorrow from 08:00. If it is urgent, write "urgent".',
    });
  });

  it("goes at most once per thread within the configured hours", () => {
    const first = new Date("2026-12-05T23:00:00Z");
    const later = (hours: number) => new Date(first.getTime() + hours * 3_600_000);
    expect(awayMessage({ ...base, now: later(11.9), lastAwayAt: first })).toEqual({ send: false, why: "SENT_RECENTLY" });
    expect(awayMessage({ ...base, now: later(12), lastAwayAt: first })).toMatchObject({ send: true });
    const daily = { ...k, awayIntervalHours: 24 };
    expect(awayMessage({ ...base, knowledge: daily, now: later(12), lastAwayAt: first })).toEqual({ send: false, why: "SENT_RECENTLY" });
  });

  it("with no hours at all still answers once, without promising a time", () => {
    const none = { ...k, hours: {} };
    expect(awayMessage({ ...base, knowledge: none, now: new Date("2026-12-07T15:00:00Z"), lastAwayAt: null })).toEqual({
      send: true,
      text: "Gracias por escribir a Sonrisas Quito Norte. En este momento no hay nadie para responderle; le contestaremos en cuanto sea posible.",
      nextOpening: null,
    });
  });
});
