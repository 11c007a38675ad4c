import type { HearthConfig } from './hearth-config.js';
import type { DeviceSpec } from './kinds/index.js';
import type { ConfigIssue } from './issues.js';

/** One parsed device spec and the file it came from (named in every error and generated header). */
export interface LoadedDevice<S extends DeviceSpec = DeviceSpec> {
  /** Path as given/relative to the cwd, e.g. `devices/kitchen-meds-button.yaml`. */
  file: string;
  spec: S;
}

/**
 * hearth.yaml + devices/*.yaml, parsed and cross-checked: the one object that the
 * ESPHome generator, the hub and the dashboard all read.
 */
export interface Household {
  configFile: string;
  config: HearthConfig;
  devices: LoadedDevice[];
  /** Non-fatal findings (e.g. a strapping pin used for the button). */
  warnings: ConfigIssue[];
}
