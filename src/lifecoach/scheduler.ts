/**
 * Runs the schedule: warms the model up shortly before each scheduled check-in, then runs it.
 * One timer at a time, re-armed at most an hour ahead (setTimeout's range, and a clock that
 * jumped is noticed within the hour). `stop()` clears it; nothing runs after stop. A failed
 * warm-up is only logged: the check-in itself falls back when the model stays away.
 */
import type { CheckinSettings } from '../config/lifecoach.js';
import { nextCheckin, type PlannedCheckin } from './schedule.js';

const MAX_TIMER_MS = 60 * 60 * 1000;

export interface SchedulerDeps {
  settings: Pick<CheckinSettings, 'daily' | 'cron' | 'jitter' | 'warm_up'>;
  timezone: string;
  clock: { now(): number };
  random?: () => number;
  warmUp(): Promise<unknown>;
  checkin(): Promise<unknown>;
  log?: { warn(fields: object, message: string): void };
}

export interface CheckinScheduler {
  start(): void;
  stop(): void;
  /** The planned next check-in (for the health attributes). */
  readonly next: PlannedCheckin | undefined;
}

export function createCheckinScheduler(deps: SchedulerDeps): CheckinScheduler {
  const random = deps.random ?? Math.random;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let planned: PlannedCheckin | undefined;
  let warmedFor: number | undefined;

  const plan = (after: number): void => {
    planned = nextCheckin(deps.settings, deps.timezone, after, deps.clock.now(), random());
  };

  const arm = (): void => {
    if (!running || !planned) return;
    const now = deps.clock.now();
    const target = warmedFor === planned.slot ? planned.at : planned.warmUpAt;
    timer = setTimeout(tick, Math.min(Math.max(0, target - now), MAX_TIMER_MS));
  };

  const tick = (): void => {
    timer = undefined;
    if (!running || !planned) return;
    const now = deps.clock.now();
    const current = planned;
    if (warmedFor !== current.slot && now >= current.warmUpAt) {
      warmedFor = current.slot;
      deps.warmUp().catch((error: unknown) => deps.log?.warn({ error: (error as Error).message }, 'model warm-up failed'));
    }
    if (now >= current.at) {
      plan(current.slot);
      void deps
        .checkin()
        .catch((error: unknown) => deps.log?.warn({ error: (error as Error).message }, 'scheduled check-in failed'))
        .finally(() => {
          // Re-arm after the run, so a long check-in never overlaps the next timer's decision.
          if (running && !timer) arm();
        });
      return;
    }
    arm();
  };

  return {
    start() {
      if (running) return;
      running = true;
      plan(deps.clock.now());
      arm();
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
    },
    get next() {
      return planned;
    },
  };
}
