/**
 * The names of the secrets the generated ESPHome configs reference with `!secret`, from the
 * fleet defaults in hearth.yaml `esphome:` and the trackers' keys (tracker-keys.ts), and the
 * load-time check that no two of them coincide. Names are facts of the configuration, so they
 * live here; esphome/base.ts and esphome/secrets.ts read them (the values, templates and
 * placeholder files stay there). Pure.
 */
import type { EsphomeDefaults, Tracker } from './hearth-config.js';
import type { Household } from './household.js';
import { keyFieldOf, trackerSecretName } from './tracker-keys.js';
import { configError, type ConfigIssue } from './issues.js';

/** Secret names of one device, from the fleet defaults (`{name}` → device name with '-' → '_'). */
export function deviceSecretNames(defaults: EsphomeDefaults, deviceName: string): { apiKey: string; otaPassword: string } {
  const name = deviceName.replace(/-/g, '_');
  return {
    apiKey: defaults.api_key_secret.replaceAll('{name}', name),
    otaPassword: defaults.ota_password_secret.replaceAll('{name}', name),
  };
}

/** Fleet-wide secret names (Wi-Fi, fallback hotspot) that every device uses. */
export function fleetSecretNames(defaults: EsphomeDefaults): string[] {
  const names = [defaults.wifi_ssid_secret, defaults.wifi_password_secret];
  if (defaults.fallback_ap) names.push(defaults.fallback_ap_password_secret);
  return names;
}

export type SecretKind =
  'wifi_ssid' | 'wifi_password' | 'fallback_ap_password' | 'api_key' | 'ota_password' | 'irk' | 'mac' | 'ibeacon_uuid';

export interface SecretEntry {
  name: string;
  kind: SecretKind;
  /** The device it belongs to (api key, OTA password). */
  device?: string;
  /** The tracker it identifies (IRK, MAC, iBeacon UUID). */
  tracker?: string;
}

const TRACKER_SECRET_KIND: Record<Tracker['type'], SecretKind> = { irk: 'irk', mac: 'mac', ibeacon: 'ibeacon_uuid' };

/** Trackers some presence node reports on (each one's key is referenced by `!secret`). */
export function trackersInUse(household: Household): Tracker[] {
  const used = new Set<string>();
  for (const { spec } of household.devices) {
    if (spec.kind !== 'presence-node') continue;
    for (const t of household.config.trackers) if (!spec.tracks || spec.tracks.includes(t.id)) used.add(t.id);
  }
  return household.config.trackers.filter((t) => used.has(t.id));
}

/** Every secret the fleet needs, fleet-wide ones first, then per device in household order. */
export function fleetSecrets(household: Household): SecretEntry[] {
  const defaults = household.config.esphome;
  const [ssid, password, ap] = fleetSecretNames(defaults);
  const entries: SecretEntry[] = [
    { name: ssid!, kind: 'wifi_ssid' },
    { name: password!, kind: 'wifi_password' },
  ];
  if (ap) entries.push({ name: ap, kind: 'fallback_ap_password' });
  for (const { spec } of household.devices) {
    const names = deviceSecretNames(defaults, spec.name);
    entries.push({ name: names.apiKey, kind: 'api_key', device: spec.name });
    entries.push({ name: names.otaPassword, kind: 'ota_password', device: spec.name });
  }
  for (const tracker of trackersInUse(household)) {
    entries.push({ name: trackerSecretName(tracker), kind: TRACKER_SECRET_KIND[tracker.type], tracker: tracker.id });
  }
  return entries;
}

/**
 * Secret names that two different things would share: an API key name that is also an OTA
 * password's or a tracker key's, or one key name for two trackers (ESPHome would hand both
 * sensors the same value). Devices sharing one name of the same kind (a fleet-wide API key from a
 * template without `{name}`) is a choice, not a collision. Errors name both owners.
 */
export function secretNameCollisions(household: Household): ConfigIssue[] {
  const owners = new Map<string, SecretEntry>();
  const issues: ConfigIssue[] = [];
  const ownerOf = (e: SecretEntry): string =>
    e.tracker ? `tracker "${e.tracker}"` : e.device ? `device "${e.device}" (${e.kind})` : `the fleet's ${e.kind}`;
  for (const entry of fleetSecrets(household)) {
    const first = owners.get(entry.name);
    if (!first) {
      owners.set(entry.name, entry);
      continue;
    }
    const sameKindDevices = first.kind === entry.kind && !first.tracker && !entry.tracker;
    if (sameKindDevices) continue;
    const index = entry.tracker ? household.config.trackers.findIndex((t) => t.id === entry.tracker) : -1;
    const file =
      index >= 0 ? household.configFile : (household.devices.find((d) => d.spec.name === entry.device)?.file ?? household.configFile);
    const path =
      index >= 0 ? `trackers[${index}].${keyFieldOf(household.config.trackers[index]!.type)}` : entry.device ? 'name' : 'esphome';
    issues.push(
      configError(
        file,
        path,
        `secret name "${entry.name}" of ${ownerOf(entry)} is also the secret name of ${ownerOf(first)}; each needs its own`,
      ),
    );
  }
  return issues;
}
