/**
 * The values that identify a person's phone or tag over BLE (an IRK, a fixed MAC, an iBeacon
 * UUID). Each one lets whoever holds it follow that person, so hearth treats them as secrets:
 * hearth.yaml may give the value itself, a `!secret name` (an entry of ESPHome's secrets.yaml)
 * or a file (`irk_file:`, `mac_file:`, `uuid_file:`), and the generated ESPHome configs only
 * ever carry a `!secret` reference (never the value). The hub needs none of them.
 *
 * IRK forms are the ones Home Assistant's Private BLE Device takes
 * (homeassistant/components/private_ble_device/config_flow.py, `_parse_irk`): an optional
 * `irk:` prefix, then either base64 (recognised by its trailing `=`; the bytes are reversed,
 * which turns the keychain's order into HA's) or 32 hex digits, taken as they are. hearth
 * converts to HA's hex the same way, so one key means the same phone in HA and in ESPHome
 * (ESPHome's `ble_rssi` `irk:` takes HA's hex as it is: ble_device_base `as_hex_array`).
 */
import { readFile } from 'node:fs/promises';
import { SecretReference } from './secret-ref.js';

export type TrackerKeyField = 'irk' | 'mac' | 'uuid';

/** Where a tracker's key comes from. */
export type TrackerKey = { from: 'value'; value: string } | { from: 'secret'; name: string } | { from: 'file'; path: string };

/** What a key field holds after parsing: the normalised value, or a `!secret` reference. */
export type KeyValue = string | SecretReference;

/** How a hex IRK in the wrong byte order happens, and what to do instead. */
export const IRK_BYTE_ORDER_HINT =
  "hex exactly as HA's Private BLE Device shows it; if you turned the keychain's base64 into hex yourself (base64 -d | xxd -p), " +
  'that hex is in reverse byte order and would never match: paste the base64 (ending in "=") instead, and hearth reverses it as HA does';

/** A normalised IRK (32 lowercase hex digits, HA's order) or why the text is not one. */
export function parseIrk(text: string): { irk: string } | { problem: string } {
  const body = text.trim().replace(/^irk:/, '');
  let bytes: Buffer | undefined;
  if (body.endsWith('=')) {
    // HA: bytes(reversed(base64.b64decode(irk))); Buffer.from ignores junk, so check the alphabet first.
    if (/^[A-Za-z0-9+/]+={1,2}$/.test(body)) bytes = Buffer.from(body, 'base64').reverse();
  } else if (/^([0-9a-fA-F]{2})+$/.test(body)) {
    bytes = Buffer.from(body, 'hex');
  }
  if (bytes?.length === 16) return { irk: bytes.toString('hex') };
  const what = bytes ? `is ${bytes.length} bytes, an IRK is 16` : 'is neither 32 hex digits nor base64';
  return {
    problem: `${what}: give the Identity Resolving Key as 32 hex digits (${IRK_BYTE_ORDER_HINT}), or as the base64 the keychain shows (e.g. "ESIzRFVmd4iZqrvM3e7/AA==")`,
  };
}

/** `aa:bb:cc:dd:ee:ff`, `AA-BB-…` or `aabbccddeeff` → `AA:BB:CC:DD:EE:FF` (ESPHome's form). */
export function parseMac(text: string): { mac: string } | { problem: string } {
  const t = text.trim();
  if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(t) && !/^[0-9a-f]{12}$/i.test(t))
    return { problem: 'must be a MAC address like AA:BB:CC:DD:EE:FF' };
  return { mac: t.replace(/[:-]/g, '').toUpperCase().match(/../g)!.join(':') };
}

/** A UUID (8-4-4-4-12 hex digits, lowercase), as ESPHome's `ibeacon_uuid` takes it. */
export function parseUuid(text: string): { uuid: string } | { problem: string } {
  const t = text.trim();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t))
    return { problem: 'must be a UUID like 8-4-4-4-12 hex digits' };
  return { uuid: t.toLowerCase() };
}

/** Normalises one field's text value; the problem when it is not one. */
export function normaliseKey(field: TrackerKeyField, text: string): { value: string } | { problem: string } {
  const parsed = field === 'irk' ? parseIrk(text) : field === 'mac' ? parseMac(text) : parseUuid(text);
  if ('problem' in parsed) return parsed;
  return { value: 'irk' in parsed ? parsed.irk : 'mac' in parsed ? parsed.mac : parsed.uuid };
}

/** The tracker fields a key can come from (the parsed tracker's own shape). */
export interface KeyFields {
  id: string;
  type: 'irk' | 'ibeacon' | 'mac';
  irk?: KeyValue | undefined;
  irk_file?: string | undefined;
  uuid?: KeyValue | undefined;
  uuid_file?: string | undefined;
  mac?: KeyValue | undefined;
  mac_file?: string | undefined;
}

/** The key field of each tracker type. */
export const keyFieldOf = (type: KeyFields['type']): TrackerKeyField => (type === 'ibeacon' ? 'uuid' : type);

/** Where a parsed tracker's key comes from. */
export function trackerKey(tracker: KeyFields): TrackerKey {
  const field = keyFieldOf(tracker.type);
  const value = tracker[field];
  const file = tracker[`${field}_file`];
  if (value instanceof SecretReference) return { from: 'secret', name: value.name };
  if (typeof value === 'string') return { from: 'value', value };
  return { from: 'file', path: file! };
}

/** The ESPHome secret name a tracker's key goes by: the `!secret` given, else `<tracker id with _>_<field>`. */
export function trackerSecretName(tracker: KeyFields): string {
  const key = trackerKey(tracker);
  return key.from === 'secret' ? key.name : `${tracker.id.replace(/-/g, '_')}_${keyFieldOf(tracker.type)}`;
}

export class TrackerKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackerKeyError';
  }
}

/**
 * The key's value in ESPHome's form, when hearth can know it: from hearth.yaml, or read from
 * its file (normalised like a value in hearth.yaml); undefined for a `!secret` (it lives in
 * secrets.yaml). Throws TrackerKeyError naming the setting and file, never the value.
 */
export async function readTrackerKey(
  tracker: KeyFields,
  where: string,
  read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8'),
): Promise<string | undefined> {
  const key = trackerKey(tracker);
  if (key.from === 'value') return key.value;
  if (key.from === 'secret') return undefined;
  const field = keyFieldOf(tracker.type);
  let text: string;
  try {
    text = await read(key.path);
  } catch (e) {
    throw new TrackerKeyError(
      `${where}.${field}_file: cannot read ${key.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const parsed = normaliseKey(field, text);
  if ('problem' in parsed) throw new TrackerKeyError(`${where}.${field}_file: the ${field} in ${key.path} ${parsed.problem}`);
  return parsed.value;
}
