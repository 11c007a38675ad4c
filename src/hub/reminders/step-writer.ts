/**
 * Persistence of reminder steps: one SQLite transaction per step (its records, its new state
 * and, for a press, the press's "handled" mark). Button-press steps are committed together at
 * the end of the I/O round (a `setImmediate`: one fsync), every other step before it returns;
 * the routines' MQTT state follows the commit. A step whose write fails is rolled back alone,
 * and memory is put back to what the store holds, so the hub never shows or acts on a state a
 * restart would not find.
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

export interface StepWriterDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  isStopped: () => boolean;
  /** Publishes a routine's MQTT state (after the commit that wrote it). */
  publish: (slot: RoutineSlot) => void;
  /** After a failed write: the press entity's handled mark back to what the store holds. */
  restorePressMark: (entityId: string, lastHandled: string | undefined) => void;
  /** After a failed write, while running: the routine's LED and timer follow its restored state. */
  afterRestore: (slot: RoutineSlot) => void;
}

export interface StepWriter {
  /**
   * Queues a step: `deferred`, committed (with every other step of this I/O round) and
   * published in a `setImmediate`; otherwise right now. `publish`: the slot's MQTT state
   * is published after that commit.
   */
  write(step: UnwrittenStep, options: { deferred: boolean; publish?: boolean }): void;
  /** Commits every queued step now (one transaction, one fsync). */
  commit(): void;
  /** Commits what is queued and publishes nothing more (before the store closes or a reload's successor loads it). */
  stop(): void;
}

export function createStepWriter(deps: StepWriterDeps): StepWriter {
  const { log } = deps;
  const unwritten: UnwrittenStep[] = [];
  /** Routines whose MQTT state is published after that commit. */
  const unpublished = new Set<RoutineSlot>();
  let commitSoon: NodeJS.Immediate | undefined;

  /**
   * A failing step is rolled back alone. The in-memory state runs ahead of the disk between a
   * step and its commit (the LED goes out first); when a step is not written, memory is put
   * back to what the store holds (see restoreFromStore).
   */
  const commit = (): void => {
    if (commitSoon) clearImmediate(commitSoon);
    commitSoon = undefined;
    if (unwritten.length === 0) return;
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
    if (failed.length) restoreFromStore(failed);
  };

  /** After a failed write: routines' states and press marks back to what the store holds. */
  const restoreFromStore = (failed: UnwrittenStep[]): void => {
    const failedSlots = new Set(failed.flatMap((s) => (s.slot ? [s.slot] : [])));
    const failedPresses = new Set(failed.flatMap((s) => (s.pressEntity ? [s.pressEntity] : [])));
    let saved: Map<string, unknown>;
    const handled = new Map<string, string | undefined>();
    try {
      saved = deps.store.loadReminderStates();
      for (const entityId of failedPresses) handled.set(entityId, deps.store.lastHandledPress(entityId));
    } catch (e) {
      log.error(
        { err: (e as Error).message, routines: [...failedSlots].map((s) => s.plan.id) },
        'the store cannot be read either: the reminder state in memory is not on disk and a restart will not find it',
      );
      return;
    }
    for (const entityId of failedPresses) deps.restorePressMark(entityId, handled.get(entityId));
    for (const slot of failedSlots) {
      const id = slot.plan.id;
      const persisted = saved.get(id) as ReminderState | undefined;
      const before = slot.state.phase;
      slot.state = persisted?.routine === id ? persisted : initialState(id, deps.clock.now());
      log.error({ routine: id, phase: before, restored: slot.state.phase }, 'reminder step not saved: state put back to what the store holds');
      if (deps.isStopped()) continue;
      deps.afterRestore(slot);
      unpublished.add(slot);
    }
  };

  const commitAndPublish = (): void => {
    commit();
    const slots = [...unpublished];
    unpublished.clear();
    for (const slot of slots) deps.publish(slot);
  };

  return {
    write(step, options) {
      unwritten.push(step);
      if (options.publish && step.slot) unpublished.add(step.slot);
      if (options.deferred) commitSoon ??= setImmediate(commitAndPublish);
      else commitAndPublish();
    },
    commit,
    stop() {
      commit();
      unpublished.clear();
    },
  };
}
