import { nextQuietBoundary } from '../../../config/quiet-hours.js';
import type { RoutinePlan } from './plan.js';
import { isPending, type ReminderState } from './reminder-state.js';

/**
 * The next instant at which a `tick` could change something (an occurrence starts, a nag, the
 * escalation, a snooze returning, quiet hours starting or ending, the window closing). The
 * I/O layer keeps one timer for it; undefined means nothing is scheduled.
 */
export function nextWakeup(state: ReminderState, plan: RoutinePlan, now: number): number | undefined {
  const at: number[] = [];
  const next = plan.schedule.next(now);
  if (next !== undefined) at.push(next);
  const occ = state.occurrence;
  if (isPending(state)) {
    if (occ) at.push(occ.end);
    if (!state.held) {
      at.push((state.lastNag ?? now) + plan.nagEveryMs);
      if (!state.escalated && plan.escalateAfterMs !== undefined) {
        at.push((state.pendingSince ?? now) + plan.escalateAfterMs);
      }
    }
    const boundary = nextQuietBoundary(now, plan.quietHours, plan.timezone);
    if (boundary !== undefined) at.push(boundary);
  } else if (state.phase === 'snoozed') {
    if (state.snoozedUntil !== undefined) at.push(state.snoozedUntil);
    if (occ) at.push(occ.end);
  }
  const future = at.map((t) => Math.max(t, now));
  return future.length ? Math.min(...future) : undefined;
}

/**
 * When the routine is next due, as the person sees it: the next scheduled occurrence after
 * `now`, skipping one already acknowledged ahead (done early, or covered by a reminder made
 * due by hand just before it). Undefined when the schedule has none.
 */
export function nextDue(state: ReminderState, plan: RoutinePlan, now: number): number | undefined {
  const next = plan.schedule.next(now);
  const acknowledged = state.occurrence && state.occurrence.start > now && !isPending(state) ? state.occurrence.start : undefined;
  return next !== undefined && acknowledged !== undefined && next <= acknowledged ? plan.schedule.next(acknowledged) : next;
}
