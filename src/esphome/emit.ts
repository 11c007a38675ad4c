import type { Household, LoadedDevice } from '../config/household.js';
import type { DeviceKind, DeviceSpec } from '../config/kinds/index.js';
import { baseConfig } from './base.js';
import { pinClaims } from '../config/pin-claims.js';
import { emitContext, type EmitContext } from './context.js';
import { describeEntities, type EntityDescription } from '../config/device-entities.js';
import type { KindEmitter } from './context.js';
import { emitterFor } from './kinds/index.js';
import { migrationNotes } from './migration-notes.js';
import { GENERATED_MARK, renderYaml } from './render.js';
import type { ConfigObject } from './values.js';

export interface EmittedDevice {
  /** `<device-name>.yaml` */
  fileName: string;
  config: ConfigObject;
  entities: EntityDescription[];
  headerLines: string[];
  ctx: EmitContext;
}

/** Base sections, then the kind's; a kind's section replaces a base one in place (order kept). */
function merge(base: ConfigObject, own: ConfigObject): ConfigObject {
  const out: Record<string, ConfigObject[string]> = { ...base };
  for (const [key, value] of Object.entries(own)) if (value !== undefined) out[key] = value;
  return out;
}

/** Each emitter is typed for its own kind; looking it up by `spec.kind` guarantees the match. */
const emitterOf = (spec: DeviceSpec): KindEmitter<DeviceKind> => emitterFor(spec.kind) as KindEmitter<DeviceKind>;

/** Spec → config object. Pure; throws `ConfigError` for a spec the emitter cannot honour. */
export function emitDevice(device: LoadedDevice, household: Household): EmittedDevice {
  const ctx = emitContext(device, household);
  const { spec } = device;
  const emitter = emitterOf(spec);
  const entities = describeEntities(device, household);
  const own = emitter.emit(spec, ctx, entities);
  const headerLines = [
    `${spec.name}.yaml: ${GENERATED_MARK}.`,
    `Source: ${device.file} (kind: ${spec.kind}). Regenerate with: hearth esphome generate`,
    ...(emitter.headerNotes?.(spec, ctx) ?? []),
    ...migrationNotes(spec.migrated_from, ctx.chip),
  ];
  const pins = pinClaims(spec).map((claim) => claim.pin);
  return { fileName: `${spec.name}.yaml`, config: merge(baseConfig(spec, ctx, pins), own), entities, headerLines, ctx };
}

/** Spec → YAML text, header included. */
export function renderDevice(device: LoadedDevice, household: Household): string {
  const emitted = emitDevice(device, household);
  return renderYaml(emitted.config, emitted.headerLines);
}
