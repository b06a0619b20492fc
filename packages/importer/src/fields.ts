// Cell readers for spreadsheets exported in Ecuador: dates are day-first (never mm/dd), times come as
// "14:30", "2:30 p. m." or "14h30", consent as sí/si/x/1, channel as WhatsApp/SMS. A cell that cannot
// be read gives its reason as a catalogue code (shown in the reader's language).
import { coded, type Coded } from "@rm/catalogue";

export type Channel = "SMS" | "WHATSAPP";

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type DateCell =
  | { ok: true; date: { year: number; month: number; day: number }; time: { hour: number; minute: number; second: number } | null; instant: Date | null }
  | { ok: false; reason: Coded };

export type TimeCell = { ok: true; time: { hour: number; minute: number; second: number } } | { ok: false; reason: Coded };

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

export const DATE_REASON = {
  empty: coded("imports.date.empty"),
  format: coded("imports.date.format"),
  invalid: coded("imports.date.invalid"),
  year: coded("imports.date.year", { min: MIN_YEAR, max: MAX_YEAR }),
  time: coded("imports.time.format"),
} as const satisfies Record<string, Coded>;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

function validDate(year: number, month: number, day: number): Coded | null {
  if (year < MIN_YEAR || year > MAX_YEAR) return DATE_REASON.year;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return DATE_REASON.invalid;
  return null;
}

// 23/11/2026, 23-11-2026, 23.11.2026, 23/11/26, optionally followed by a time.
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[\sT,]+(.+))?$/;
// 2026-11-23, 2026/11/23, optionally with a time; a trailing offset makes it an instant.
const YEAR_FIRST = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[\sT]+(.+))?$/;
const OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
// Excel's serial date (days since 1899-12-30), with an optional fraction of a day.
const SERIAL = /^(\d{4,5})(?:[.,](\d+))?$/;

export function parseTimeText(raw: string): TimeCell {
  const text = raw.trim().toLowerCase().replace(/\s+/g, " ");
  // Excel time as a fraction of a day (0,604166…)
  const fraction = /^0[.,](\d+)$/.exec(text);
  if (fraction) {
    const seconds = Math.round(Number(`0.${fraction[1]}`) * 86_400);
    return { ok: true, time: { hour: Math.floor(seconds / 3600) % 24, minute: Math.floor((seconds % 3600) / 60), second: seconds % 60 } };
  }
  const m = /^(\d{1,2})(?:[:h.](\d{2}))?(?::(\d{2})(?:[.,]\d+)?)?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?\s*(?:h|hrs?|horas)?$/.exec(text);
  if (!m || (m[2] === undefined && m[4] === undefined && !/h/.test(text))) return { ok: false, reason: DATE_REASON.time };
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const second = Number(m[3] ?? 0);
  const meridiem = m[4]?.[0];
  if (meridiem) {
    if (hour < 1 || hour > 12) return { ok: false, reason: DATE_REASON.time };
    if (meridiem === "a" && hour === 12) hour = 0;
    if (meridiem === "p" && hour !== 12) hour += 12;
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: DATE_REASON.time };
  return { ok: true, time: { hour, minute, second } };
}

