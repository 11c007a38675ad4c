/**
 * The secrets the generated configs reference with `!secret`: their names (from the fleet
 * defaults in hearth.yaml `esphome:`), a secrets.yaml template, fresh random values, and the
 * placeholder file `validate` uses when the real one is absent.
 */
import { randomBytes } from 'node:crypto';
import { Document, Scalar, YAMLMap, Pair, parseDocument } from 'yaml';
import type { Household } from '../config/household.js';
import { fleetSecrets, trackersInUse, type SecretEntry, type SecretKind } from '../config/secret-names.js';
import { normaliseKey, readTrackerKey, trackerSecretName, type TrackerKeyField } from '../config/tracker-keys.js';

/** ESPHome's API encryption key: 32 random bytes, base64. */
export const newApiKey = (random: (n: number) => Buffer = randomBytes): string => random(32).toString('base64');

/** A password of URL-safe characters (no YAML or shell surprises), 24 characters. */
export const newPassword = (random: (n: number) => Buffer = randomBytes): string => random(18).toString('base64url');

/** Values of the right shape that no real device uses (for `esphome config`). */
export function placeholderValue(kind: SecretKind): string {
  switch (kind) {
    case 'api_key':
      return Buffer.alloc(32, 0x68).toString('base64'); // 32 bytes of 'h'
    case 'wifi_ssid':
      return 'hearth-placeholder';
    case 'irk':
      return '68686868686868686868686868686868';
    case 'mac':
      return '02:00:00:00:00:68'; // a locally administered address no vendor hands out
    case 'ibeacon_uuid':
      return '68686868-6868-4868-8868-686868686868';
    default:
      return 'hearth-placeholder-password';
  }
}

function secretsYaml(entries: readonly { name: string; value: string; comment?: string }[], header: string[]): string {
  const map = new YAMLMap();
  for (const { name, value, comment } of entries) {
    const key = new Scalar(name);
    if (comment) key.commentBefore = ` ${comment}`;
    const node = new Scalar(value);
    node.type = Scalar.QUOTE_DOUBLE;
    map.items.push(new Pair(key, node));
  }
  const doc = new Document(null, { version: '1.1' });
  doc.contents = map as never;
  return `${header.map((l) => `# ${l}`).join('\n')}\n\n${doc.toString({ lineWidth: 0 })}`;
}

function commentFor(entry: SecretEntry, previous: SecretEntry | undefined): string | undefined {
  if (entry.device) return previous?.device === entry.device ? undefined : entry.device;
  if (entry.tracker) return previous?.tracker ? undefined : 'BLE tracker keys (each one follows a person: keep them secret)';
  if (!previous) return 'Wi-Fi (fill in)';
  return undefined;
}

/**
 * secrets.yaml for the fleet. Without `generate`: every name with a "CHANGE ME" value. With
 * `generate`: fresh random API keys, OTA and fallback-hotspot passwords; the Wi-Fi name and
 * password still need filling in.
 */
export function secretsTemplate(
  household: Household,
  options: { generate?: boolean; random?: (n: number) => Buffer; trackerKeys?: ReadonlyMap<string, string> } = {},
): string {
  const entries = fleetSecrets(household);
  const values = entries.map((entry, i) => {
    let value = 'CHANGE ME';
    if (entry.tracker) value = options.trackerKeys?.get(entry.name) ?? 'CHANGE ME';
    if (options.generate && entry.kind === 'api_key') value = newApiKey(options.random);
    else if (options.generate && (entry.kind === 'ota_password' || entry.kind === 'fallback_ap_password'))
      value = newPassword(options.random);
    return { name: entry.name, value, comment: commentFor(entry, entries[i - 1]) };
  });
  const header = [
    'secrets.yaml for the ESPHome configs hearth generates (hearth esphome secrets).',
    'Keep it out of git and the Nix store; point `hearth esphome generate --secrets FILE` at it.',
    'api keys: 32 random bytes, base64 (also what HA asks for when adding the device).',
    'Tracker keys (IRK as HA shows it, MAC, iBeacon UUID) come from hearth.yaml or their *_file;',
    'CHANGE ME where hearth.yaml says `!secret` (your secrets.yaml already has that one).',
  ];
  return secretsYaml(values, header);
}

/**
 * The tracker keys hearth can know (from hearth.yaml or their files), by secret name, for
 * `secretsTemplate`. Throws TrackerKeyError naming the setting and file (never the value).
 */
export async function readTrackerKeys(household: Household, read?: (path: string) => Promise<string>): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const tracker of trackersInUse(household)) {
    const index = household.config.trackers.indexOf(tracker);
    const value = await readTrackerKey(tracker, `${household.configFile}: trackers[${index}]`, read);
    if (value !== undefined) keys.set(trackerSecretName(tracker), value);
  }
  return keys;
}

/** A placeholder secrets.yaml for the given names (api keys get a valid 32-byte base64 key). */
export function placeholderSecrets(entries: readonly Pick<SecretEntry, 'name' | 'kind'>[]): string {
  const unique = [...new Map(entries.map((e) => [e.name, e])).values()];
  return secretsYaml(
    unique.map((e) => ({ name: e.name, value: placeholderValue(e.kind) })),
    ['Placeholder secrets written by hearth esphome validate: shapes only, no real values.'],
  );
}

/** A secrets.yaml's top-level string values by name (unreadable YAML: none). */
function secretsOf(secretsText: string): Map<string, unknown> {
  try {
    const doc = parseDocument(secretsText, { version: '1.1' });
    const value: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return new Map(Object.entries(value));
  } catch {
    // fall through: nothing readable
  }
  return new Map();
}

/** Names the fleet needs that a secrets.yaml does not define (its keys alone decide). */
export function missingSecrets(household: Household, secretsText: string): string[] {
  const have = secretsOf(secretsText);
  return [...new Set(fleetSecrets(household).map((e) => e.name))].filter((name) => !have.has(name));
}

const KEY_FIELD: Partial<Record<SecretKind, TrackerKeyField>> = { irk: 'irk', mac: 'mac', ibeacon_uuid: 'uuid' };
const FORM: Record<TrackerKeyField, string> = {
  irk: "it needs 32 hex digits in HA's byte order",
  mac: 'it needs AA:BB:CC:DD:EE:FF',
  uuid: 'it needs 8-4-4-4-12 hex digits',
};

/**
 * Tracker keys in a secrets.yaml that ESPHome will not take as they are: ESPHome's `ble_rssi`
 * reads them without converting (an IRK must already be HA's 32 hex digits, not the keychain's
 * base64). Each problem names the secret and what to do, never the value.
 */
export function trackerSecretProblems(household: Household, secretsText: string): string[] {
  const values = secretsOf(secretsText);
  const problems: string[] = [];
  for (const entry of fleetSecrets(household)) {
    const field = KEY_FIELD[entry.kind];
    const value = values.get(entry.name);
    if (!field || value === undefined) continue;
    const text = String(value).trim();
    // What ESPHome's own validators take: cv.uuid for irk and ibeacon_uuid, cv.mac_address (colons).
    const asWritten =
      field === 'mac'
        ? /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)
        : /^[0-9a-f]{32}$/i.test(text) || /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(text);
    if (asWritten) continue;
    const converted = normaliseKey(field, text);
    problems.push(
      'value' in converted
        ? `${entry.name}: ESPHome does not take this ${field} as written (${FORM[field]}); give the same text to hearth (${field}_file or hearth.yaml) and copy the converted value from \`hearth esphome secrets\``
        : `${entry.name}: not a valid ${field} (${converted.problem})`,
    );
  }
  return problems;
}
