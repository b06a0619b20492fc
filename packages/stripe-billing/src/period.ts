// Calendar arithmetic of monthly periods in UTC, anchored on a start instant: a period that starts on
// the 31st starts on the last day of shorter months and on the 31st again when the month has one.

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** `anchor` moved `months` calendar months, day clamped to the month's length, time of day kept. */
export function addMonths(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return new Date(Date.UTC(targetYear, targetMonth, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds()));
}

/** The start of the period containing `at` for a chain anchored at `anchor` (≤ at). */
export function periodIndexAt(anchor: Date, at: Date): number {
  let n = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (at.getUTCMonth() - anchor.getUTCMonth());
  if (n < 0) return 0;
  while (n > 0 && addMonths(anchor, n) > at) n--;
  while (addMonths(anchor, n + 1) <= at) n++;
  return n;
}
