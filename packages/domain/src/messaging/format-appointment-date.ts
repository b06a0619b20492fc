import { DateTime } from "luxon";

/**
 * The appointment time as patients read it, in the practice's zone: "lunes 23 de noviembre, 10:30".
 * Spanish gets an explicit pattern (Intl adds a comma after the weekday and varies by ICU version);
 * other locales use Intl's own long form.
 */
export function formatAppointmentDate(date: Date, tz: string, locale = "es-EC"): string {
  const local = DateTime.fromJSDate(date, { zone: tz }).setLocale(locale);
  if (!local.isValid) throw new RangeError(`Invalid time zone or date: ${tz}`);
  if (locale.toLowerCase().startsWith("es")) return local.toFormat("cccc d 'de' LLLL, HH:mm");
  return local.toLocaleString({ weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
}
