/** One timer per routine, at the instant its machine next wants a tick. */
import type { Clock } from '../clock.js';
import { MAX_TIMER_MS } from '../clock.js';
import { nextWakeup } from './core/reminder.js';
import type { RoutineSlot } from './routine-slot.js';

export interface WakeupsDeps {
  clock: Clock;
  isStopped: () => boolean;
  /** The routine's timer fired. */
  onWake: (slot: RoutineSlot) => void;
}

export interface Wakeups {
  /** (Re)arms the routine's timer for its next wakeup (none once stopped). */
  schedule(slot: RoutineSlot): void;
  /** Clears every timer. */
  stop(): void;
}

export function createWakeups(deps: WakeupsDeps): Wakeups {
  const timers = new Map<RoutineSlot, NodeJS.Timeout>();
  return {
    schedule(slot) {
      clearTimeout(timers.get(slot));
      if (deps.isStopped()) return;
      const now = deps.clock.now();
      const at = nextWakeup(slot.state, slot.plan, now);
      const delay = Math.min(MAX_TIMER_MS, Math.max(0, (at ?? now + MAX_TIMER_MS) - now));
      // +5 ms: the tick runs at or just after the instant, never a hair before it.
      timers.set(
        slot,
        setTimeout(() => deps.onWake(slot), delay + 5),
      );
    },
    stop() {
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
