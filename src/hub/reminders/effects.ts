/**
 * Carries out the reminder machine's effects: LED service calls (light.turn_on effect Pulse /
 * turn_off on every button of the routine), phone notifications and their clearing, and the
 * history records of a step.
 */
import type { HassServiceTarget } from 'home-assistant-js-websocket';
import type { HearthConfig, Person } from '../../config/hearth-config.js';
import { REMINDER_EFFECT } from '../../config/device-entities.js';
import type { Logger } from '../../log.js';
import type { Clock } from '../clock.js';
import type { HaClient } from '../ha/client.js';
import type { Effect, RoutinePlan } from './core/reminder.js';
import type { Store } from '../store/store.js';
import type { RoutineSlot } from './routine-slot.js';

export interface ReminderEffectsDeps {
  config: Pick<HearthConfig, 'people'>;
  ha: HaClient;
  store: Store;
  clock: Clock;
  log: Logger;
  isStopped: () => boolean;
}

export interface ReminderEffects {
  /**
   * Tells the LEDs what the state says (no-op when HA is not RUNNING: re-asserted on RUNNING).
   * True when a command was handed to the HA connection.
   */
  syncLed(slot: RoutineSlot, force?: boolean): boolean;
  /** The outward effects (LEDs, phone), before anything is written; true when the LED was told. */
  sendCommands(slot: RoutineSlot, effects: Effect[]): boolean;
  /** The records of one step (inside its transaction). */
  writeRecords(slot: RoutineSlot, effects: Effect[], now: number): void;
}

const errorText = (err: unknown): string => {
  const e = err as { error?: { message?: string }; message?: string } | undefined;
  return e?.error?.message ?? e?.message ?? (typeof err === 'object' ? JSON.stringify(err) : String(err));
};

export function createReminderEffects(deps: ReminderEffectsDeps): ReminderEffects {
  const { log, config } = deps;
  const people = new Map<string, Person>(config.people.map((p) => [p.id, p]));
  const notifyService = (plan: RoutinePlan): string | undefined => {
    const person = plan.person ? people.get(plan.person) : config.people.length === 1 ? config.people[0] : undefined;
    return person?.notify;
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
    if (deps.isStopped()) return;
    deps.store.record({
      at: deps.clock.now(),
      kind: 'notification_failed',
      routine: plan.id,
      source: 'hearth',
      detail: { service, error },
    });
  };

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

  const sendCommands = (slot: RoutineSlot, effects: Effect[]): boolean => {
    const { plan } = slot;
    let led = false;
    for (const e of effects) {
      if (e.type === 'led') led = syncLed(slot, true) || led;
      else if (e.type === 'notify') {
        const service = notifyService(plan);
        if (!service) {
          log.info({ routine: plan.id }, "no notify service for this routine's person: notification not sent");
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

  const writeRecords = (slot: RoutineSlot, effects: Effect[], now: number): void => {
    for (const e of effects) {
      if (e.type === 'clear_notification') {
        deps.store.record({ at: now, kind: 'clear_notification', routine: slot.plan.id, source: 'hearth' });
        continue;
      }
      if (e.type !== 'record') continue;
      const { type: _t, kind, routine, at, source, device, ...detail } = e;
      deps.store.record({
        at,
        kind: kind === 'notify' ? 'notification' : kind,
        routine,
        device,
        source,
        detail: Object.keys(detail).length ? detail : undefined,
      });
      if (kind === 'done' || kind === 'skip') slot.historyVersion++;
    }
  };

  return { syncLed, sendCommands, writeRecords };
}
