// The answer text of a reading (SPEC §16), rendered from the knowledge entry in the patient's language:
// the owner's texts (Spanish or English, falling back to the other) framed by catalogue texts.
import { createMsg, type Msg } from "@rm/catalogue";
import type { Language, PracticeKnowledge, WeeklyHours } from "./knowledge.ts";
import { pick, WEEKDAYS } from "./knowledge.ts";
import type { Reading } from "./reader/read-question.ts";

/** The text to send for a TOPIC reading; null for any other reading or a topic with nothing to say. */
export function renderAnswer(k: PracticeKnowledge, reading: Reading, language: Language): string | null {
  if (reading.kind !== "TOPIC") return null;
  const msg = createMsg(language);
  const lines = (title: string, body: (string | null | undefined)[]) => {
    const parts = body.map((b) => b?.trim()).filter(Boolean);
    return parts.length ? [title, ...parts].join("\n") : null;
  };
  switch (reading.topic) {
    case "HOURS":
      return lines(msg("assistant.answer.hours.title"), [
        ...weekLines(msg, k.hours),
        k.holidays.length ? msg("assistant.answer.hours.holidays") : null,
        ...k.doctors.map((d) => msg("assistant.answer.hours.doctor", { name: d.name, days: dayList(msg, d.hours) })),
        pick(k.hoursNote, language),
      ]);
    case "LOCATION":
      return lines(msg("assistant.answer.location.title"), [
        k.address,
        k.mapUrl ? msg("assistant.answer.location.map", { url: k.mapUrl }) : null,
        pick(k.locationNote, language),
      ]);
    case "PRICE":
      return lines(msg("assistant.answer.price.title"), [
        ...k.services.filter((s) => s.price.trim()).map((s) => `• ${pick(s.name, language)}: ${s.price}`),
        pick(k.priceNote, language),
      ]);
    case "SERVICES":
      return lines(msg("assistant.answer.services.title"), k.services.map((s) => `• ${pick(s.name, language)}`));
    case "INSURANCE":
      return lines(msg("assistant.answer.insurance.title"), [pick(k.insurance, language)]);
    case "BOOKING":
      return lines(msg("assistant.answer.booking.title"), [pick(k.booking, language)]);
    case "PAYMENT":
      return lines(msg("assistant.answer.payment.title"), [pick(k.payment, language)]);
    case "PARKING":
      return lines(msg("assistant.answer.parking.title"), [pick(k.parking, language)]);
    case "FAQ": {
      const faq = reading.faq === undefined ? undefined : k.faqs[reading.faq];
      return faq ? pick(faq.answer, language) || null : null;
    }
  }
}

const hoursText = (msg: Msg, intervals: { from: string; to: string }[]) =>
  intervals.map((i) => `${i.from}–${i.to}`).join(msg("assistant.answer.hours.and"));

/** "Lunes a viernes: 08:00–18:00", one line per run of consecutive days with the same hours, then the closed days. */
function weekLines(msg: Msg, hours: WeeklyHours): string[] {
  const key = (d: number) => JSON.stringify(hours[String(d) as keyof WeeklyHours] ?? []);
  const out: string[] = [];
  const closed: number[] = [];
  for (let d = 1; d <= 7; ) {
    const intervals = hours[String(d) as keyof WeeklyHours] ?? [];
    let last = d;
    while (last < 7 && key(last + 1) === key(d)) last++;
    if (intervals.length) out.push(msg("assistant.answer.hours.days", { first: d, last: last === d ? 0 : last, hours: hoursText(msg, intervals) }));
    else for (let c = d; c <= last; c++) closed.push(c);
    d = last + 1;
  }
  if (closed.length && out.length) out.push(msg("assistant.answer.hours.closedDays", { days: closed.map((day) => msg("assistant.day", { day })).join(", ") }));
  return out;
}

/** "lunes, miércoles y viernes 08:00–18:00; sábado 09:00–13:00": days with the same hours together. */
function dayList(msg: Msg, hours: WeeklyHours): string {
  const groups = new Map<string, number[]>();
  for (const d of WEEKDAYS) {
    const intervals = hours[String(d) as keyof WeeklyHours] ?? [];
    if (intervals.length) groups.set(hoursText(msg, intervals), [...(groups.get(hoursText(msg, intervals)) ?? []), d]);
  }
  const and = msg("assistant.answer.hours.and");
  return [...groups]
    .map(([text, days]) => {
      const names = days.map((day) => msg("assistant.day", { day }));
      const list = names.length > 1 ? `${names.slice(0, -1).join(", ")}${and}${names.at(-1)}` : names[0];
      return `${list} ${text}`;
    })
    .join("; ");
}
