import { z } from 'zod';
import { reminderButtonSpec } from './reminder-button.js';
import { presenceNodeSpec } from './presence-node.js';
import { ledStripSpec } from './led-strip.js';
import type { DeepPartial } from '../salvage.js';

/** Every device kind hearth knows; a new kind is a new file here, its pins in ../pin-claims.ts, its HA entities in ../device-entities.ts and its emitter in src/esphome/kinds. */
export const DEVICE_KINDS = {
  'reminder-button': reminderButtonSpec,
  'presence-node': presenceNodeSpec,
  'led-strip': ledStripSpec,
} as const;

export type DeviceKind = keyof typeof DEVICE_KINDS;

export const deviceSpec = z.discriminatedUnion('kind', [reminderButtonSpec, presenceNodeSpec, ledStripSpec]);

export type DeviceSpec = z.output<typeof deviceSpec>;
export type SpecOfKind<K extends DeviceKind> = Extract<DeviceSpec, { kind: K }>;

/**
 * A device spec as far as it parsed (config/salvage.ts): its kind is known, any other field may
 * be missing. The checks after the schema take it, so a spec with a missing key is still
 * checked for everything else; a fully parsed DeviceSpec is one too.
 */
export type PartialDeviceSpec = { [K in DeviceKind]: DeepPartial<SpecOfKind<K>> & { kind: K } }[DeviceKind];

export type { ReminderButtonSpec } from './reminder-button.js';
export type { PresenceNodeSpec } from './presence-node.js';
export type { LedStripSpec } from './led-strip.js';
