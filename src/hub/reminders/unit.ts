/**
 * Routines and reminder buttons: the I/O around the pure reminder state machine
 * (core/reminder.ts). One timer per routine at its next wakeup; presses from the
 * buttons' `event.*` entities (through the pure press filter), phone notification actions,
 * the MQTT Done/Snooze/Skip buttons and "due now" from the API all become events; the
 * machine's effects are carried out: LEDs (light.turn_on effect Pulse / turn_off on every
 * button of the routine), phone notifications, records in the store, MQTT state. This file
 * composes the parts beside it, each called from here and answering with values: press-intake
 * and action-intake (inputs → events), wakeups (timers), effects (service calls, records),
 * step-writer (transactions, rollback), routine-view (published view), press-timing (/metrics).
 *
 * A press, top-down: HA state change (onPressChange) → presses.take (the routine's `press`
 * event) → apply (core step; effects.sendCommands puts the LED command on the socket) → write
 * (queued; committed with the handled mark in a setImmediate) → views.publish (MQTT state).
 *
 * Rules that keep the person's view right:
 * - every state is persisted after each step, so a restart (or kill -9) restores it, and the
 *   `restore` event re-issues the LEDs;
 * - LED commands go out before anything is written (the HA client puts a call on the socket
 *   synchronously when HA is RUNNING), and are re-asserted whenever HA comes back (RUNNING), so
 *   a command lost in an HA restart is repeated;
 * - the records and the new state of one step are one SQLite transaction (with the press's
 *   "handled" mark, for a press); for a button press it is committed right after the LED
 *   command is on the socket, in a `setImmediate` (with any other press of the same I/O
 *   round: one fsync), and MQTT state follows: the press → LED path does no disk I/O and no
 *   streak. A kill -9 in that window (well under a millisecond of work) loses no press: its
 *   handled mark was not committed either, so the next start takes it from HA's snapshot
 *   (core/press.ts). Every other input commits before it returns (API answers are on disk);
 * - memory runs ahead of the disk only until that commit: a step whose write fails is undone
 *   in memory (state and handled mark back to what the store holds, LED and MQTT follow,
 *   logged as an error), so hearth never acts on a state a restart would not find;
 * - the streak (published in the attributes) is cached per routine until a done/skip is
 *   written or the clock reaches an instant where it can change (core/streak.ts);
 * - a press made while hearth was not watching (down, restarting, reloading) is taken from
 *   HA's snapshot when hearth sees the button again (core/press.ts), for the occurrence
 *   that was due when it was made.
 */
import type { Unsubscribe } from '../ha/client.js';
import type { StateChange } from '../ha/state-changes.js';
import { routineCommandFilter } from '../../discovery/discovery.js';
import { createActionIntake, type RoutineAction } from './action-intake.js';
import { createReminderEffects } from './effects.js';
import { createPressIntake } from './press-intake.js';
import { createPressTiming } from './press-timing.js';
import { pressEntitiesOf, routineSlotsOf, type RoutineSlot } from './routine-slot.js';
import { createRoutineViews, type RoutineView } from './routine-view.js';
import { createStepWriter, type UnwrittenStep } from './step-writer.js';
import { createWakeups } from './wakeups.js';
import { step, type ActionKind, type ActionSource, type DueSource, type ReminderEvent, type ReminderState } from './core/reminder.js';
import type { HubUnit, Link, UnitDeps, UnitFactory } from '../unit.js';

export type { RoutineView } from './routine-view.js';

/** The shared deps of configuration-built units (unit.ts). */
export type RemindersDeps = UnitDeps;

export interface Reminders extends HubUnit {
  readonly name: 'reminders';
  start(): void;
  stop(): void;
  /** Makes a routine due now (`source`: who asked, for the history; default api); undefined for an unknown id. */
  due(id: string, source?: DueSource): RoutineView | undefined;
  action(id: string, action: ActionKind, source: ActionSource): RoutineView | undefined;
  list(): RoutineView[];
  /**
   * `mqtt`: every routine's state and attributes, once discovery has published the configs (each
   * MQTT connect, HA back online, reload): the one republish. `homeassistant`: the LEDs re-asserted
   * (a command lost in an HA restart is repeated).
   */
  onReconnect(link: Link): void;
}

