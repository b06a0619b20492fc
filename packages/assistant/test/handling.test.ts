// The order of automatic handling (SPEC §16): opt-out, urgent, awaited rating, a person asked for,
// knowledge answer, away message, HELP — each case is a message two steps could claim, and the earlier wins.
import { describe, expect, it } from "vitest";
import { AUTOMATIC_HANDLING_ORDER, decideAutomaticHandling, type HandlingInput } from "../src/index.ts";
import { faqKnowledge } from "./faq-fixture.ts";

const OPEN = new Date("2026-12-07T15:00:00Z"); // Monday 10:00 in Quito
const CLOSED = new Date("2026-12-07T03:00:00Z"); // Sunday 22:00 in Quito
const base: HandlingInput = {
  text: "",
  language: "es",
  knowledge: faqKnowledge(),
  practiceName: "Sonrisas Quito Norte",
  now: OPEN,
  lastAwayAt: null,
  optOut: false,
  awaitedRating: false,
  help: false,
};
const decide = (over: Partial<HandlingInput>) => decideAutomaticHandling({ ...base, ...over }).step;

describe("the order of automatic handling", () => {
  it("is the documented one", () => {
    expect(AUTOMATIC_HANDLING_ORDER).toEqual(["OPT_OUT", "URGENT", "AWAITED_RATING", "PERSON_ASKED", "KNOWLEDGE_ANSWER", "AWAY_MESSAGE", "HELP"]);
  });

  it("opt-out before urgent", () => {
    expect(decide({ text: "STOP emergencia", optOut: true })).toBe("OPT_OUT");
  });

  it("urgent before an awaited rating, even at night and with a topic word in it", () => {
    expect(decide({ text: "1, me duele muchísimo la muela", awaitedRating: true })).toBe("URGENT");
    expect(decideAutomaticHandling({ ...base, text: "No para de sangrar, ¿a qué hora abren?", now: CLOSED })).toEqual({ step: "URGENT", reasons: ["BLEEDING"] });
  });

  it("an awaited rating before a person asked for", () => {
    expect(decide({ text: "5, quiero hablar con la doctora", awaitedRating: true })).toBe("AWAITED_RATING");
  });

  it("a person asked for before a knowledge answer", () => {
    expect(decide({ text: "Quiero hablar con una persona sobre el precio de la limpieza" })).toBe("PERSON_ASKED");
  });

  it("a knowledge answer before the away message, with the text to send", () => {
    expect(decideAutomaticHandling({ ...base, text: "¿Tienen parqueadero?", now: CLOSED })).toEqual({
      step: "KNOWLEDGE_ANSWER",
      topic: "PARKING",
      confidence: 1,
      text: `Parqueadero:\n${base.knowledge.parking.es}`,
    });
  });

  it("the away message outside hours for anything else, once per thread in the configured time", () => {
    expect(decide({ text: "Olvidé mi paraguas", now: CLOSED })).toBe("AWAY_MESSAGE");
    expect(decide({ text: "Olvidé mi paraguas", now: CLOSED, lastAwayAt: new Date(CLOSED.getTime() - 3_600_000) })).toBe("STAFF");
    expect(decide({ text: "Olvidé mi paraguas", now: OPEN })).toBe("STAFF");
  });

  it("HELP last: in hours it is HELP, outside hours the away message comes first", () => {
    expect(decide({ text: "HELP", help: true })).toBe("HELP");
    expect(decide({ text: "HELP", help: true, now: CLOSED })).toBe("AWAY_MESSAGE");
  });
});
