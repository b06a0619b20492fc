// The shared corpus's practice (test/fixtures/faq-knowledge.json) in the product's knowledge model. The
// JSON has one Spanish text per topic; the structured fields (hours, services, insurers) are what its texts
// say, typed the way an owner fills in the knowledge page; a topic without structure keeps its text word
// for word. The holidays are Ecuador's national ones of the test period ("feriados cerrado").
import { readFileSync } from "node:fs";
import type { PracticeKnowledge, WeeklyHours } from "../src/knowledge.ts";

export const FAQ_QUESTIONS = new URL("./fixtures/faq-questions.tsv", import.meta.url);
export const FAQ_KNOWLEDGE = new URL("./fixtures/faq-knowledge.json", import.meta.url);

const es = (text: string) => ({ es: text, en: "" });
const week = (days: number[], from: string, to: string): WeeklyHours => Object.fromEntries(days.map((d) => [String(d), [{ from, to }]]));

export function faqKnowledge(): PracticeKnowledge {
  const json = JSON.parse(readFileSync(FAQ_KNOWLEDGE, "utf8")) as Record<string, string>;
  return {
    timezone: json.timezone!,
    hours: { ...week([1, 2, 3, 4, 5], "08:00", "18:00"), ...week([6], "09:00", "13:00") },
    holidays: ["2026-12-25", "2027-01-01", "2027-02-15", "2027-02-16"],
    doctors: [
      { name: "Dra. Lucía Paredes", hours: week([1, 3, 5], "08:00", "18:00") },
      { name: "Dr. Andrés Vera", hours: { ...week([2, 4], "08:00", "18:00"), ...week([6], "09:00", "13:00") } },
    ],
    hoursNote: es(""),
    address: "Av. de los Shyris N35-52 y Portugal, edificio Sirius, piso 3, oficina 302, Quito",
    mapUrl: "https://maps.example/sonrisas-quito-norte",
    locationNote: es(""),
    services: [
      { name: es("Consulta de valoración"), aliases: [], price: "USD 25" },
      { name: es("Limpieza (profilaxis)"), aliases: [], price: "USD 35" },
      { name: es("Blanqueamiento"), aliases: [], price: "USD 180" },
      { name: es("Extracción simple"), aliases: [], price: "desde USD 40" },
      { name: es("Ortodoncia"), aliases: [], price: "desde USD 1.200 (plan en cuotas)" },
      { name: es("Calza (resina)"), aliases: [], price: "desde USD 30" },
      { name: es("Brackets"), aliases: [], price: "desde USD 1.200" },
      { name: es("Odontología general"), aliases: [], price: "" },
      { name: es("Odontopediatría"), aliases: ["niños desde 2 años"], price: "" },
      { name: es("Implantes"), aliases: [], price: "" },
      { name: es("Endodoncia"), aliases: [], price: "" },
      { name: es("Prótesis"), aliases: [], price: "" },
    ],
    priceNote: es("Los precios finales dependen de la valoración."),
    insurance: es(json.INSURANCE!),
    insurers: ["Salud S.A.", "BMI", "Confiamed"],
    booking: es(json.BOOKING!),
    payment: es(json.PAYMENT!),
    parking: es(json.PARKING!),
    faqs: [],
    awayIntervalHours: 12,
  };
}
