/**
 * What a device's firmware exposes to Home Assistant, described once per kind and read by
 * both the emitter (entity names, effect names, units in the YAML) and entity-ids.ts (the
 * ids HA will give them), so the two cannot drift. Also what an ESPHome emulator needs to
 * pretend to be the device.
 */
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
