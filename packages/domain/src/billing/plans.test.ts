import { describe, expect, it } from "vitest";
import {
  FREE_MAX_USERS,
  PLANS,
  canAddUser,
  creditsForPlanChange,
  creditsPerPeriod,
  creditsToHoldForPatient,
  isPlan,
} from "./plans.ts";

describe("plans", () => {
  it.each([
    ["FREE", 50],
    ["STARTER", 500],
    ["PROFESSIONAL", 2000],
    ["ENTERPRISE", null],
  ] as const)("%s grants %s credits per period", (plan, credits) => {
    expect(creditsPerPeriod(plan)).toBe(credits);
  });

  it("lets FREE have one user only", () => {
    expect(FREE_MAX_USERS).toBe(1);
    expect(canAddUser("FREE", 0)).toBe(true);
    expect(canAddUser("FREE", 1)).toBe(false);
    expect(canAddUser("STARTER", 25)).toBe(true);
  });

  it.each([
    ["FREE", "STARTER", 450],
    ["STARTER", "PROFESSIONAL", 1500],
    ["PROFESSIONAL", "STARTER", 0],
    ["STARTER", "STARTER", 0],
    ["PROFESSIONAL", "ENTERPRISE", null],
    ["ENTERPRISE", "PROFESSIONAL", 0],
  ] as const)("a change %s → %s grants %s", (from, to, credits) => {
    expect(creditsForPlanChange(from, to)).toBe(credits);
  });

  it("recognises plan names", () => {
    expect(PLANS.every(isPlan)).toBe(true);
    expect(isPlan("free")).toBe(false);
  });
});

describe("creditsToHoldForPatient", () => {
  const initialGsm = "Hola Ana, ¿como calificarias tu visita? Responde del 1 al 5: https://rm.example/q/abc"; // 1 segment
  const initialUcs = "Hola Ana, ¿cómo calificarías tu visita al Consultorio Odontológico Dra. Vera? Responde del 1 al 5: https://rm.example/q/abc"; // 2 segments
  const happy = "¡Gracias! ¿Nos ayudarías compartiendo tu experiencia en Google? https://rm.example/r/abc"; // UCS-2, 2 segments
  const unhappy = "Lamentamos no cumplir tus expectativas. Cuéntanos qué podemos mejorar: https://rm.example/f/abc"; // GSM-7, 1

  it("holds initial + follow-up segments on SMS", () => {
    expect(creditsToHoldForPatient({ channel: "SMS", initialText: initialGsm, followUpText: unhappy })).toBe(2);
    expect(creditsToHoldForPatient({ channel: "SMS", initialText: initialUcs, followUpText: unhappy })).toBe(3);
  });

  it("holds the larger follow-up when the rating is not known yet", () => {
    expect(creditsToHoldForPatient({ channel: "SMS", initialText: initialGsm, followUpText: [unhappy, happy] })).toBe(3);
  });

  it("holds one credit per WhatsApp template message", () => {
    expect(creditsToHoldForPatient({ channel: "WHATSAPP", initialText: initialUcs, followUpText: [happy, unhappy] })).toBe(2);
  });

  it("holds nothing for an empty follow-up list", () => {
    expect(creditsToHoldForPatient({ channel: "SMS", initialText: initialGsm, followUpText: [] })).toBe(1);
  });
});
