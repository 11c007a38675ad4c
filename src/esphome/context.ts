import { BOARDS, type Board, type Chip } from '../config/boards.js';
import type { Household, LoadedDevice } from '../config/household.js';
import type { DeviceKind, SpecOfKind } from '../config/kinds/index.js';
import { esphomePeriod } from '../config/duration.js';
import type { EntityDescription } from '../config/device-entities.js';
import { deviceFriendlyName } from '../config/entity-ids.js';
import type { ConfigObject } from './values.js';

/** Everything an emitter may read about the device it emits, besides its spec. */
export interface EmitContext {
  /** The spec file, named in errors and in the generated header. */
  file: string;
  household: Household;
  board: string;
  chip: Chip;
  variant: Board['variant'];
  /** `friendly_name`, defaulting to the name made readable; HA entity ids derive from it. */
  friendlyName: string;
}

/**
 * One device kind's emitter. Pure: spec + context in, plain data out.
 *  - `emit`: the kind's own top-level sections (base.ts adds esphome/wifi/api/ota/…), naming
 *    the entities config describes (config/device-entities.ts: what the firmware exposes to
 *    HA, shared with config/entity-ids.ts);
 *  (the GPIOs a kind claims, with their use and platform, are config's: config/pin-claims.ts,
 *  checked at load by config/pin-checks.ts; an emitter takes its platform choices from there);
 *  - `headerNotes`: extra comment lines for the generated file's header.
 * Problems a spec can still have at this point are thrown as `ConfigError`.
 */
export interface KindEmitter<K extends DeviceKind> {
  emit(spec: SpecOfKind<K>, ctx: EmitContext, entities: readonly EntityDescription[]): ConfigObject;
  headerNotes?(spec: SpecOfKind<K>, ctx: EmitContext): string[];
}

export function emitContext(device: LoadedDevice, household: Household): EmitContext {
  const { spec } = device;
  const board = BOARDS[spec.board];
  if (!board) throw new Error(`${device.file}: board: unknown board ${spec.board}`);
  return {
    file: device.file,
    household,
    board: spec.board,
    chip: board.chip,
    variant: board.variant,
    friendlyName: deviceFriendlyName(spec),
  };
}

/** ESPHome pin names: `GPIO25`. */
export const gpioName = (pin: number): string => `GPIO${pin}`;

/** Seconds as an ESPHome time period, e.g. `250ms`, `10s`, `1500ms` (config/duration.ts). */
export const period = esphomePeriod;
