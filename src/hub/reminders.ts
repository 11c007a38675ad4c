/**
 * Routines and reminder buttons: the I/O around the pure reminder state machine
 * (routines/reminder.ts). One timer per routine at its next wakeup; presses from the
 * buttons' `event.*` entities (through the pure press filter), phone notification actions,
 * the MQTT Done/Snooze/Skip buttons and "due now" from the API all become events; the
 * machine's effects are carried out here: LEDs (light.turn_on effect Pulse / turn_off on
 * every button of the routine), phone notifications, records in the store, MQTT state.
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
import type { HassServiceTarget } from 'home-assistant-js-websocket';
import type { Household } from '../config/household.js';
import type { Person } from '../config/hearth-config.js';
import type { DeviceEntities } from '../esphome/entity-ids.js';
import { REMINDER_EFFECT } from '../esphome/kinds/reminder-button.js';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import { MAX_TIMER_MS } from './clock.js';
import type { HaClient, Unsubscribe } from './ha/client.js';
import type { StateChange } from './ha/entities.js';
import type { Metrics } from './metrics.js';
import type { HubMqtt } from './mqtt/client.js';
import {
  routineAttributesTopic,
  routineCommandFilter,
  routineIdOfCommandTopic,
  routineStateTopic,
  stateMessage,
  type DiscoveryContext,
} from './mqtt/discovery.js';
import { classifyPress, type PressFilterState, type PressVerdict } from './routines/press.js';
import {
  initialState,
  isPending,
  nextWakeup,
  parseNotificationActionId,
  planRoutine,
  step,
  type ActionKind,
  type ActionSource,
  type Effect,
  type ReminderEvent,
  type ReminderState,
  type RoutinePlan,
} from './routines/reminder.js';
import { createStreakCache, type StreakCache } from './routines/streak.js';
import type { Store } from './store/store.js';

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

export interface RoutineView {
  id: string;
  title: string;
  phase: ReminderState['phase'];
  pending: boolean;
  led: boolean;
  next_due: string | null;
  last_done: string | null;
  streak: string;
  buttons: string[];
}

export interface Reminders {
  start(): void;
  stop(): void;
  /** Makes a routine due now; undefined for an unknown id. */
  due(id: string): RoutineView | undefined;
  action(id: string, action: ActionKind, source: ActionSource): RoutineView | undefined;
  list(): RoutineView[];
  /**
   * Publishes every routine's state and attributes. The hub calls it once discovery has
   * published the configs (each MQTT connect, HA back online, reload): the one republish.
   */
  publishAll(): void;
}

interface RoutineSlot {
  plan: RoutinePlan;
  state: ReminderState;
  timer?: NodeJS.Timeout;
  /** LED light entities of the buttons that acknowledge this routine. */
  leds: string[];
  /** What the LEDs were last told successfully (undefined: unknown). */
  ledSent?: boolean;
  streak: StreakCache;
  /** Bumped on every done/skip written: the cached streak is stale. */
  historyVersion: number;
}

