// The hand-offs before any automatic answer, on phrasings outside the shared corpus.
import { describe, expect, it } from "vitest";
import { asksForPerson, detectUrgent } from "../src/index.ts";

describe("detectUrgent", () => {
  it.each([
    ["Me está sangrando todavía la herida de la muela", "BLEEDING"],
    ["sangra y sangra, no se detiene", "BLEEDING"],
    ["me duele horrible la muela, no aguanto", "STRONG_PAIN"],
    ["tengo calentura y me duele la muela", "STRONG_PAIN"],
    ["tengo el cachete inflamado", "SWELLING"],
    ["está hinchado y tengo fiebre", "SWELLING"],
    ["mi hijo se cayó y se le partió un diente", "TOOTH_INJURY"],
    ["se me salio la muela con un golpe", "TOOTH_INJURY"],
    ["URGENTE!!!", "EMERGENCY"],
    ["no puedo abrir bien la boca", "CANNOT_OPEN_MOUTH"],
    ["My tooth got knocked out", "TOOTH_INJURY"],
    ["I have severe pain", "STRONG_PAIN"],
  ])("%s → urgent (%s)", (text, reason) => {
    const r = detectUrgent(text);
    expect(r.urgent).toBe(true);
    expect(r.reasons).toContain(reason);
  });

  it.each([
    "¿Es normal que me duela un poco después de la limpieza?",
    "ya no me duele, gracias doctora",
    "me sangran las encías al cepillarme",
    "¿cuánto cuesta arreglar un diente?",
    "Gracias, todo bien",
  ])("%s → not urgent", (text) => {
    expect(detectUrgent(text)).toEqual({ urgent: false, reasons: [] });
  });
});

describe("asksForPerson", () => {
  it.each([
    "quiero hablar con un humano",
    "Necesito hablar con alguien",
    "comuníqueme con la secretaria por favor",
    "me pueden llamar?",
    "prefiero que me llamen",
    "¿Hay alguien ahí?",
    "¿hay alguien que me atienda?",
    "Can I talk to a person?",
    "no quiero chatear con un bot",
  ])("%s → a person asked for", (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it.each(["¿Qué días atiende la doctora?", "¿A qué hora abren?", "hablamos mañana", "la doctora me dijo que vuelva"])("%s → no", (text) => {
    expect(asksForPerson(text)).toBe(false);
  });
});
