// Is the practice open now, and is an away message due (SPEC §16)? Pure: "now" and the time of the
// thread's last away message are passed in by the caller, which keeps that timestamp on the thread.
import { createMsg } from "@rm/catalogue";
import { DateTime } from "luxon";
import type { Interval, Language, PracticeKnowledge } from "./knowledge.ts";

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function intervalsOn(k: PracticeKnowledge, local: DateTime): Interval[] {
  if (k.holidays.includes(local.toISODate() ?? "")) return [];
  return k.hours[String(local.weekday) as keyof PracticeKnowledge["hours"]] ?? [];
}

function localTime(k: PracticeKnowledge, at: Date): DateTime {
  const local = DateTime.fromJSDate(at, { zone: k.timezone });
  // An unknown zone (never accepted by the editor, but the caller must not crash): the practice's country is
  // unknown too, so read the hours in UTC rather than refusing.
  return local.isValid ? local : DateTime.fromJSDate(at, { zone: "UTC" });
}

/** Whether the practice is open at `at`: its weekly hours in its own time zone, closed on its holidays. */
export function isOpenAt(k: PracticeKnowledge, at: Date): boolean {
  const local = localTime(k, at);
  const now = local.hour * 60 + local.minute;
  return intervalsOn(k, local).some((i) => minutes(i.from) <= now && now < minutes(i.to));
}

/** The next time the practice opens after `at` (within two weeks), in its time zone; null when it never opens. */
export function nextOpening(k: PracticeKnowledge, at: Date): DateTime | null {
  const local = localTime(k, at);
  for (let d = 0; d <= 14; d++) {
    const day = local.plus({ days: d }).startOf("day");
    const starts = intervalsOn(k, day)
      .map((i) => day.set({ hour: Math.floor(minutes(i.from) / 60), minute: minutes(i.from) % 60 }))
      .filter((start) => start > local)
      .sort((a, b) => a.toMillis() - b.toMillis());
    if (starts[0]) return starts[0];
  }
  return null;
}

export type AwayDecision =
  | { send: false; why: "OPEN" | "SENT_RECENTLY" }
  | { send: true; text: string; nextOpening: Date | null };

export interface AwayInput {
  knowledge: PracticeKnowledge;
  now: Date;
  /** When this thread last got an away message (the caller stores it on the thread), or null. */
  lastAwayAt: Date | null;
  language: Language;
  practiceName: string;
}

/**
 * The away-message rule: outside opening hours (holidays included, practice time zone), at most once per
 * thread within the knowledge's `awayIntervalHours`. Returns the text in the patient's language when due.
 */
export function awayMessage(input: AwayInput): AwayDecision {
  const { knowledge: k, now, lastAwayAt, language, practiceName } = input;
  if (isOpenAt(k, now)) return { send: false, why: "OPEN" };
  if (lastAwayAt && now.getTime() - lastAwayAt.getTime() < k.awayIntervalHours * 3_600_000) return { send: false, why: "SENT_RECENTLY" };
  const msg = createMsg(language);
  const next = nextOpening(k, now);
  if (!next) return { send: true, text: msg("assistant.away.noHours", { practice: practiceName }), nextOpening: null };
  const today = localTime(k, now).startOf("day");
  const days = Math.round(next.startOf("day").diff(today, "days").days);
  return {
    send: true,
    text: msg("assistant.away", {
      practice: practiceName,
      day: next.weekday,
      time: next.toFormat("HH:mm"),
      today: days === 0 ? "today" : days === 1 ? "tomorrow" : "other",
    }),
    nextOpening: next.toJSDate(),
  };
}
