// The demo practice's knowledge (`npm start`, `npm run db:seed`): a fictional practice in Quito, in both
// languages, so the reader and the knowledge page show something real from the first minute.
import type { PracticeKnowledge } from "./knowledge.ts";

const day = (from: string, to: string) => [{ from, to }];

export function demoKnowledge(timezone = "America/Guayaquil"): PracticeKnowledge {
  const weekday = [
    { from: "08:30", to: "13:00" },
    { from: "14:30", to: "19:00" },
  ];
  return {
    timezone,
    hours: { "1": weekday, "2": weekday, "3": weekday, "4": weekday, "5": weekday, "6": day("09:00", "13:00") },
    holidays: ["2026-12-25", "2027-01-01", "2027-02-15", "2027-02-16", "2027-04-02"],
    doctors: [{ name: "Dra. Ana Ríos", hours: { "1": weekday, "3": weekday, "5": weekday } }],
    hoursNote: { es: "Las urgencias de pacientes en tratamiento se atienden también el sábado.", en: "Emergencies of patients in treatment are also seen on Saturdays." },
    address: "Av. Amazonas N24-03 y Colón, edificio Torres del Norte, piso 2, Quito",
    mapUrl: "https://www.openstreetmap.org/?mlat=-0.2036&mlon=-78.4906#map=18/-0.2036/-78.4906",
    locationNote: { es: "Frente a la parada Colón del Trolebús.", en: "Opposite the Colón trolleybus stop." },
    services: [
      { name: { es: "Consulta y valoración", en: "Consultation and assessment" }, aliases: [], price: "USD 25" },
      { name: { es: "Limpieza dental", en: "Dental cleaning" }, aliases: ["profilaxis"], price: "USD 35" },
      { name: { es: "Blanqueamiento", en: "Whitening" }, aliases: [], price: "USD 170" },
      { name: { es: "Extracción simple", en: "Simple extraction" }, aliases: [], price: "desde USD 40" },
      { name: { es: "Ortodoncia", en: "Orthodontics" }, aliases: ["brackets"], price: "desde USD 1.100" },
      { name: { es: "Odontopediatría", en: "Children's dentistry" }, aliases: ["niños"], price: "" },
      { name: { es: "Implantes", en: "Implants" }, aliases: [], price: "" },
    ],
    priceNote: { es: "El precio final se confirma en la valoración.", en: "The final price is confirmed at the assessment." },
    insurance: {
      es: "Trabajamos con Salud S.A. y BMI por reembolso; no tenemos convenio con el IESS.",
      en: "We work with Salud S.A. and BMI by reimbursement; we have no agreement with IESS.",
    },
    insurers: ["Salud S.A.", "BMI"],
    booking: {
      es: "Responda con el día y la hora que prefiere y el nombre del paciente; recepción le confirma la cita.",
      en: "Reply with the day and time you prefer and the patient's name; reception will confirm the appointment.",
    },
    payment: { es: "Efectivo, tarjetas de débito y crédito, transferencia y Deuna.", en: "Cash, debit and credit cards, bank transfer and Deuna." },
    parking: { es: "Parqueadero del edificio, la primera hora gratis con el ticket sellado.", en: "Building car park, first hour free with the ticket stamped at reception." },
    faqs: [
      {
        question: { es: "¿Tienen wifi para los pacientes?", en: "Is there wifi for patients?" },
        answer: { es: "Sí, la clave está en recepción.", en: "Yes, ask reception for the password." },
      },
    ],
    awayIntervalHours: 12,
  };
}
