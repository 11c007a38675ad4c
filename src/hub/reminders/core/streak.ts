/**
 * A forgiving streak: done on N of the last 7 days that had an occurrence, plus the last time
 * it was done. Kind rules:
 * - a day counts once its occurrences are settled: done, or the last window of the day has
 *   closed; today, still open and not yet done, does not count against the person;
 * - a skipped day (skipped, not done) is left out, as if the routine had not been due;
 * - a day with a `done` but no scheduled occurrence (made due by hand) counts as done;
 * - a done or skip belongs to the local day of the occurrence it acknowledged (its
 *   `occurrence` start), not of the moment the person acted: Monday 23:30 done at 00:10 is
 *   Monday's. Records without one (older rows) fall back to their own time.
 * Pure over the records and the schedule.
 */
import { localDate, startOfLocalDay, startOfNextLocalDay } from '../../../config/wall-clock.js';
import type { Schedule } from './schedule.js';

export interface StreakRecord {
  kind: string;
  at: number;
  /** Start of the occurrence acknowledged (epoch ms); its local day is the record's day. */
  occurrence?: number | null;
}

/** The instant whose local date a record counts for. */
const dayInstant = (r: StreakRecord): number => r.occurrence ?? r.at;

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
      doneDays.add(localDate(dayInstant(r), tz));
      if (lastDone === undefined || r.at > lastDone) lastDone = r.at;
    } else if (r.kind === 'skip') {
      skippedDays.add(localDate(dayInstant(r), tz));
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

/**
 * A schedule whose `next`/`previous` answers are remembered: the streak asks the same
 * day-boundary instants on every call of a day (only `now`-based questions are new), so a
 * recomputation costs a handful of cron evaluations instead of a few per looked-back day.
 */
export function memoizedSchedule(schedule: Schedule, maxEntries = 4096): Schedule {
  const next = new Map<number, number | undefined>();
  const previous = new Map<number, number | undefined>();
  const memo = (cache: Map<number, number | undefined>, t: number, compute: (t: number) => number | undefined) => {
    if (cache.has(t)) return cache.get(t);
    if (cache.size >= maxEntries) cache.clear();
    const value = compute(t);
    cache.set(t, value);
    return value;
  };
  return {
    timezone: schedule.timezone,
    windowSeconds: schedule.windowSeconds,
    next: (t) => memo(next, t, (x) => schedule.next(x)),
    previous: (t) => memo(previous, t, (x) => schedule.previous(x)),
  };
}

/**
 * The first instant after `now` at which `streak(records, schedule, ·)` can answer differently
 * (records unchanged): the next local midnight, the next occurrence start (today's "scheduled"
 * and "later today"), the end of the earliest window still open (a day becomes settled), or a
 * record dated in the future coming into view. Until then a computed streak can be reused.
 */
export function streakValidUntil(records: readonly StreakRecord[], schedule: Schedule, now: number): number {
  let until = startOfNextLocalDay(now, schedule.timezone);
  const next = schedule.next(now);
  if (next !== undefined) until = Math.min(until, next);
  const windowMs = schedule.windowSeconds * 1000;
  // Every occurrence started at or before now with a window still open started after now − window.
  const open = schedule.next(now - windowMs);
  if (open !== undefined && open <= now) until = Math.min(until, open + windowMs);
  for (const r of records) if (r.at > now) until = Math.min(until, r.at);
  return until;
}

export interface StreakCache {
  /**
   * The streak at `now`; `records` is called only when the cached one is stale: `version`
   * changed (a done or skip was written) or `now` reached the instant it could change.
   */
  get(version: number, now: number, records: () => readonly StreakRecord[]): Streak;
}

/** A per-routine cache of `streak()` (see `streakValidUntil`), over a memoized schedule. */
export function createStreakCache(schedule: Schedule, options: StreakOptions = {}): StreakCache {
  const memo = memoizedSchedule(schedule);
  let cached: { version: number; from: number; until: number; value: Streak } | undefined;
  return {
    get(version, now, records) {
      if (cached && cached.version === version && now >= cached.from && now < cached.until) return cached.value;
      const rows = records();
      const value = streak(rows, memo, now, options);
      cached = { version, from: now, until: streakValidUntil(rows, memo, now), value };
      return value;
    },
  };
}
