/**
 * Wall-clock time in an IANA time zone: what the local clock reads at an instant (Intl), and
 * the instants at which it reads a given time (croner, through cron.ts). The one reading of
 * local time for the reminders (due times, quiet hours, streak days) and the life coach
 * (check-in context, quiet hours, "today"). Pure: the instant is always an argument.
 *
 * A local time that does not exist (spring forward) is the first instant after the gap; one
 * that happens twice (fall back) is its first pass — croner's fixed-time rule, as for due
 * times (cron.ts), so every rule that turns a clock reading into an instant agrees.
 */
import type { Cron } from 'croner';
import { compileCron } from './cron.js';

export type DayPart = 'night' | 'morning' | 'afternoon' | 'evening';

/** What the local clock and calendar read at an instant. */
export interface LocalTime {
  /** `HH:MM`, 24 h. */
  time: string;
  /** Minutes after local midnight (0‥1439). */
  minute: number;
  /** `Monday` … `Sunday`. */
  weekday: string;
  /** `YYYY-MM-DD`, the local calendar date. */
  date: string;
  dayPart: DayPart;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'long',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** 05:00–12:00 morning, 12:00–17:00 afternoon, 17:00–22:00 evening, else night (minutes after midnight). */
export function dayPartOf(minute: number): DayPart {
  if (minute >= 300 && minute < 720) return 'morning';
  if (minute >= 720 && minute < 1020) return 'afternoon';
  if (minute >= 1020 && minute < 1320) return 'evening';
  return 'night';
}

/** The local clock and calendar at t (epoch ms) in the zone. Throws RangeError for an unknown zone. */
export function localTime(t: number, timezone: string): LocalTime {
  const p: Record<string, string> = {};
  for (const part of formatter(timezone).formatToParts(new Date(t))) p[part.type] = part.value;
  const minute = Number(p.hour) * 60 + Number(p.minute);
  return {
    time: `${p.hour}:${p.minute}`,
    minute,
    weekday: p.weekday!,
    date: `${p.year}-${p.month}-${p.day}`,
    dayPart: dayPartOf(minute),
  };
}

/** Minutes after local midnight at t in the zone (0‥1439). */
export function minuteOfDay(t: number, timezone: string): number {
  return localTime(t, timezone).minute;
}

/** The local calendar date at t in the zone, as `YYYY-MM-DD`. */
export function localDate(t: number, timezone: string): string {
  return localTime(t, timezone).date;
}

const midnight = (timezone: string): Cron => compileCron('0 0 * * *', timezone);
const atMinute = (minute: number, timezone: string): Cron => compileCron(`${minute % 60} ${Math.floor(minute / 60)} * * *`, timezone);

/** The instant the local day containing t started (DST-correct: a day may be 23 or 25 h long). */
export function startOfLocalDay(t: number, timezone: string): number {
  return midnight(timezone)
    .previousRuns(1, new Date(t + 1))[0]!
    .getTime();
}

/** The instant the local day after the one containing t starts. */
export function startOfNextLocalDay(t: number, timezone: string): number {
  return midnight(timezone).nextRun(new Date(t))!.getTime();
}

/** The next instant strictly after t at which the local clock reads `minute` minutes after midnight. */
export function nextLocalMinute(t: number, minute: number, timezone: string): number {
  return atMinute(minute, timezone).nextRun(new Date(t))!.getTime();
}

/** The last instant at or before t at which the local clock read `minute` minutes after midnight. */
export function previousLocalMinute(t: number, minute: number, timezone: string): number {
  // previousRuns looks strictly before its reference; +1 ms makes it "at or before t".
  return atMinute(minute, timezone)
    .previousRuns(1, new Date(t + 1))[0]!
    .getTime();
}