export function createReminders(deps: RemindersDeps): Reminders {
  const log = deps.logger.child({ unit: 'reminders' });
  const { config } = deps.household;
  const slots = new Map<string, RoutineSlot>();
  /** Button event entity → routine id. */
  const pressEntities = new Map<string, { routine: string; device: string }>();
  const unsubs: Unsubscribe[] = [];
  let pressFilter: PressFilterState = {};
  let stopped = true;

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

  for (const device of deps.devices) {
    if (device.kind !== 'reminder-button' || !device.routine) continue;
    const press = device.entities.find((e) => e.role === 'press');
    if (press) pressEntities.set(press.entityId, { routine: device.routine, device: device.device });
  }
  for (const routine of config.routines) {
    const plan = planRoutine(routine, { timezone: config.timezone, ...(config.quiet_hours ? { quiet_hours: config.quiet_hours } : {}) });
    const leds = deps.devices
      .filter((d) => d.kind === 'reminder-button' && d.routine === routine.id)
      .flatMap((d) => d.entities.filter((e) => e.role === 'led').map((e) => e.entityId));
    slots.set(routine.id, { plan, state: initialState(routine.id, deps.clock.now()), leds, streak: createStreakCache(plan.schedule), historyVersion: 0 });
  }

  const people = new Map<string, Person>(config.people.map((p) => [p.id, p]));
  const notifyService = (plan: RoutinePlan): string | undefined => {
    const person = plan.person ? people.get(plan.person) : config.people.length === 1 ? config.people[0] : undefined;
    return person?.notify;
  };

  // --- effects ---------------------------------------------------------------------------
  const errorText = (err: unknown): string => {
    const e = err as { error?: { message?: string }; message?: string } | undefined;
    return e?.error?.message ?? e?.message ?? (typeof err === 'object' ? JSON.stringify(err) : String(err));
  };
  /** A service call whose failure is logged; `onFail` gets HA's error message. */
  const call = (
    what: string,
    domain: string,
    service: string,
    data?: Record<string, unknown>,
    target?: HassServiceTarget,
    onFail?: (error: string) => void,
  ): Promise<boolean> =>
    deps.ha.callService(domain, service, data, target).then(
      () => true,
      (err: unknown) => {
        log.warn({ err: errorText(err), what }, 'Home Assistant call failed');
        try {
          onFail?.(errorText(err));
        } catch (e) {
          log.warn({ err: (e as Error).message }, 'recording a failed call failed');
        }
        return false;
      },
    );
  /** The history says when a notification did not reach the phone (HA refused it). */
  const notificationFailed = (plan: RoutinePlan, service: string) => (error: string) => {
    if (stopped) return;
    deps.store.record({ at: deps.clock.now(), kind: 'notification_failed', routine: plan.id, source: 'hearth', detail: { service, error } });
  };

  /**
   * Tells the LEDs what the state says (no-op when HA is not RUNNING: re-asserted on RUNNING).
   * True when a command was handed to the HA connection.
   */
  const syncLed = (slot: RoutineSlot, force = false): boolean => {
    if (slot.leds.length === 0 || deps.ha.state !== 'connected') return false;
    const on = slot.state.led;
    if (!force && slot.ledSent === on) return false;
    slot.ledSent = on;
    const target = { entity_id: slot.leds };
    const sent = on
      ? call(`LED on for ${slot.plan.id}`, 'light', 'turn_on', { effect: REMINDER_EFFECT }, target)
      : call(`LED off for ${slot.plan.id}`, 'light', 'turn_off', undefined, target);
    void sent.then((ok) => {
      if (!ok && slot.ledSent === on) slot.ledSent = undefined;
    });
    return true;
  };

  /** The outward effects (LEDs, phone), before anything is written; true when the LED was told. */
  const sendCommands = (slot: RoutineSlot, effects: Effect[]): boolean => {
    const { plan } = slot;
    let led = false;
    for (const e of effects) {
      if (e.type === 'led') led = syncLed(slot, true) || led;
      else if (e.type === 'notify') {
        const service = notifyService(plan);
        if (!service) {
          log.info({ routine: plan.id }, 'no notify service for this routine\'s person: notification not sent');
          continue;
        }
        void call(
          `notify ${plan.id}`,
          'notify',
          service,
          { title: e.title, message: e.message, data: { tag: e.tag, group: 'hearth', actions: e.actions } },
          undefined,
          notificationFailed(plan, service),
        );
      } else if (e.type === 'clear_notification') {
        const service = notifyService(plan);
        if (service) void call(`clear notification ${plan.id}`, 'notify', service, { message: 'clear_notification', data: { tag: e.tag } });
      }
    }
    return led;
  };

  /** The records of one step (inside its transaction). */
  const writeRecords = (slot: RoutineSlot, effects: Effect[], now: number): void => {
    for (const e of effects) {
      if (e.type === 'clear_notification') {
        deps.store.record({ at: now, kind: 'clear_notification', routine: slot.plan.id, source: 'hearth' });
        continue;
      }
      if (e.type !== 'record') continue;
      const { type: _t, kind, routine, at, source, ...detail } = e;
      deps.store.record({
        at,
        kind: kind === 'notify' ? 'notification' : kind,
        routine,
        source,
        detail: Object.keys(detail).length ? detail : undefined,
      });
      if (kind === 'done' || kind === 'skip') slot.historyVersion++;
    }
  };

  // --- persistence: one transaction per step; press steps wait for the end of the I/O round ---
  /**
   * Steps not committed yet (each its own savepoint in the next commit), oldest first, with the
   * routine whose state and the press entity whose handled mark they write.
   */
  interface Unwritten {
    persist: () => void;
    slot?: RoutineSlot;
    pressEntity?: string;
  }
  const unwritten: Unwritten[] = [];
  /** Routines whose MQTT state is published after that commit. */
  const unpublished = new Set<RoutineSlot>();
  let commitSoon: NodeJS.Immediate | undefined;

  /**
   * Commits every queued step (one transaction, one fsync); a failing step is rolled back alone.
   * The in-memory state runs ahead of the disk between a step and its commit (the LED goes out
   * first); when a step is not written, memory is put back to what the store holds (see
   * restoreFromStore), so the hub never shows or acts on a state a restart would not find.
   */
  const commit = (): void => {
    if (commitSoon) clearImmediate(commitSoon);
    commitSoon = undefined;
    if (unwritten.length === 0) return;
    const steps = unwritten.splice(0);
    const failed: Unwritten[] = [];
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
  const restoreFromStore = (failed: Unwritten[]): void => {
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
    for (const entityId of failedPresses) {
      const last = handled.get(entityId);
      const filter = { ...pressFilter };
      if (last !== undefined && Number.isFinite(Number(last))) filter[entityId] = Number(last);
      else delete filter[entityId];
      pressFilter = filter;
    }
    for (const slot of failedSlots) {
      const id = slot.plan.id;
      const persisted = saved.get(id) as ReminderState | undefined;
      const before = slot.state.phase;
      slot.state = persisted?.routine === id ? persisted : initialState(id, deps.clock.now());
      log.error({ routine: id, phase: before, restored: slot.state.phase }, 'reminder step not saved: state put back to what the store holds');
      if (stopped) continue;
      syncLed(slot);
      schedule(slot);
      unpublished.add(slot);
    }
  };
  const commitAndPublish = (): void => {
    commit();
    const slots = [...unpublished];
    unpublished.clear();
    for (const slot of slots) publish(slot);
  };

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
    const now = deps.clock.now();
    const { state, effects } = step(slot.state, event, now, slot.plan);
    slot.state = state;
    const led = sendCommands(slot, effects);
    // Records and the new state in one transaction: a restart never sees one without the other.
    unwritten.push({
      slot,
      pressEntity: options.pressEntity,
      persist: () => {
        writeRecords(slot, effects, now);
        deps.store.saveReminderState(id, state, now);
        options.alsoPersist?.();
      },
    });
    if (effects.some((e) => e.type === 'publish')) unpublished.add(slot);
    if (options.deferred) commitSoon ??= setImmediate(commitAndPublish);
    else commitAndPublish();
    schedule(slot);
    if (event.type !== 'tick' || effects.length) log.debug({ routine: id, event: event.type, phase: state.phase, effects: effects.map((e) => e.type) }, 'reminder step');
    return { slot, led };
  };

  const schedule = (slot: RoutineSlot): void => {
    clearTimeout(slot.timer);
    if (stopped) return;
    const now = deps.clock.now();
    const at = nextWakeup(slot.state, slot.plan, now);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, (at ?? now + MAX_TIMER_MS) - now));
    // +5 ms: the tick runs at or just after the instant, never a hair before it.
    slot.timer = setTimeout(() => void dispatch(slot.plan.id, { type: 'tick' }), delay + 5);
  };

  // --- MQTT state ------------------------------------------------------------------------
  const view = (slot: RoutineSlot): RoutineView => {
    const now = deps.clock.now();
    const s = slot.streak.get(slot.historyVersion, now, () => deps.store.streakRecords(slot.plan.id, now - 120 * 86_400_000));
    const next = slot.plan.schedule.next(now);
    const lastDone = s.lastDone ?? slot.state.lastDone;
    return {
      id: slot.plan.id,
      title: slot.plan.title,
      phase: slot.state.phase,
      pending: isPending(slot.state),
      led: slot.state.led,
      next_due: next === undefined ? null : new Date(next).toISOString(),
      last_done: lastDone === undefined ? null : new Date(lastDone).toISOString(),
      streak: `${s.done} of ${s.of}`,
      buttons: [...pressEntities].filter(([, v]) => v.routine === slot.plan.id).map(([, v]) => v.device),
    };
  };

  const publish = (slot: RoutineSlot): void => {
    if (deps.mqtt.state !== 'connected') return; // published again on connect
    const v = view(slot);
    const s = slot.state;
    const attributes = {
      title: v.title,
      last_done: v.last_done,
      streak: v.streak,
      next_due: v.next_due,
      due_since: s.occurrence ? new Date(s.occurrence.start).toISOString() : null,
      window_ends: s.occurrence ? new Date(s.occurrence.end).toISOString() : null,
      snoozed_until: s.snoozedUntil ? new Date(s.snoozedUntil).toISOString() : null,
      escalated: s.escalated,
      quiet: s.held,
      buttons: v.buttons,
    };
    const ctx = deps.context;
    // Attributes first: HA shows the new state with its attributes already in place.
    void deps.mqtt.publish(stateMessage(routineAttributesTopic(ctx, v.id), attributes)).catch(() => {});
    void deps.mqtt.publish(stateMessage(routineStateTopic(ctx, v.id), s.phase)).catch(() => {});
  };

  // --- inputs ------------------------------------------------------------------------------
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
      if (markHandled) {
        unwritten.push({ persist: markHandled, pressEntity: change.entityId });
        commitSoon ??= setImmediate(commitAndPublish);
      }
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
    const result = dispatch(target.routine, event, {
      deferred: true,
      alsoPersist: markHandled,
      ...(markHandled ? { pressEntity: change.entityId } : {}),
    });
    if (!result) {
      cancel?.();
      // Stopped or unknown routine: still remember the press was seen.
      if (markHandled) {
        unwritten.push({ persist: markHandled, pressEntity: change.entityId });
        commitSoon ??= setImmediate(commitAndPublish);
      }
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

  const onNotificationAction = (event: { data?: { action?: string } }): void => {
    const parsed = event.data?.action ? parseNotificationActionId(event.data.action) : undefined;
    if (!parsed || !slots.has(parsed.routine)) return;
    log.info(parsed, 'notification action');
    void dispatch(parsed.routine, { type: 'action', action: parsed.action, source: 'notification' });
  };

  const onCommand = (topic: string, payload: Buffer): void => {
    const id = routineIdOfCommandTopic(deps.context, topic);
    const command = payload.toString().trim().toLowerCase();
    if (!id || !slots.has(id)) return void log.warn({ topic }, 'command for an unknown routine');
    if (command !== 'done' && command !== 'snooze' && command !== 'skip') {
      return void log.warn({ topic, command }, 'unknown routine command (use done, snooze or skip)');
    }
    log.info({ routine: id, command }, 'command from Home Assistant');
    void dispatch(id, { type: 'action', action: command, source: 'ha' });
  };

  const api: Reminders = {
    start() {
      if (!stopped) return;
      stopped = false;
      // Restore: persisted states and which presses were handled.
      const saved = deps.store.loadReminderStates();
      // Routines no longer in hearth.yaml (a reload or restart after removing one): their
      // pending state goes; their history stays.
      for (const id of saved.keys()) {
        if (slots.has(id)) continue;
        deps.store.deleteReminderState(id);
        log.info({ routine: id }, 'routine removed from the configuration: its saved state deleted');
      }
      const filter: Record<string, number> = {};
      for (const entityId of pressEntities.keys()) {
        const last = deps.store.lastHandledPress(entityId);
        if (last !== undefined && Number.isFinite(Number(last))) filter[entityId] = Number(last);
      }
      pressFilter = filter;
      for (const [id, slot] of slots) {
        const persisted = saved.get(id) as ReminderState | undefined;
        if (persisted && persisted.routine === id) {
          slot.state = persisted;
          void dispatch(id, { type: 'restore' });
        } else {
          void dispatch(id, { type: 'tick' });
        }
      }
      if (pressEntities.size) unsubs.push(deps.ha.subscribeStates([...pressEntities.keys()], onPressChange));
      unsubs.push(deps.ha.subscribeEvents('mobile_app_notification_action', onNotificationAction));
      unsubs.push(deps.mqtt.subscribe(routineCommandFilter(deps.context), onCommand));
      unsubs.push(
        deps.ha.onRunning(() => {
          for (const slot of slots.values()) syncLed(slot, true);
        }),
      );
      if (deps.ha.state === 'connected') for (const slot of slots.values()) syncLed(slot, true);
      log.info({ routines: slots.size, buttons: pressEntities.size }, 'reminders started');
    },
    stop() {
      stopped = true;
      for (const u of unsubs.splice(0)) u();
      for (const slot of slots.values()) clearTimeout(slot.timer);
      // What was decided is written before the store closes or a reload's successor loads it.
      commit();
      unpublished.clear();
    },
    due(id) {
      const slot = dispatch(id, { type: 'due' })?.slot;
      return slot && view(slot);
    },
    action(id, action, source) {
      const slot = dispatch(id, { type: 'action', action, source })?.slot;
      return slot && view(slot);
    },
    list: () => {
      commit(); // the streak reads the history: pending press steps first
      return [...slots.values()].map(view);
    },
    publishAll() {
      for (const slot of slots.values()) publish(slot);
    },
  };
  return api;
}
