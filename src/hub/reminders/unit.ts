/**
 * Routines and reminder buttons: the I/O around the pure reminder state machine
 * (routines/reminder.ts). One timer per routine at its next wakeup; presses from the
 * buttons' `event.*` entities (through the pure press filter), phone notification actions,
 * the MQTT Done/Snooze/Skip buttons and "due now" from the API all become events; the
 * machine's effects are carried out: LEDs (light.turn_on effect Pulse / turn_off on every
 * button of the routine), phone notifications, records in the store, MQTT state. This file
 * composes the parts in reminders/: wakeups (timers), press-intake and action-intake (inputs),
 * effects (service calls, records), step-writer (commits, rollback), routine-view (published view).
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
 *   (routines/press.ts). Every other input commits before it returns (API answers are on disk);
 * - memory runs ahead of the disk only until that commit: a step whose write fails is undone
 *   in memory (state and handled mark back to what the store holds, LED and MQTT follow,
 *   logged as an error), so hearth never acts on a state a restart would not find;
 * - the streak (published in the attributes) is cached per routine until a done/skip is
 *   written or the clock reaches an instant where it can change (routines/streak.ts);
 * - a press made while hearth was not watching (down, restarting, reloading) is taken from
 *   HA's snapshot when hearth sees the button again (routines/press.ts), for the occurrence
 *   that was due when it was made.
 */
import type { Household } from '../../config/household.js';
import type { DeviceEntities } from '../../esphome/entity-ids.js';
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import type { HaClient, Unsubscribe } from '../ha/client.js';
import type { Metrics } from '../metrics.js';
import type { HubMqtt } from '../mqtt/client.js';
import { routineCommandFilter, type DiscoveryContext } from '../mqtt/discovery.js';
import { createActionIntake } from './action-intake.js';
import { createReminderEffects } from './effects.js';
import { createPressIntake } from './press-intake.js';
import { pressEntitiesOf, routineSlotsOf, type RoutineSlot } from './routine-slot.js';
import { createRoutineViews, type RoutineView } from './routine-view.js';
import { createStepWriter } from './step-writer.js';
import { createWakeups } from './wakeups.js';
import { step, type ActionKind, type ActionSource, type ReminderEvent, type ReminderState } from './core/reminder.js';
import type { Store } from '../store/store.js';
import type { HubUnit, Link, UnitFactory } from '../unit.js';

export type { RoutineView } from './routine-view.js';

export interface RemindersDeps {
  household: Household;
  devices: DeviceEntities[];
  ha: HaClient;
  mqtt: HubMqtt;
  store: Store;
  context: DiscoveryContext;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
}

export interface Reminders extends HubUnit {
  readonly name: 'reminders';
  start(): void;
  stop(): void;
  /** Makes a routine due now; undefined for an unknown id. */
  due(id: string): RoutineView | undefined;
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
  const isStopped = (): boolean => stopped;

  const presses = createPressIntake({
    pressEntities,
    ha: deps.ha,
    store,
    clock,
    log,
    metrics: deps.metrics,
    writer: { write: (s, o) => writer.write(s, o) },
    dispatch: (routine, event, options) => dispatch(routine, event, options),
  });
  const effects = createReminderEffects({ config: deps.household.config, ha: deps.ha, store, clock, log, isStopped });
  const views = createRoutineViews({ clock, store, mqtt: deps.mqtt, context: deps.context, pressEntities });
  const wakeups = createWakeups({ clock, isStopped, onWake: (slot) => void dispatch(slot.plan.id, { type: 'tick' }) });
  const writer = createStepWriter({
    store,
    clock,
    log,
    isStopped,
    publish: views.publish,
    restorePressMark: presses.restoreHandledMark,
    afterRestore: (slot) => {
      effects.syncLed(slot);
      wakeups.schedule(slot);
    },
  });

  /**
   * One step of a routine's machine: commands out first, then its records and state. `deferred`
   * (button presses): committed and published in a `setImmediate`; otherwise before returning.
   * `alsoPersist` joins the step's transaction (a press's handled mark).
   */
  const dispatch = (
    id: string,
    event: ReminderEvent,
    options: { deferred?: boolean; alsoPersist?: () => void; pressEntity?: string } = {},
  ): { slot: RoutineSlot; led: boolean } | undefined => {
    const slot = slots.get(id);
    if (!slot || stopped) return undefined;
    const now = clock.now();
    const { state, effects: stepEffects } = step(slot.state, event, now, slot.plan);
    slot.state = state;
    const led = effects.sendCommands(slot, stepEffects);
    // Records and the new state in one transaction: a restart never sees one without the other.
    writer.write(
      {
        slot,
        pressEntity: options.pressEntity,
        persist: () => {
          effects.writeRecords(slot, stepEffects, now);
          store.saveReminderState(id, state, now);
          options.alsoPersist?.();
        },
      },
      { deferred: options.deferred ?? false, publish: stepEffects.some((e) => e.type === 'publish') },
    );
    wakeups.schedule(slot);
    if (event.type !== 'tick' || stepEffects.length) log.debug({ routine: id, event: event.type, phase: state.phase, effects: stepEffects.map((e) => e.type) }, 'reminder step');
    return { slot, led };
  };

  const actions = createActionIntake({
    context: deps.context,
    log,
    isRoutine: (id) => slots.has(id),
    dispatch: (id, event) => void dispatch(id, event),
  });

  const syncAllLeds = (): void => {
    for (const slot of slots.values()) effects.syncLed(slot, true);
  };

  return {
    name: 'reminders',
    start() {
      if (!stopped) return;
      stopped = false;
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
        const persisted = saved.get(id) as ReminderState | undefined;
        if (persisted && persisted.routine === id) {
          slot.state = persisted;
          void dispatch(id, { type: 'restore' });
        } else {
          void dispatch(id, { type: 'tick' });
        }
      }
      if (pressEntities.size) unsubs.push(deps.ha.subscribeStates([...pressEntities.keys()], presses.onPressChange));
      unsubs.push(deps.ha.subscribeEvents('mobile_app_notification_action', actions.onNotificationAction));
      unsubs.push(deps.mqtt.subscribe(routineCommandFilter(deps.context), actions.onCommand));
      if (deps.ha.state === 'connected') syncAllLeds();
      log.info({ routines: slots.size, buttons: pressEntities.size }, 'reminders started');
    },
    stop() {
      stopped = true;
      for (const u of unsubs.splice(0)) u();
      wakeups.stop();
      // What was decided is written before the store closes or a reload's successor loads it.
      writer.stop();
    },
    due(id) {
      const slot = dispatch(id, { type: 'due' })?.slot;
      return slot && views.view(slot);
    },
    action(id, action, source) {
      const slot = dispatch(id, { type: 'action', action, source })?.slot;
      return slot && views.view(slot);
    },
    list: () => {
      writer.commit(); // the streak reads the history: pending press steps first
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
