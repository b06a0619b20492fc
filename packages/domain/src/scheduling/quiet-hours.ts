/**
 * Quiet hours: a daily window, in the practice's time zone, when no patient message is sent
 * (SPEC §5.3, default 20:00–08:00). The window is [start, end): 20:00 is quiet, 08:00 is not.
 * A window whose start is after its end wraps midnight. `null` turns quiet hours off, and so does a
 * window with start = end (an empty window; "never send" is not a useful setting).
 */
import { DateTime } from "luxon";
import { z } from "zod";

export interface QuietHours {
  /** Local "HH:mm", 24-hour clock. */
  start: string;
  end: string;
}

export const DEFAULT_TIME_ZONE = "America/Guayaquil";
export const DEFAULT_QUIET_HOURS: QuietHours = { start: "20:00", end: "08:00" };

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** For settings forms: "HH:mm" strings, or null for off. */
export const quietHoursSchema = z
  .object({
    start: z.string().regex(HH_MM, "Use HH:mm (00:00–23:59)"),
    end: z.string().regex(HH_MM, "Use HH:mm (00:00–23:59)"),
  })
  .nullable();

function minutesOf(hhmm: string): number {
  const match = HH_MM.exec(hhmm);
  if (!match) throw new RangeError(`Not a HH:mm time: ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function toLocal(instant: Date, timeZone: string): DateTime {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`Invalid time zone or instant: ${timeZone} ${local.invalidExplanation ?? ""}`);
  return local;
}

function minuteOfDay(local: DateTime): number {
  return local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60_000;
}

export function isInQuietHours(instant: Date, timeZone: string, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  const now = minuteOfDay(toLocal(instant, timeZone));
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** The first instant at or after `instant` that is outside the quiet window. */
export function shiftOutOfQuietHours(instant: Date, timeZone: string, quiet: QuietHours | null): Date {
  if (!quiet || !isInQuietHours(instant, timeZone, quiet)) return instant;
  const local = toLocal(instant, timeZone);
  const end = minutesOf(quiet.end);
  // In a wrapping window, the part before midnight ends on the next day.
  const endsTomorrow = minutesOf(quiet.start) > end && minuteOfDay(local) >= end;
  const day = endsTomorrow ? local.plus({ days: 1 }) : local;
  let candidate = day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  // If the end time falls in a DST gap (clocks jump over it), luxon moves it forward by the gap; the
  // window really ends at the jump, so walk back to the first minute after it.
  const sameDay = candidate.toISODate();
  while (true) {
    const previous = candidate.minus({ minutes: 1 });
    if (previous.toISODate() !== sameDay || minuteOfDay(previous) < end) break;
    candidate = previous;
  }
  return candidate.toJSDate();
}
