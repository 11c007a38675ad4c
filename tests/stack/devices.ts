/**
 * The household's ESPHome devices for the stack: the repo's hearth.yaml + devices/*.yaml,
 * turned into ESPHome configs by hearth's own generator (the emulator reads those), and the
 * entity ids HA should create for them (src/config/entity-ids.ts).
 */
import { join } from 'node:path';
import { loadHousehold } from '../../src/config/load.js';
import type { Household } from '../../src/config/household.js';
import { generate } from '../../src/esphome/generate.js';
import { householdEntities, type DeviceEntities } from '../../src/config/entity-ids.js';
import { REPO_ROOT } from './paths.js';

export interface HouseholdDevices {
  household: Household;
  /** Per device: node name, kind, friendly name and the entity ids HA should create. */
  devices: DeviceEntities[];
  /** Generated ESPHome config files (`<outDir>/<name>.yaml`). */
  files: string[];
}

export interface DeviceSource {
  /** Default `<repo>/hearth.yaml`. */
  configFile?: string;
  /** Default `<repo>/devices`. */
  devicesDir?: string;
}

/** Loads the household and writes one generated ESPHome config per device into `outDir`. */
export async function generateDeviceConfigs(outDir: string, source: DeviceSource = {}): Promise<HouseholdDevices> {
  const household = await loadHousehold({
    configFile: source.configFile ?? join(REPO_ROOT, 'hearth.yaml'),
    devicesDir: source.devicesDir ?? join(REPO_ROOT, 'devices'),
  });
  const result = await generate(household, { outDir });
  return { household, devices: householdEntities(household), files: result.written.map((f) => (f.startsWith('/') ? f : join(outDir, f))) };
}
