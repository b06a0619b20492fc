import { type QuietHours, shiftOutOfQuietHours } from "./quiet-hours.ts";

export const DEFAULT_HOURS_AFTER_APPOINTMENT = 2;
export const DEFAULT_MAX_APPOINTMENT_AGE_DAYS = 7;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface InitialSendTimeInput {
  appointmentAt: Date;
  /** Campaign's scheduledHoursAfter: hours of elapsed time, not wall-clock hours. */
  hoursAfter: number;
  tz: string;
  quiet: QuietHours | null;
  now: Date;
  maxAgeDays?: number;
}

export type InitialSendTime = { sendAt: Date } | { skip: "APPOINTMENT_TOO_OLD" };

/**
 * When the rating request goes out (SPEC §5.3): appointment + hoursAfter, never in the past (an
 * upload after that moment sends at once), moved out of quiet hours. An appointment more than
 * `maxAgeDays` ago is skipped: a request a week late reads as spam and rates a visit nobody remembers.
 */
export function initialSendTime(input: InitialSendTimeInput): InitialSendTime {
  const { appointmentAt, hoursAfter, tz, quiet, now } = input;
  const maxAgeDays = input.maxAgeDays ?? DEFAULT_MAX_APPOINTMENT_AGE_DAYS;
  if (!Number.isFinite(hoursAfter) || hoursAfter < 0) throw new RangeError(`hoursAfter must be ≥ 0, got ${hoursAfter}`);
  if (now.getTime() - appointmentAt.getTime() > maxAgeDays * DAY_MS) return { skip: "APPOINTMENT_TOO_OLD" };
  const due = Math.max(appointmentAt.getTime() + hoursAfter * HOUR_MS, now.getTime());
  return { sendAt: shiftOutOfQuietHours(new Date(due), tz, quiet) };
}
