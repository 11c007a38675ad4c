/**
 * What a device's firmware exposes to Home Assistant (HA domain, ESPHome name and object id,
 * effects, units), described once per kind. These are facts about the device spec, so they
 * live in config/: entity-ids.ts derives the ids HA will give them (and entity-collisions.ts
 * checks those at load), and the ESPHome emitters (esphome/kinds/) write the same names, effects
 * and units into the YAML, so the two cannot drift. Also what an ESPHome emulator needs to
 * pretend to be the device. Pure.
 */
import type { Tracker } from './hearth-config.js';
import type { Household, LoadedDevice } from './household.js';
import { ConfigError, configError } from './issues.js';
import type { DeviceKind, DeviceSpec, LedStripSpec, PresenceNodeSpec, SpecOfKind } from './kinds/index.js';
import { trackerLabel } from './names.js';

export type EntityDomain = 'event' | 'light' | 'sensor';

/** What the hub uses an entity for. */
export type EntityRole =
  /** reminder-button: the `event` entity fired on single/double/long press. */
  | 'press'
  /** reminder-button: the LED the hub pulses while a routine is due. */
  | 'led'
  /** presence-node: RSSI of one tracker. */
  | 'rssi'
  /** led-strip: the strip itself. */
  | 'light';

/** HA light colour modes as ESPHome reports them for each light platform. */
export type ColorMode = 'brightness' | 'rgb' | 'rgbw';

export interface EntityDescription {
  domain: EntityDomain;
  role: EntityRole;
  /** The ESPHome `name:` (HA shows "<device friendly name> <name>"). */
  name: string;
  /** ESPHome's object id for the entity: snake_case + sanitize of `name`. */
  objectId: string;
  /** Tracker id (presence-node RSSI sensors). */
  tracker?: string;
  /** `event` entities: the event types it fires. */
  eventTypes?: string[];
  /** Lights: effect names, as HA lists them in `effect_list` (without "None"). */
  effects?: string[];
  colorModes?: ColorMode[];
  unit?: string;
  deviceClass?: string;
  stateClass?: 'measurement';
  forceUpdate?: boolean;
}

/** ESPHome's `str_sanitize(str_snake_case(name))`: lowercase, ' ' → '_', anything outside [a-z0-9_-] → '_'. */
export function esphomeObjectId(name: string): string {
  return name
    .toLowerCase()
    .replace(/ /g, '_')
    .replace(/[^a-z0-9_-]/g, '_');
}

export function entity(description: Omit<EntityDescription, 'objectId'>): EntityDescription {
  return { ...description, objectId: esphomeObjectId(description.name) };
}

/** The description with a given role (and tracker); emitters use it so names come from one place. */
export function entityWithRole(entities: readonly EntityDescription[], role: EntityRole, tracker?: string): EntityDescription {
  const found = entities.find((e) => e.role === role && (tracker === undefined || e.tracker === tracker));
  if (!found) throw new Error(`no entity with role ${role}${tracker ? ` for tracker ${tracker}` : ''}`);
  return found;
}

/** What an entity description may read about its device besides the spec. */
export interface DeviceScope {
  /** The spec file, named in errors. */
  file: string;
  household: Household;
}

/** The trackers a node reports on: its `tracks:` list, or every tracker in hearth.yaml. */
export function trackedTrackers(spec: PresenceNodeSpec, scope: DeviceScope): Tracker[] {
  const all = scope.household.config.trackers;
  if (!spec.tracks) return all;
  const issues = [];
  const found: Tracker[] = [];
  for (const [i, id] of spec.tracks.entries()) {
    const tracker = all.find((t) => t.id === id);
    if (tracker) found.push(tracker);
    else issues.push(configError(scope.file, `tracks[${i}]`, `unknown tracker "${id}" (hearth.yaml trackers:)`));
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return found;
}

/** Event types of a reminder button's `event` entity, in the order HA lists them. */
export const BUTTON_EVENT_TYPES = ['single', 'double', 'long'] as const;
export type ButtonEventType = (typeof BUTTON_EVENT_TYPES)[number];

/** The LED effect the hub switches on (`light.turn_on` with `effect: Pulse`) while a routine is due. */
export const REMINDER_EFFECT = 'Pulse';

/** A reminder button LED's effects: a slow breathing pulse (the reminder) and a fast one (e.g. "snoozed/overdue"). */
export const BUTTON_LED_EFFECTS = [REMINDER_EFFECT, 'Fast pulse'] as const;

/** A led-strip's effects by light family, as ESPHome names them (and HA lists them). */
export const STRIP_PWM_EFFECTS = ['Pulse', 'Random', 'Flicker'] as const;
export const STRIP_ADDRESSABLE_EFFECTS = ['Pulse', 'Rainbow', 'Color wipe', 'Twinkle'] as const;

/** The effects of a led-strip's light: addressable ones for a WS2812 strip, PWM ones otherwise. */
export const stripEffects = (spec: LedStripSpec): readonly string[] =>
  spec.light.type === 'ws2812' ? STRIP_ADDRESSABLE_EFFECTS : STRIP_PWM_EFFECTS;

/** kind → its entities. A new kind is one line here (the type insists). */
const DEVICE_ENTITIES: { readonly [K in DeviceKind]: (spec: SpecOfKind<K>, scope: DeviceScope) => EntityDescription[] } = {
  'reminder-button': () => [
    entity({ domain: 'event', role: 'press', name: 'Button', eventTypes: [...BUTTON_EVENT_TYPES], deviceClass: 'button' }),
    entity({ domain: 'light', role: 'led', name: 'LED', effects: [...BUTTON_LED_EFFECTS], colorModes: ['brightness'] }),
  ],

  'presence-node': (spec, scope) =>
    trackedTrackers(spec, scope).map((tracker) =>
      entity({
        domain: 'sensor',
        role: 'rssi',
        tracker: tracker.id,
        // Named by the tracker's label ("Sam's iPhone RSSI"): HA shows it and derives the entity id from it.
        name: `${trackerLabel(tracker)} RSSI`,
        unit: 'dBm',
        deviceClass: 'signal_strength',
        stateClass: 'measurement',
        forceUpdate: true,
      }),
    ),

  'led-strip': (spec) => {
    const colorModes: ColorMode[] = [spec.light.type === 'rgbw' ? 'rgbw' : 'rgb'];
    return [entity({ domain: 'light', role: 'light', name: 'Light', effects: [...stripEffects(spec)], colorModes })];
  },
};

/**
 * The entities a device spec's firmware exposes, in the order the emitter writes them.
 * Throws `ConfigError` for a presence node tracking an unknown tracker.
 */
export function specEntities(spec: DeviceSpec, scope: DeviceScope): EntityDescription[] {
  // Each entry is typed for its own kind; looking it up by `spec.kind` guarantees the match.
  const describe = DEVICE_ENTITIES[spec.kind] as (spec: DeviceSpec, scope: DeviceScope) => EntityDescription[];
  return describe(spec, scope);
}

/** The entities a loaded device's firmware exposes (shared by the emitter and entity-ids.ts). */
export function describeEntities(device: LoadedDevice, household: Household): EntityDescription[] {
  return specEntities(device.spec, { file: device.file, household });
}
