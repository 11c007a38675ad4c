/**
 * When a routine is due: its occurrences as instants (ms since the epoch), computed in the
 * routine's time zone. Pure: the current time is always an argument.
 *
 * Daily times and cron expressions go through one evaluator (croner), so both follow the
 * same DST rules, the ones Vixie cron uses for fixed-time jobs:
 * - a time that does not exist (spring forward, e.g. 01:30 in Europe/London on the last
 *   Sunday of March) falls due at the first valid instant after the gap;
 * - a time that happens twice (fall back) falls due once, at its first occurrence;
 * - a job with a wildcard or step in its minute or hour field (`*\/30 * * * *`) runs on real
 *   elapsed time instead: it skips the gap and runs on both passes of the repeated hour.
 */
import { compileCron as compile, dailyCron } from '../../../config/cron.js';
import type { Routine } from '../../../config/hearth-config.js';

/** One occurrence of a routine: due at `start`, missed if still pending at `end`. */
export interface Occurrence {
  start: number;
  end: number;
}

export interface Schedule {
  readonly timezone: string;
  /** Seconds after `start` during which the routine can still be done. */
  readonly windowSeconds: number;
  /** First due instant strictly after `t`. */
  next(t: number): number | undefined;
  /** Last due instant at or before `t`. */
  previous(t: number): number | undefined;
}

export interface OccurrenceAt {
  /** Last due instant at or before t. */
  previous?: number;
  /** First due instant strictly after t. */
  next?: number;
  /** The occurrence whose window contains t (the latest one when windows overlap). */
  active?: Occurrence;
}

/** The cron expressions a routine's `due` stands for. */
export function duePatterns(due: Routine['due']): string[] {
  return 'daily' in due ? [...new Set(due.daily)].map(dailyCron) : [due.cron];
}

export function createSchedule(patterns: readonly string[], timezone: string, windowSeconds: number): Schedule {
  if (patterns.length === 0) throw new Error('a schedule needs at least one pattern');
  const crons = patterns.map((p) => compile(p, timezone));
  return {
    timezone,
    windowSeconds,
    next(t) {
      let best: number | undefined;
      for (const cron of crons) {
        const at = cron.nextRun(new Date(t))?.getTime();
        if (at !== undefined && (best === undefined || at < best)) best = at;
      }
      return best;
    },
    previous(t) {
      let best: number | undefined;
      // previousRuns looks strictly before its reference; +1 ms makes it "at or before t".
      for (const cron of crons) {
        const at = cron.previousRuns(1, new Date(t + 1))[0]?.getTime();
        if (at !== undefined && (best === undefined || at > best)) best = at;
      }
      return best;
    },
  };
}

/** The schedule of a routine in its own time zone, or the household's. */
export function scheduleOf(routine: Pick<Routine, 'due' | 'window' | 'timezone'>, householdTimezone: string): Schedule {
  return createSchedule(duePatterns(routine.due), routine.timezone ?? householdTimezone, routine.window);
}

/** Previous and next due instants around t, and the occurrence whose window contains t. */
export function occurrenceAt(schedule: Schedule, t: number): OccurrenceAt {
  const previous = schedule.previous(t);
  const next = schedule.next(t);
  const out: OccurrenceAt = {};
  if (previous !== undefined) {
    out.previous = previous;
    const end = previous + schedule.windowSeconds * 1000;
    if (t < end) out.active = { start: previous, end };
  }
  if (next !== undefined) out.next = next;
  return out;
}
