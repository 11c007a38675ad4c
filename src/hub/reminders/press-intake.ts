/**
 * Button presses in: state changes of the buttons' `event.*` entities go through the pure
 * press filter (routines/press.ts), which keeps each entity's last handled press; a press
 * becomes a `press` event of its routine (deferred: committed with its handled mark at the end
 * of the I/O round), and its handling time is measured from the websocket data to the LED
 * command written to the socket.
 */
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import type { HaClient } from '../ha/client.js';
import type { StateChange } from '../ha/state-changes.js';
import type { Metrics } from '../metrics.js';
import { classifyPress, type PressFilterState, type PressVerdict } from './core/press.js';
import type { ReminderEvent } from './core/reminder.js';
import type { Store } from '../store/store.js';
import type { PressEntities } from './routine-slot.js';
import type { StepWriter } from './step-writer.js';

export interface PressIntakeDeps {
  pressEntities: PressEntities;
  ha: HaClient;
  store: Store;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  writer: Pick<StepWriter, 'write'>;
  /** One step of the routine's machine; undefined when stopped or the routine is unknown. */
  dispatch: (
    routine: string,
    event: ReminderEvent,
    options: { deferred: true; alsoPersist?: () => void; pressEntity?: string },
  ) => { led: boolean } | undefined;
}

export interface PressIntake {
  /** The state-change callback for the press entities. */
  onPressChange(change: StateChange): void;
  /** Which presses were handled, from the store (on start). */
  loadHandledMarks(): void;
  /** After a failed write: the entity's handled mark back to what the store holds. */
  restoreHandledMark(entityId: string, lastHandled: string | undefined): void;
}

/** A handled mark as the store keeps it (a string) → the filter's number; undefined when there is none. */
const handledMarkOf = (last: string | undefined): number | undefined =>
  last !== undefined && Number.isFinite(Number(last)) ? Number(last) : undefined;

export function createPressIntake(deps: PressIntakeDeps): PressIntake {
  const { log, pressEntities } = deps;
  let pressFilter: PressFilterState = {};

  // Get-or-create: a reload's new instance shares these series with the one it replaces.
  const pressesCounter = deps.metrics?.counter('hearth_button_presses_total', 'Button presses handled, by routine and kind');
  const handlingBuckets = [0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05];
  const handlingHist = deps.metrics?.histogram(
    'hearth_press_handling_seconds',
    "Presses that send a command: from the press's websocket data reaching hearth's socket to the LED command written to it",
    handlingBuckets,
  );
  const noCommandHist = deps.metrics?.histogram(
    'hearth_press_without_command_seconds',
    "Presses that send no command (nothing pending): from the press's websocket data reaching hearth to its handling done",
    handlingBuckets,
  );

  /** A press's handled mark alone (no step of its routine): committed at the end of the I/O round. */
  const writeMarkOnly = (markHandled: () => void, entityId: string): void =>
    deps.writer.write({ persist: markHandled, pressEntity: entityId }, { deferred: true });

  const onPressChange = (change: StateChange): void => {
    const target = pressEntities.get(change.entityId);
    if (!target) return;
    // When the frame carrying this change reached the socket (the callback runs inside that
    // socket read for an uncompressed frame); now, if the HA client cannot tell.
    const arrived = deps.ha.lastDataAt();
    const entered = performance.now();
    const t0 = arrived !== undefined && arrived <= entered && entered - arrived < 1000 ? arrived : entered;
    const { verdict, filter } = classifyPress(pressFilter, {
      entity_id: change.entityId,
      old_state: change.old,
      new_state: change.new,
    }, undefined, deps.clock.now());
    const handledBefore = pressFilter[change.entityId];
    pressFilter = filter;
    const handled = filter[change.entityId];
    const markHandled =
      handled !== undefined && handled !== handledBefore
        ? () => deps.store.markPressHandled(change.entityId, String(handled), deps.clock.now())
        : undefined;
    handlePress(change, target, verdict, t0, markHandled);
  };

  const handlePress = (
    change: StateChange,
    target: { routine: string; device: string },
    verdict: PressVerdict,
    t0: number,
    markHandled: (() => void) | undefined,
  ): void => {
    if (!verdict.press) {
      log.debug({ entityId: change.entityId, reason: verdict.reason, state: change.new?.state }, 'not a press');
      if (markHandled) writeMarkOnly(markHandled, change.entityId);
      return;
    }
    const event: ReminderEvent = { type: 'press', press: verdict.press, entity: change.entityId };
    // Pressed while hearth was not watching (down, restarting, reloading): it counts for an
    // occurrence that was already due then.
    if (verdict.missed) event.at = verdict.at;
    // The LED command is written inside dispatch (synchronously on an uncompressed socket):
    // listen for the write before it happens, and let go when no command went out.
    const written: { at?: number } = {};
    const cancel = handlingHist ? deps.ha.onNextWrite((at) => void (written.at = at)) : undefined;
    const result = deps.dispatch(target.routine, event, {
      deferred: true,
      alsoPersist: markHandled,
      ...(markHandled ? { pressEntity: change.entityId } : {}),
    });
    if (!result) {
      cancel?.();
      // Stopped or unknown routine: still remember the press was seen.
      if (markHandled) writeMarkOnly(markHandled, change.entityId);
    } else if (result.led && written.at !== undefined) {
      handlingHist?.observe((written.at - t0) / 1000);
    } else if (result.led) {
      // Written later (the socket was busy): observed then.
      cancel?.();
      deps.ha.onNextWrite((at) => handlingHist?.observe((at - t0) / 1000));
    } else {
      cancel?.();
      noCommandHist?.observe((performance.now() - t0) / 1000);
    }
    // Everything below is after the command is on its way.
    pressesCounter?.inc({ routine: target.routine, kind: verdict.press });
    if (verdict.missed) {
      log.info({ device: target.device, routine: target.routine, press: verdict.press, pressedAt: new Date(verdict.at).toISOString() }, 'button press made while hearth was not watching');
    } else log.info({ device: target.device, routine: target.routine, press: verdict.press }, 'button press');
  };

  return {
    onPressChange,
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
