/**
 * A forgiving streak: done on N of the last 7 days that had an occurrence, plus the last time
 * it was done. Kind rules:
 * - a day counts once its occurrences are settled: done, or the last window of the day has
 *   closed; today, still open and not yet done, does not count against the person;
 * - a skipped day (skipped, not done) is left out, as if the routine had not been due;
 * - a day with a `done` but no scheduled occurrence (made due by hand) counts as done.
 * Pure over the records and the schedule.
 */
import { localDate, startOfLocalDay, startOfNextLocalDay, type Schedule } from './schedule.js';

export interface StreakRecord {
  kind: string;
  at: number;
}

export interface StreakDay {
  date: string;
  done: boolean;
}

export interface Streak {
  /** Days done among `of`. */
  done: number;
  /** Settled occurrence days looked at (at most `days`). */
  of: number;
  days: number;
  lastDone?: number;
  /** The days looked at, newest first. */
  history: StreakDay[];
}

export interface StreakOptions {
  days?: number;
  /** How far back to look for occurrence days (weekly routines need weeks). */
  lookbackDays?: number;
}

export function streak(records: readonly StreakRecord[], schedule: Schedule, now: number, options: StreakOptions = {}): Streak {
  const days = options.days ?? 7;
  const lookback = options.lookbackDays ?? 120;
  const tz = schedule.timezone;
  const windowMs = schedule.windowSeconds * 1000;

  const doneDays = new Set<string>();
  const skippedDays = new Set<string>();
  let lastDone: number | undefined;
  for (const r of records) {
    if (r.at > now) continue;
    if (r.kind === 'done') {
      doneDays.add(localDate(r.at, tz));
      if (lastDone === undefined || r.at > lastDone) lastDone = r.at;
    } else if (r.kind === 'skip') {
      skippedDays.add(localDate(r.at, tz));
    }
  }

  const history: StreakDay[] = [];
  let dayStart = startOfLocalDay(now, tz);
  let dayEnd = now;
  for (let i = 0; i < lookback && history.length < days; i++) {
    const date = localDate(dayStart, tz);
    const done = doneDays.has(date);
    // Occurrences that start this day (before dayEnd, which is `now` for today).
    const first = schedule.next(dayStart - 1);
    const scheduled = first !== undefined && first < dayEnd;
    const lastStart = scheduled ? schedule.previous(dayEnd) : undefined;
    const laterToday = i === 0 && (schedule.next(now) ?? Infinity) < startOfNextLocalDay(now, tz);
    const settled = done || (lastStart !== undefined && lastStart + windowMs <= now && !laterToday);
    const open = scheduled && !settled;
    if ((scheduled || done) && !open && (done || !skippedDays.has(date))) history.push({ date, done });
    dayEnd = dayStart;
    dayStart = startOfLocalDay(dayStart - 1, tz);
  }
  const out: Streak = { done: history.filter((d) => d.done).length, of: history.length, days, history };
  if (lastDone !== undefined) out.lastDone = lastDone;
  return out;
}
