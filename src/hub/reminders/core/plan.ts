/** A routine from the config resolved against the household, as the state machine uses it. */
import type { Routine } from '../../../config/hearth-config.js';
import type { QuietHours } from '../../../config/quiet-hours.js';
import { scheduleOf, type Schedule } from './schedule.js';

/** A routine resolved against the household: durations in ms, zone and quiet hours settled. */
export interface RoutinePlan {
  id: string;
  title: string;
  person?: string;
  timezone: string;
  schedule: Schedule;
  windowMs: number;
  nagEveryMs: number;
  /** Undefined: never goes to the phone. 0: straight to the phone. */
  escalateAfterMs?: number;
  snoozeMs: number;
  /**
   * Done early: an acknowledgement (press, phone, API) this long before the next occurrence,
   * with nothing pending, is for that occurrence (ms; 0: never).
   */
  earlyMs: number;
  quietHours?: QuietHours;
  /**
   * Why the routine's schedule cannot be evaluated (the config check refuses such a routine;
   * this keeps a hub running on one that slipped through): it then never falls due by itself,
   * only by hand, and every other routine runs on.
   */
  scheduleError?: string;
}

export interface Household {
  timezone: string;
  quiet_hours?: QuietHours;
  /** The household's default lead for "done early" (seconds), for routines that set none. */
  early?: number;
}

/** Default lead of "done early" (seconds): a press up to an hour before the due time counts for it. */
export const DEFAULT_EARLY_SECONDS = 3600;

/** A schedule with no occurrence (a routine whose own schedule cannot be evaluated). */
export function neverSchedule(timezone: string, windowSeconds: number): Schedule {
  return { timezone, windowSeconds, next: () => undefined, previous: () => undefined };
}

/**
 * The routine's plan. Never throws for its schedule: a `due` that croner cannot parse or
 * evaluate gives a plan with `scheduleError` set and a schedule that never fires.
 */
export function planRoutine(routine: Routine, household: Household): RoutinePlan {
  const timezone = routine.timezone ?? household.timezone;
  let schedule: Schedule;
  let scheduleError: string | undefined;
  try {
    schedule = scheduleOf(routine, household.timezone);
    // Evaluate once: a pattern can parse and still throw when asked for its next run. One
    // that never fires (`0 9 30 2 *`) costs croner a long search on every question: answer
    // "never" at once instead (its patterns have no year, so none after 1970 is none at all).
    if (schedule.next(0) === undefined) schedule = neverSchedule(timezone, routine.window);
  } catch (err) {
    scheduleError = err instanceof Error ? err.message : String(err);
    schedule = neverSchedule(timezone, routine.window);
  }
  const plan: RoutinePlan = {
    id: routine.id,
    title: routine.title,
    timezone,
    schedule,
    windowMs: routine.window * 1000,
    nagEveryMs: Math.max(1, routine.nag_every) * 1000,
    snoozeMs: routine.snooze * 1000,
    // `early` is read when the config carries it (routine, then household), else the default.
    earlyMs: (routine.early ?? household.early ?? DEFAULT_EARLY_SECONDS) * 1000,
  };
  if (scheduleError !== undefined) plan.scheduleError = scheduleError;
  if (routine.person !== undefined) plan.person = routine.person;
  if (routine.escalate_after !== undefined) plan.escalateAfterMs = routine.escalate_after * 1000;
  const quiet = routine.quiet_hours ?? household.quiet_hours;
  if (quiet) plan.quietHours = quiet;
  return plan;
}
