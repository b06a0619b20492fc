// The reader beyond the shared corpus: spellings patients use, English, the guards that keep a wrong
// answer from going out, the threshold, and the answer text in the patient's language.
import { describe, expect, it } from "vitest";
import { emptyKnowledge, readPatientQuestion, renderAnswer, type Reading, type Topic } from "../src/index.ts";
import { faqKnowledge } from "./faq-fixture.ts";

const k = faqKnowledge();
const label = (r: Reading) => (r.kind === "TOPIC" ? r.topic : r.kind);

describe("readPatientQuestion", () => {
  it.each<[string, Topic]>([
    ["orario d atencion", "HOURS"],
    ["a q hora abren mñn", "HOURS"],
    ["ABREN LOS DOMINGOOOS??", "HOURS"],
    ["dnd qdan", "LOCATION"],
    ["cual es la direcion", "LOCATION"],
    ["me pasa la ubicasion porfa", "LOCATION"],
    ["kuanto cuesta la limpiesa", "PRICE"],
    ["precio del blanquamiento", "PRICE"],
    ["cuanto la limpieza", "PRICE"],
    ["tienen estasionamiento?", "PARKING"],
    ["puedo pagar con tarjeta de credito", "PAYMENT"],
    ["hacen endodoncias?", "SERVICES"],
    ["quiero una sita", "BOOKING"],
    ["trabajan con confiamed", "INSURANCE"],
    ["What time do you open?", "HOURS"],
    ["Where are you located?", "LOCATION"],
    ["How much is a cleaning?", "PRICE"],
    ["Do you accept insurance?", "INSURANCE"],
    ["Can I book an appointment?", "BOOKING"],
  ])("%s → %s", (text, topic) => {
    const r = readPatientQuestion(k, text, "es");
    expect(label(r)).toBe(topic);
  });

  it("a misspelt word counts a little less than a well-spelt one", () => {
    const exact = readPatientQuestion(k, "cual es la direccion", "es");
    const typo = readPatientQuestion(k, "cual es la direcion", "es");
    expect(exact).toMatchObject({ kind: "TOPIC", confidence: 1 });
    expect(typo).toMatchObject({ kind: "TOPIC", topic: "LOCATION" });
    expect((typo as { confidence: number }).confidence).toBeLessThan(1);
  });

  it("never answers a question about symptoms or medicine, even with a topic word in it", () => {
    expect(readPatientQuestion(k, "¿es normal que me duela después de la limpieza?", "es")).toEqual({ kind: "NONE", why: "CLINICAL" });
    expect(readPatientQuestion(k, "¿puedo tomar algo antes de la cita?", "es")).toEqual({ kind: "NONE", why: "CLINICAL" });
  });

  it("does not answer the price of something the practice gives no price for", () => {
    expect(readPatientQuestion(k, "¿cuánto cuesta un implante?", "es")).toEqual({ kind: "NONE", why: "PRICE_OF_OTHER" });
    expect(readPatientQuestion(k, "¿cuánto cuesta un cepillo eléctrico?", "es")).toEqual({ kind: "NONE", why: "PRICE_OF_OTHER" });
  });

  // Messages a practice gets every day that carry a topic word and still are not that question: each
  // was answered wrongly before its rule (duration, an existing appointment, a report, another place).
  it.each<[string, string]>([
    ["¿Cuánto tiempo dura la limpieza?", "BELOW_THRESHOLD"],
    ["¿Cuánto demora el blanqueamiento?", "BELOW_THRESHOLD"],
    ["Voy a llegar tarde a mi cita", "BELOW_THRESHOLD"],
    ["¿Me confirman la cita de mañana?", "BELOW_THRESHOLD"],
    ["¿A qué hora es mi cita?", "BELOW_THRESHOLD"],
    ["Ya pagué por transferencia, le envío el comprobante", "REPORT"],
    ["Estoy en el parqueadero", "REPORT"],
    ["horario de la farmacia de al lado", "OTHER_PLACE"],
    ["¿Dónde queda el laboratorio para la radiografía?", "OTHER_PLACE"],
    ["¿Cuánto cuesta el parqueadero del centro comercial?", "OTHER_PLACE"],
  ])("%s → left to staff (%s)", (text, why) => {
    expect(readPatientQuestion(k, text, "es")).toMatchObject({ kind: "NONE", why });
  });

  it("answers only at or above the threshold it is given", () => {
    const r = readPatientQuestion(k, "trabajan con confiamed", "es"); // insurer (1) against "trabajan" as hours (0.4)
    expect(r).toMatchObject({ kind: "TOPIC", topic: "INSURANCE", confidence: 0.8 });
    expect(readPatientQuestion(k, "trabajan con confiamed", "es", { threshold: 0.9 })).toMatchObject({ kind: "NONE", why: "BELOW_THRESHOLD" });
  });

  it("leaves a topic to staff when the practice's knowledge says nothing about it", () => {
    const empty = emptyKnowledge("America/Guayaquil");
    expect(readPatientQuestion(empty, "¿Tienen parqueadero?", "es")).toMatchObject({ kind: "NONE", why: "NO_FACTS" });
  });

  it("matches the practice's own questions and answers", () => {
    const withFaq = {
      ...k,
      faqs: [{ question: { es: "¿Tienen wifi para los pacientes?", en: "Is there wifi for patients?" }, answer: { es: "Sí, la clave está en recepción.", en: "Yes, ask reception for the password." } }],
    };
    const r = readPatientQuestion(withFaq, "hay wifi para pacientes?", "es");
    expect(r).toMatchObject({ kind: "TOPIC", topic: "FAQ", faq: 0 });
    expect(renderAnswer(withFaq, r, "en")).toBe("Yes, ask reception for the password.");
    expect(readPatientQuestion(k, "hay wifi para pacientes?", "es")).toMatchObject({ kind: "NONE" });
  });
});

