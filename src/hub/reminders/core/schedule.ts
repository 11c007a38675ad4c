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
import type { Cron } from 'croner';
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

// ---------------------------------------------------------------------------------------
// Wall-clock helpers in a time zone (used by quiet hours and streaks).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

function parts(t: number, timezone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(new Date(t))) out[p.type] = p.value;
  return out;
}

/** Minutes after local midnight at t in the zone (0‥1439). */
export function minuteOfDay(t: number, timezone: string): number {
  const p = parts(t, timezone);
  return Number(p.hour) * 60 + Number(p.minute);
}

/** The local calendar date at t in the zone, as `YYYY-MM-DD`. */
export function localDate(t: number, timezone: string): string {
  const p = parts(t, timezone);
  return `${p.year}-${p.month}-${p.day}`;
}

const midnight = (timezone: string): Cron => compile('0 0 * * *', timezone);

/** The instant the local day containing t started (DST-correct). */
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
  return compile(`${minute % 60} ${Math.floor(minute / 60)} * * *`, timezone)
    .nextRun(new Date(t))!
    .getTime();
}

/** The last instant at or before t at which the local clock read `minute` minutes after midnight. */
export function previousLocalMinute(t: number, minute: number, timezone: string): number {
  return compile(`${minute % 60} ${Math.floor(minute / 60)} * * *`, timezone)
    .previousRuns(1, new Date(t + 1))[0]!
    .getTime();
}
