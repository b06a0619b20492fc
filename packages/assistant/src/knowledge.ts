// A practice's knowledge (SPEC §16): the facts automatic answers are made of. One JSON document per
// practice; the owner edits it, the reader and the away-message rule read it. Pure: no I/O here.
import { z } from "zod";

/** The knowledge topics an answer can come from (the readings of faq-questions.tsv), plus the practice's own Q&A. */
export const TOPICS = ["HOURS", "LOCATION", "PRICE", "INSURANCE", "BOOKING", "PAYMENT", "PARKING", "SERVICES", "FAQ"] as const;
export type Topic = (typeof TOPICS)[number];

export const LANGUAGES = ["es", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** ISO weekdays as Luxon counts them: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM");

/** An opening interval on one day, local time of the practice; `to` after `from` (no interval crosses midnight). */
export const intervalSchema = z
  .object({ from: hhmm, to: hhmm })
  .refine((i) => i.from < i.to, { message: "from < to" });
export type Interval = z.infer<typeof intervalSchema>;

/** Opening intervals per ISO weekday ("1" … "7"); a day that is absent or empty is closed. */
export const weeklyHoursSchema = z.partialRecord(z.enum(["1", "2", "3", "4", "5", "6", "7"]), z.array(intervalSchema));
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>;

/** A text the owner writes in both languages; an empty English text falls back to the Spanish one. */
export const bilingualSchema = z.object({ es: z.string().max(2000), en: z.string().max(2000) });
export type Bilingual = z.infer<typeof bilingualSchema>;

export const knowledgeSchema = z.object({
  /** IANA zone of the practice, e.g. America/Guayaquil: hours and holidays are in it. */
  timezone: z.string().min(1),
  hours: weeklyHoursSchema,
  /** Days the practice is closed whatever the weekday (YYYY-MM-DD, practice time). */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(200),
  /** Doctors whose days differ from the practice's: their own weekly hours. */
  doctors: z.array(z.object({ name: z.string().min(1).max(120), hours: weeklyHoursSchema })).max(50),
  hoursNote: bilingualSchema,
  address: z.string().max(500),
  mapUrl: z.string().max(500),
  locationNote: bilingualSchema,
  /** Services offered, with a price text ("USD 35", "desde USD 40") or "" when the price is not given. */
  services: z
    .array(z.object({ name: bilingualSchema, aliases: z.array(z.string().max(60)).max(20), price: z.string().max(120) }))
    .max(100),
  priceNote: bilingualSchema,
  insurance: bilingualSchema,
  /** Insurers by name (words patients type: "BMI", "Salud S.A."). */
  insurers: z.array(z.string().min(1).max(80)).max(50),
  booking: bilingualSchema,
  payment: bilingualSchema,
  parking: bilingualSchema,
  faqs: z.array(z.object({ question: bilingualSchema, answer: bilingualSchema })).max(100),
  /** The least time between two away messages in one thread. */
  awayIntervalHours: z.number().int().min(1).max(24 * 14),
});
export type PracticeKnowledge = z.infer<typeof knowledgeSchema>;

const EMPTY_TEXT: Bilingual = { es: "", en: "" };

/** Knowledge of a practice nobody has described yet: always closed, nothing to answer from. */
export function emptyKnowledge(timezone: string): PracticeKnowledge {
  return {
    timezone,
    hours: {},
    holidays: [],
    doctors: [],
    hoursNote: EMPTY_TEXT,
    address: "",
    mapUrl: "",
    locationNote: EMPTY_TEXT,
    services: [],
    priceNote: EMPTY_TEXT,
    insurance: EMPTY_TEXT,
    insurers: [],
    booking: EMPTY_TEXT,
    payment: EMPTY_TEXT,
    parking: EMPTY_TEXT,
    faqs: [],
    awayIntervalHours: 12,
  };
}

/** The text in the patient's language, else the other one (an owner may have written only Spanish). */
export function pick(text: Bilingual, language: Language): string {
  const own = text[language].trim();
  return own || text[language === "es" ? "en" : "es"].trim();
}

/** Whether the knowledge has something to say on a topic: a topic without facts is never answered. */
export function hasFacts(k: PracticeKnowledge, topic: Exclude<Topic, "FAQ">): boolean {
  const filled = (t: Bilingual) => Boolean(t.es.trim() || t.en.trim());
  switch (topic) {
    case "HOURS":
      return Object.values(k.hours).some((d) => d.length > 0) || filled(k.hoursNote);
    case "LOCATION":
      return Boolean(k.address.trim()) || filled(k.locationNote);
    case "PRICE":
      return k.services.some((s) => s.price.trim()) || filled(k.priceNote);
    case "SERVICES":
      return k.services.length > 0;
    case "INSURANCE":
      return filled(k.insurance);
    case "BOOKING":
      return filled(k.booking);
    case "PAYMENT":
      return filled(k.payment);
    case "PARKING":
      return filled(k.parking);
  }
}
