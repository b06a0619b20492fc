/**
 * A date and time as staff type them ("2026-12-07", "09:30") in the practice's time zone, as an
 * instant (SPEC §14: a broadcast is scheduled in the practice's zone). Null when either part is not a
 * real date or time there (a typo, or a time skipped by a clock change).
 */
import { DateTime } from "luxon";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function localDateTimeToInstant(date: string, time: string, timeZone: string): Date | null {
  if (!DATE.test(date) || !TIME.test(time)) return null;
  const local = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  if (!local.isValid) return null;
  // luxon moves a time inside a DST gap forward; such a time does not exist in that zone.
  if (local.toFormat("yyyy-MM-dd HH:mm") !== `${date} ${time}`) return null;
  return local.toJSDate();
}

/** The instant as the practice reads it: { date: "YYYY-MM-DD", time: "HH:MM" } in its zone. */
export function instantToLocalDateTime(instant: Date, timeZone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  return { date: local.toFormat("yyyy-MM-dd"), time: local.toFormat("HH:mm") };
}
