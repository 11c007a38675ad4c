/** One timer per routine, at the instant its machine next wants a tick. */
import type { Clock } from '../clock.js';
import { MAX_TIMER_MS } from '../clock.js';
import { nextWakeup } from './core/reminder.js';
import type { RoutineSlot } from './routine-slot.js';

export interface Wakeups {
  /** Timers fire `onWake` from now on (the unit's start). */
  start(onWake: (slot: RoutineSlot) => void): void;
  /** (Re)arms the routine's timer for its next wakeup (none unless started). */
  schedule(slot: RoutineSlot): void;
  /** Clears every timer; none is armed again until the next start. */
  stop(): void;
}

export function createWakeups(deps: { clock: Clock }): Wakeups {
  const timers = new Map<RoutineSlot, NodeJS.Timeout>();
  let onWake: ((slot: RoutineSlot) => void) | undefined;
  return {
    start(listener) {
      onWake = listener;
    },
    schedule(slot) {
      clearTimeout(timers.get(slot));
      const wake = onWake;
      if (!wake) return;
      const now = deps.clock.now();
      const at = nextWakeup(slot.state, slot.plan, now);
      const delay = Math.min(MAX_TIMER_MS, Math.max(0, (at ?? now + MAX_TIMER_MS) - now));
      // +5 ms: the tick runs at or just after the instant, never a hair before it.
      timers.set(
        slot,
        setTimeout(() => wake(slot), delay + 5),
      );
    },
    stop() {
      onWake = undefined;
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