describe("renderAnswer", () => {
  it("renders the hours from the knowledge in the patient's language, doctors and holidays included", () => {
    const r = readPatientQuestion(k, "¿A qué hora abren?", "es");
    expect(renderAnswer(k, r, "es")).toBe(
      [
        "Nuestro horario de atención:",
        "Lunes a viernes: 08:00–18:00",
        "Sábado: 09:00–13:00",
        "Cerrado: domingo.",
        "Feriados: cerrado.",
        "Dra. Lucía Paredes atiende: lunes, miércoles y viernes 08:00–18:00.",
        "Dr. Andrés Vera atiende: martes y jueves 08:00–18:00; sábado 09:00–13:00.",
      ].join("\n"),
    );
    expect(renderAnswer(k, r, "en")).toContain("Monday to Friday: 08:00–18:00\nSaturday: 09:00–13:00\nClosed: Sunday.");
  });

  it("uses the owner's text in the patient's language, or the other one when only that was written", () => {
    const bilingual = { ...k, parking: { es: "Hay parqueadero en el subsuelo.", en: "Parking in the basement." } };
    const r = readPatientQuestion(bilingual, "Is there parking?", "en");
    expect(renderAnswer(bilingual, r, "en")).toBe("Parking:\nParking in the basement.");
    expect(renderAnswer(bilingual, r, "es")).toBe("Parqueadero:\nHay parqueadero en el subsuelo.");
    expect(renderAnswer(k, r, "en")).toBe(`Parking:\n${k.parking.es}`);
  });

  it("lists only priced services in a price answer, and the map link with the address", () => {
    expect(renderAnswer(k, readPatientQuestion(k, "precios", "es"), "es")).toMatch(/^Nuestros precios:\n• Consulta de valoración: USD 25\n/);
    expect(renderAnswer(k, readPatientQuestion(k, "precios", "es"), "es")).not.toContain("Implantes");
    expect(renderAnswer(k, readPatientQuestion(k, "¿Dónde quedan?", "en"), "en")).toBe(`Our address:\n${k.address}\nMap: ${k.mapUrl}`);
  });

  it("gives no text for a hand-off or NONE", () => {
    expect(renderAnswer(k, readPatientQuestion(k, "No para de sangrar", "es"), "es")).toBeNull();
    expect(renderAnswer(k, readPatientQuestion(k, "Hola", "es"), "es")).toBeNull();
  });
});
