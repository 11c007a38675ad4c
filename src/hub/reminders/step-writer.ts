/**
 * Persistence of reminder steps: one SQLite transaction per step (its records, its new state
 * and, for a press, the press's "handled" mark), the queued steps committed together (one
 * fsync). A step whose write fails is rolled back alone, and memory is put back to what the
 * store holds, so the hub never shows or acts on a state a restart would not find. When to
 * commit (at once, or at the end of the I/O round for presses) is the unit's call.
 */
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import { initialState, type ReminderState } from './core/reminder.js';
import type { Store } from '../store/store.js';
import type { RoutineSlot } from './routine-slot.js';

/** A step not committed yet, with the routine whose state and the press entity whose handled mark it writes. */
export interface UnwrittenStep {
  persist: () => void;
  slot?: RoutineSlot;
  pressEntity?: string;
}

/** What a commit put back to what the store holds (empty when every step was written). */
export interface Restored {
  /** Routines whose state was reset from the store: their LED, timer and MQTT state must follow. */
  slots: RoutineSlot[];
  /** Press entities whose handled mark is the store's again (undefined: none stored). */
  pressMarks: Array<[entityId: string, lastHandled: string | undefined]>;
}

export interface StepWriter {
  /** Queues a step for the next commit. */
  queue(step: UnwrittenStep): void;
  /** Commits every queued step (one transaction, one fsync); returns what was put back after a failure. */
  commit(): Restored;
}

export function createStepWriter(deps: { store: Store; clock: Clock; log: Logger }): StepWriter {
  const { log } = deps;
  const unwritten: UnwrittenStep[] = [];

  /** After a failed write: routines' states and press marks back to what the store holds. */
  const restoreFromStore = (failed: UnwrittenStep[]): Restored => {
    const failedSlots = new Set(failed.flatMap((s) => (s.slot ? [s.slot] : [])));
    const failedPresses = new Set(failed.flatMap((s) => (s.pressEntity ? [s.pressEntity] : [])));
    let saved: Map<string, unknown>;
    const pressMarks: Restored['pressMarks'] = [];
    try {
      saved = deps.store.loadReminderStates();
      for (const entityId of failedPresses) pressMarks.push([entityId, deps.store.lastHandledPress(entityId)]);
    } catch (e) {
      log.error(
        { err: (e as Error).message, routines: [...failedSlots].map((s) => s.plan.id) },
        'the store cannot be read either: the reminder state in memory is not on disk and a restart will not find it',
      );
      return { slots: [], pressMarks: [] };
    }
    for (const slot of failedSlots) {
      const id = slot.plan.id;
      const persisted = saved.get(id) as ReminderState | undefined;
      const before = slot.state.phase;
      slot.state = persisted?.routine === id ? persisted : initialState(id, deps.clock.now());
      log.error(
        { routine: id, phase: before, restored: slot.state.phase },
        'reminder step not saved: state put back to what the store holds',
      );
    }
    return { slots: [...failedSlots], pressMarks };
  };

  return {
    queue(step) {
      unwritten.push(step);
    },
    /**
     * A failing step is rolled back alone. The in-memory state runs ahead of the disk between a
     * step and its commit (the LED goes out first); when a step is not written, memory is put
     * back to what the store holds (restoreFromStore).
     */
    commit() {
      if (unwritten.length === 0) return { slots: [], pressMarks: [] };
      const steps = unwritten.splice(0);
      const failed: UnwrittenStep[] = [];
      try {
        deps.store.transaction(() => {
          for (const s of steps) {
            try {
              deps.store.transaction(s.persist);
            } catch (e) {
              failed.push(s);
              log.error({ err: (e as Error).message, routine: s.slot?.plan.id, entityId: s.pressEntity }, 'writing a reminder step failed');
            }
          }
        });
      } catch (e) {
        failed.splice(0, failed.length, ...steps);
        log.error({ err: (e as Error).message, steps: steps.length }, 'committing reminder steps failed');
      }
      return failed.length ? restoreFromStore(failed) : { slots: [], pressMarks: [] };
    },
  };
}
