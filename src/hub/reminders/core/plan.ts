/** A routine from the config resolved against the household, as the state machine uses it. */
import type { Routine } from '../../../config/hearth-config.js';
import type { QuietHours } from './quiet.js';
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
  quietHours?: QuietHours;
}

export interface Household {
  timezone: string;
  quiet_hours?: QuietHours;
}

export function planRoutine(routine: Routine, household: Household): RoutinePlan {
  const timezone = routine.timezone ?? household.timezone;
  const plan: RoutinePlan = {
    id: routine.id,
    title: routine.title,
    timezone,
    schedule: scheduleOf(routine, household.timezone),
    windowMs: routine.window * 1000,
    nagEveryMs: Math.max(1, routine.nag_every) * 1000,
    snoozeMs: routine.snooze * 1000,
  };
  if (routine.person !== undefined) plan.person = routine.person;
  if (routine.escalate_after !== undefined) plan.escalateAfterMs = routine.escalate_after * 1000;
  const quiet = routine.quiet_hours ?? household.quiet_hours;
  if (quiet) plan.quietHours = quiet;
  return plan;
}
