/**
 * Button presses in: a state change of a button's `event.*` entity goes through the pure press
 * filter (core/press.ts), which keeps each entity's last handled press, and comes out as what it
 * means for the reminders: a `press` event of the button's routine, or no press (with why), and
 * the handled mark to write with it. The unit applies the event; nothing here calls back.
 */
import type { StateChange } from '../ha/state-changes.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { classifyPress, type PressFilterState } from './core/press.js';
import type { ReminderEvent } from './core/reminder.js';
import type { PressEntities } from './routine-slot.js';

/** What one state change of a press entity means. */
export interface PressIntake {
  entityId: string;
  routine: string;
  /** The button's device name. */
  device: string;
  /** The routine's `press` event; undefined when the change is not a press (`reason` says why). */
  event?: Extract<ReminderEvent, { type: 'press' }>;
  reason?: string;
  /**
   * Writes the entity's new handled mark (inside the step's transaction); undefined when the mark
   * did not move. A press made while hearth was not watching carries its instant in `event.at`.
   */
  markHandled?: () => void;
}

export interface PressIntakeFilter {
  /** A press entity's state change → its meaning; undefined for an entity that is not a button's. */
  take(change: StateChange): PressIntake | undefined;
  /** Which presses were handled, from the store (on start). */
  loadHandledMarks(): void;
  /** After a failed write: the entity's handled mark back to what the store holds. */
  restoreHandledMark(entityId: string, lastHandled: string | undefined): void;
}

/** A handled mark as the store keeps it (a string) → the filter's number; undefined when there is none. */
const handledMarkOf = (last: string | undefined): number | undefined =>
  last !== undefined && Number.isFinite(Number(last)) ? Number(last) : undefined;

export function createPressIntake(deps: { pressEntities: PressEntities; store: Store; clock: Clock }): PressIntakeFilter {
  const { pressEntities } = deps;
  let pressFilter: PressFilterState = {};

  return {
    take(change) {
      const target = pressEntities.get(change.entityId);
      if (!target) return undefined;
      const { verdict, filter } = classifyPress(
        pressFilter,
        { entity_id: change.entityId, old_state: change.old, new_state: change.new },
        undefined,
        deps.clock.now(),
      );
      const handledBefore = pressFilter[change.entityId];
      pressFilter = filter;
      const handled = filter[change.entityId];
      const intake: PressIntake = { entityId: change.entityId, routine: target.routine, device: target.device };
      if (handled !== undefined && handled !== handledBefore) {
        intake.markHandled = () => deps.store.markPressHandled(change.entityId, String(handled), deps.clock.now());
      }
      if (!verdict.press) {
        intake.reason = verdict.reason;
        return intake;
      }
      intake.event = { type: 'press', press: verdict.press, entity: change.entityId, device: target.device };
      // Pressed while hearth was not watching (down, restarting, reloading): it counts for an
      // occurrence that was already due then.
      if (verdict.missed) intake.event.at = verdict.at;
      return intake;
    },
    loadHandledMarks() {
      const filter: Record<string, number> = {};
      for (const entityId of pressEntities.keys()) {
        const mark = handledMarkOf(deps.store.lastHandledPress(entityId));
        if (mark !== undefined) filter[entityId] = mark;
      }
      pressFilter = filter;
    },
    restoreHandledMark(entityId, lastHandled) {
      const filter = { ...pressFilter };
      const mark = handledMarkOf(lastHandled);
      if (mark !== undefined) filter[entityId] = mark;
      else delete filter[entityId];
      pressFilter = filter;
    },
  };
}
