/**
 * What the reminders keep per routine (its plan, current state, LED entities) and which
 * button press entity acknowledges which routine, built from the configuration.
 */
import type { Household } from '../../config/household.js';
import type { DeviceEntities } from '../../config/entity-ids.js';
import { initialState, planRoutine, type ReminderState, type RoutinePlan } from './core/reminder.js';

export interface RoutineSlot {
  plan: RoutinePlan;
  state: ReminderState;
  /** LED light entities of the buttons that acknowledge this routine. */
  leds: string[];
  /** What the LEDs were last told successfully (undefined: unknown). */
  ledSent?: boolean;
  /** Bumped on every done/skip written: the cached streak is stale. */
  historyVersion: number;
}

/** Button event entity → the routine it acknowledges and the device it is on. */
export type PressEntities = Map<string, { routine: string; device: string }>;

export function pressEntitiesOf(devices: DeviceEntities[]): PressEntities {
  const pressEntities: PressEntities = new Map();
  for (const device of devices) {
    if (device.kind !== 'reminder-button' || !device.routine) continue;
    const press = device.entities.find((e) => e.role === 'press');
    if (press) pressEntities.set(press.entityId, { routine: device.routine, device: device.device });
  }
  return pressEntities;
}

/** One slot per configured routine, in its initial state (`start` restores the saved ones). */
export function routineSlotsOf(household: Household, devices: DeviceEntities[], now: number): Map<string, RoutineSlot> {
  const { config } = household;
  const slots = new Map<string, RoutineSlot>();
  for (const routine of config.routines) {
    const plan = planRoutine(routine, { timezone: config.timezone, ...(config.quiet_hours ? { quiet_hours: config.quiet_hours } : {}) });
    const leds = devices
      .filter((d) => d.kind === 'reminder-button' && d.routine === routine.id)
      .flatMap((d) => d.entities.filter((e) => e.role === 'led').map((e) => e.entityId));
    slots.set(routine.id, { plan, state: initialState(routine.id, now), leds, historyVersion: 0 });
  }
  return slots;
}