/** Reads an appointment date cell. Day-first only; ISO year-first; Excel serials. Never throws. */
export function parseDateText(raw: string): DateCell {
  const text = raw.trim().replace(/\s+/g, " ");
  if (text === "") return { ok: false, reason: DATE_REASON.empty };

  let year: number;
  let month: number;
  let day: number;
  let timeText: string | undefined;
  let m = DAY_FIRST.exec(text);
  if (m) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
    if (m[3]!.length === 2) year += year < 70 ? 2000 : 1900;
    timeText = m[4];
  } else if ((m = YEAR_FIRST.exec(text))) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
    timeText = m[4];
    if (timeText && OFFSET.test(timeText)) {
      const invalid = validDate(year, month, day);
      if (invalid) return { ok: false, reason: invalid };
      const instant = new Date(`${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}T${timeText.replace(/\s+/g, "")}`);
      if (Number.isNaN(instant.getTime())) return { ok: false, reason: DATE_REASON.time };
      return { ok: true, date: { year, month, day }, time: null, instant };
    }
  } else if ((m = SERIAL.exec(text))) {
    const serial = Number(m[1]);
    // 1950-01-01 … 2100-12-31 as Excel serials; anything else is not a date.
    if (serial < 18264 || serial > 73415) return { ok: false, reason: DATE_REASON.format };
    const d = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000);
    const frac = m[2] ? Number(`0.${m[2]}`) : 0;
    const seconds = Math.round(frac * 86_400);
    return {
      ok: true,
      date: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
      time: m[2] ? { hour: Math.floor(seconds / 3600) % 24, minute: Math.floor((seconds % 3600) / 60), second: seconds % 60 } : null,
      instant: null,
    };
  } else {
    return { ok: false, reason: DATE_REASON.format };
  }
  const invalid = validDate(year, month, day);
  if (invalid) return { ok: false, reason: invalid };
  let time: { hour: number; minute: number; second: number } | null = null;
  if (timeText !== undefined && timeText.trim() !== "") {
    const t = parseTimeText(timeText);
    if (!t.ok) return { ok: false, reason: t.reason };
    time = t.time;
  }
  return { ok: true, date: { year, month, day }, time, instant: null };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(zone: string, utcMs: number): number {
  let fmt = offsetFormatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(zone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(utcMs))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Wall-clock time in `zone` → instant. Offsets are cached per zone and local hour, so 50,000
 * appointments on a few days cost a handful of Intl calls. In a DST gap the later offset wins.
 */
export function createZonedClock(zone: string): (t: LocalDateTime) => Date {
  const cache = new Map<number, number>();
  return (t) => {
    const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
    const key = Math.floor(wall / 3_600_000);
    let offset = cache.get(key);
    if (offset === undefined) {
      const first = zoneOffsetMs(zone, wall);
      offset = zoneOffsetMs(zone, wall - first);
      cache.set(key, offset);
    }
    return new Date(wall - offset);
  };
}

const YES = new Set(["si", "s", "x", "1", "true", "verdadero", "yes", "y", "ok", "acepta", "acepto", "autoriza", "autorizo", "v", "✓", "✔"]);
const NO = new Set(["", "no", "n", "0", "false", "falso", "-", "no acepta", "no autoriza"]);

export type ConsentCell = { consent: boolean; recognised: boolean };

/** sí/si/x/1/true/yes → consent; empty, no, 0 → none; anything else is not consent (and reported). */
export function parseConsent(raw: string): ConsentCell {
  const text = stripAccents(raw.trim().toLowerCase()).replace(/[.!]+$/, "");
  if (YES.has(text)) return { consent: true, recognised: true };
  if (NO.has(text)) return { consent: false, recognised: true };
  return { consent: false, recognised: false };
}

/**
 * A marketing-consent cell (SPEC §14): the same yes/no words as the consent column, but an empty cell
 * says nothing (null: the contact's marketing consent stays as it is) and "no" withdraws it.
 * Anything else is not read (null) and reported.
 */
export function parseMarketingConsent(raw: string): { marketing: boolean | null; recognised: boolean } {
  const text = stripAccents(raw.trim().toLowerCase()).replace(/[.!]+$/, "");
  if (text === "") return { marketing: null, recognised: true };
  if (YES.has(text)) return { marketing: true, recognised: true };
  if (NO.has(text)) return { marketing: false, recognised: true };
  return { marketing: null, recognised: false };
}

export type ChannelCell = { ok: true; channel: Channel | null } | { ok: false; reason: Coded };

export function parseChannel(raw: string): ChannelCell {
  const text = stripAccents(raw.trim().toLowerCase()).replace(/[\s_.-]+/g, "");
  if (text === "") return { ok: true, channel: null };
  if (["whatsapp", "wa", "wsp", "whatsap", "watsap", "whats", "wpp", "ws"].includes(text)) return { ok: true, channel: "WHATSAPP" };
  if (["sms", "texto", "mensaje", "mensajedetexto", "text"].includes(text)) return { ok: true, channel: "SMS" };
  return { ok: false, reason: coded("imports.row.channel") };
}

export function stripAccents(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}