export function createReminders(deps: RemindersDeps): Reminders {
  const log = deps.logger.child({ unit: 'reminders' });
  const { store, clock } = deps;
  const pressEntities = pressEntitiesOf(deps.devices);
  const slots = routineSlotsOf(deps.household, deps.devices, clock.now());
  const unsubs: Unsubscribe[] = [];
  let stopped = true;

  // The parts, each called from here and answering with values (no callbacks back up).
  const presses = createPressIntake({ pressEntities, store, clock });
  const timing = createPressTiming(deps.ha, deps.metrics);
  const actions = createActionIntake({ context: deps.context, log, isRoutine: (id) => slots.has(id) });
  const effects = createReminderEffects({ config: deps.household.config, ha: deps.ha, store, clock, log, isStopped: () => stopped });
  const views = createRoutineViews({ clock, store, mqtt: deps.mqtt, context: deps.context, pressEntities });
  const wakeups = createWakeups({ clock });
  const writer = createStepWriter({ store, clock, log });

  /** Routines whose MQTT state is published after the next commit. */
  const unpublished = new Set<RoutineSlot>();
  let commitSoon: NodeJS.Immediate | undefined;

  /** Commits the queued steps; what failed is back to the store's state, and LED, timer and MQTT follow it. */
  const commit = (): void => {
    if (commitSoon) clearImmediate(commitSoon);
    commitSoon = undefined;
    const restored = writer.commit();
    for (const [entityId, lastHandled] of restored.pressMarks) presses.restoreHandledMark(entityId, lastHandled);
    if (stopped) return;
    for (const slot of restored.slots) {
      effects.syncLed(slot);
      wakeups.schedule(slot);
      unpublished.add(slot);
    }
  };
  const commitAndPublish = (): void => {
    commit();
    const toPublish = [...unpublished];
    unpublished.clear();
    for (const slot of toPublish) views.publish(slot);
  };
  /**
   * Queues a step's persistence: `deferred` (button presses), committed with every other press
   * of this I/O round in a `setImmediate` (one fsync); otherwise before returning.
   */
  const write = (step: UnwrittenStep, options: { deferred: boolean; publish?: boolean }): void => {
    writer.queue(step);
    if (options.publish && step.slot) unpublished.add(step.slot);
    if (options.deferred) commitSoon ??= setImmediate(commitAndPublish);
    else commitAndPublish();
  };

  /**
   * One step of a routine's machine: the event applied (core/reminder.ts), its commands out first
   * (LED, phone), then its records and new state in one transaction. `alsoPersist` joins that
   * transaction (a press's handled mark). Undefined when stopped or the routine is unknown.
   */
  const apply = (
    id: string,
    event: ReminderEvent,
    options: { deferred?: boolean; alsoPersist?: (() => void) | undefined; pressEntity?: string | undefined } = {},
  ): { slot: RoutineSlot; led: boolean } | undefined => {
    const slot = slots.get(id);
    if (!slot || stopped) return undefined;
    const now = clock.now();
    const { state, effects: stepEffects } = step(slot.state, event, now, slot.plan);
    slot.state = state;
    const led = effects.sendCommands(slot, stepEffects);
    write(
      {
        slot,
        ...(options.pressEntity ? { pressEntity: options.pressEntity } : {}),
        persist: () => {
          effects.writeRecords(slot, stepEffects, now);
          store.saveReminderState(id, state, now);
          options.alsoPersist?.();
        },
      },
      { deferred: options.deferred ?? false, publish: stepEffects.some((e) => e.type === 'publish') },
    );
    wakeups.schedule(slot);
    if (event.type !== 'tick' || stepEffects.length)
      log.debug({ routine: id, event: event.type, phase: state.phase, effects: stepEffects.map((e) => e.type) }, 'reminder step');
    return { slot, led };
  };

  /**
   * The press path, top-down: HA state change → press intake (the routine's event) → apply (LED
   * command on the socket) → store (deferred commit with the handled mark) → MQTT state.
   */
  const onPressChange = (change: StateChange): void => {
    const t0 = timing.arrived();
    const press = presses.take(change);
    if (!press) return;
    const markOnly = (): void => {
      if (press.markHandled) write({ persist: press.markHandled, pressEntity: press.entityId }, { deferred: true });
    };
    if (!press.event) {
      log.debug({ entityId: press.entityId, reason: press.reason, state: change.new?.state }, 'not a press');
      return markOnly();
    }
    const measured = timing.begin(t0);
    const result = apply(press.routine, press.event, {
      deferred: true,
      alsoPersist: press.markHandled,
      pressEntity: press.markHandled ? press.entityId : undefined,
    });
    measured(result);
    // Stopped or unknown routine: still remember the press was seen.
    if (!result) markOnly();
    // Everything below is after the command is on its way.
    timing.counted(press.routine, press.event.press);
    const { routine, device } = press;
    if (press.event.at !== undefined) {
      log.info(
        { device, routine, press: press.event.press, pressedAt: new Date(press.event.at).toISOString() },
        'button press made while hearth was not watching',
      );
    } else log.info({ device, routine, press: press.event.press }, 'button press');
  };

  const applyAction = (action: RoutineAction | undefined): void => {
    if (action) void apply(action.routine, action.event);
  };

  const syncAllLeds = (): void => {
    for (const slot of slots.values()) effects.syncLed(slot, true);
  };

  return {
    name: 'reminders',
    start() {
      if (!stopped) return;
      stopped = false;
      wakeups.start((slot) => void apply(slot.plan.id, { type: 'tick' }));
      // Restore: persisted states and which presses were handled.
      const saved = store.loadReminderStates();
      // Routines no longer in hearth.yaml (a reload or restart after removing one): their
      // pending state goes; their history stays.
      for (const id of saved.keys()) {
        if (slots.has(id)) continue;
        store.deleteReminderState(id);
        log.info({ routine: id }, 'routine removed from the configuration: its saved state deleted');
      }
      presses.loadHandledMarks();
      for (const [id, slot] of slots) {
        if (slot.plan.scheduleError)
          log.error(
            { routine: id, err: slot.plan.scheduleError },
            'routine schedule cannot be evaluated: it never falls due by itself, only by hand; the other routines run',
          );
      }
      for (const [id, slot] of slots) {
        const persisted = saved.get(id) as ReminderState | undefined;
        if (persisted && persisted.routine === id) {
          slot.state = persisted;
          void apply(id, { type: 'restore' });
        } else {
          void apply(id, { type: 'tick' });
        }
      }
      if (pressEntities.size) unsubs.push(deps.ha.subscribeStates([...pressEntities.keys()], onPressChange));
      unsubs.push(
        deps.ha.subscribeEvents('mobile_app_notification_action', (e) =>
          applyAction(actions.fromNotification(e as Parameters<typeof actions.fromNotification>[0])),
        ),
      );
      unsubs.push(
        deps.mqtt.subscribe(routineCommandFilter(deps.context), (topic, payload) => applyAction(actions.fromCommand(topic, payload))),
      );
      if (deps.ha.state === 'connected') syncAllLeds();
      log.info({ routines: slots.size, buttons: pressEntities.size }, 'reminders started');
    },
    stop() {
      stopped = true;
      for (const u of unsubs.splice(0)) u();
      wakeups.stop();
      // What was decided is written before the store closes or a reload's successor loads it.
      commit();
      unpublished.clear();
    },
    due(id, source = 'api') {
      const slot = apply(id, { type: 'due', source })?.slot;
      return slot && views.view(slot);
    },
    action(id, action, source) {
      const slot = apply(id, { type: 'action', action, source })?.slot;
      return slot && views.view(slot);
    },
    list: () => {
      // The streak reads the history: pending press steps first. Published too: this commit
      // cancels the deferred one that would have published them (HA kept `due` after a press).
      commitAndPublish();
      return [...slots.values()].map(views.view);
    },
    onReconnect(link) {
      if (stopped) return;
      if (link === 'homeassistant') syncAllLeds();
      else for (const slot of slots.values()) views.publish(slot);
    },
  };
}

/**
 * The reminders as a configuration-built unit. Nothing is carried over from the predecessor in
 * memory: it wrote every step before it stopped, and `start` restores each routine's state and the
 * handled presses from the store.
 */
export const remindersUnit: UnitFactory<Reminders> = { name: 'reminders', create: (deps) => createReminders(deps) };
