/**
 * The Home Assistant entity ids a device's firmware will get, derived the way HA's ESPHome
 * integration makes them: its entities have `has_entity_name = True` and `name` = the ESPHome
 * entity name; the device is named by the firmware's `friendly_name` (falling back to its
 * `name`); HA then suggests the object id "<device name> <entity name>" and the entity id is
 * `<domain>.` + `slugify(...)` (homeassistant/util/__init__.py → python-slugify with "_").
 *
 * Facts about a device spec and HA's naming, so they live in config/ (entity-collisions.ts
 * checks them at load). Used by the hub (which event/light/sensor belongs to which
 * button/room), the dashboard, ha-registry/ and the test stack's ESPHome emulator (which
 * needs names, object ids, effects, units too).
 * Caveat: HA appends `_2`, `_3` when an id is already taken (a renamed/duplicated device);
 * that depends on HA's registry and cannot be derived here.
 */
import type { Household, LoadedDevice } from './household.js';
import type { DeviceKind, DeviceSpec } from './kinds/index.js';
import { describeEntities, type EntityDescription, type EntityRole } from './device-entities.js';
import { humanize } from './names.js';

export type { EntityDescription, EntityDomain, EntityRole } from './device-entities.js';

export interface DerivedEntity extends EntityDescription {
  /** e.g. `event.kitchen_kitchen_meds_button_button` (area first, see haEntityId) */
  entityId: string;
  /** HA's friendly name of the entity: "<device friendly name> <entity name>". */
  friendlyName: string;
}

export interface DeviceEntities {
  /** The ESPHome node name (= spec name), e.g. `kitchen-meds-button`. */
  device: string;
  kind: DeviceKind;
  file: string;
  /** The HA device name (ESPHome `friendly_name`). */
  friendlyName: string;
  area?: string;
  /** presence-node: the room it reports for. */
  room?: string;
  /** reminder-button: the routine a press acknowledges. */
  routine?: string;
  entities: DerivedEntity[];
}

// --- HA's slugify ------------------------------------------------------------------------

/**
 * Non-decomposable letters and punctuation that (text-)unidecode transliterates; accents
 * are handled by NFKD. Characters with no entry and no ASCII decomposition are dropped.
 * Exact for Latin-script names (checked against HA's own slugify in the integration test);
 * NOT for other scripts: HA transliterates "Привет" → `privet`, "日本" → `ri_ben`, here they
 * vanish. Keep friendly names in Latin script, or extend this table.
 */
const TRANSLITERATE: Record<string, string> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'TH',
  ł: 'l',
  Ł: 'L',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ŋ: 'ng',
  Ŋ: 'NG',
  ĸ: 'k',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': ',',
  '\u201b': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': ',,',
  '\u2013': '-',
  '\u2014': '--',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u00d7': 'x',
  '\u00b0': 'deg',
};

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: '\u00a0' };

function unidecode(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKD')) {
    if (/\p{M}/u.test(ch)) continue; // combining accents left over by NFKD
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out += ch;
    else out += TRANSLITERATE[ch] ?? '';
  }
  return out;
}

/**
 * Home Assistant's `slugify(text)` (python-slugify with separator "_", "unknown" for an
 * empty result): apostrophes split words ("Sam's" → `sam_s`) but a typographic ’ is
 * transliterated to ' and then dropped ("Sam’s" → `sams`); accents are stripped; commas
 * between digits vanish ("1,000" → `1000`); every other run of non-alphanumerics is one "_".
 */
export function haSlugify(text: string): string {
  if (text === '') return '';
  let s = text.replace(/'+/g, '-');
  s = unidecode(s);
  s = s
    .replace(/&(amp|lt|gt|quot|nbsp);/g, (_, name: string) => NAMED_ENTITIES[name] ?? '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([\da-fA-F]+);/g, (_, n: string) => String.fromCodePoint(parseInt(n, 16)));
  s = s.normalize('NFKD').toLowerCase();
  s = s.replace(/'+/g, '');
  s = s.replace(/(?<=\d),(?=\d)/g, '');
  s = s.replace(/[^-a-zA-Z0-9]+/g, '-');
  s = s.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  s = s.replace(/-/g, '_');
  return s === '' ? 'unknown' : s;
}

/** HA caps entity ids at 255 characters. */
const MAX_ENTITY_ID = 255;

/**
 * `<domain>.` + slugify("<area> <device name> <entity name>"), skipping missing parts.
 * Since HA 2026.6 (core PR #170560) a new entity's id starts with its device's area
 * name, without de-duplicating it against the device name: a "Kitchen meds button" in
 * the Kitchen gets `light.kitchen_kitchen_meds_button_led`. Ids are frozen once created,
 * so renaming the area later changes nothing; the hub still resolves ids from HA's
 * registry at run time and uses these only as the expected defaults.
 */
export function haEntityId(domain: string, deviceName: string, entityName: string | null, area?: string): string {
  const suggested = [area, deviceName, entityName].filter((part): part is string => !!part).join(' ');
  return `${domain}.${haSlugify(suggested)}`.slice(0, MAX_ENTITY_ID);
}

// --- per device ----------------------------------------------------------------------------

/** The HA device name: the firmware's `friendly_name`, defaulting to the spec name made readable. */
export const deviceFriendlyName = (spec: Pick<DeviceSpec, 'name' | 'friendly_name'>): string => spec.friendly_name ?? humanize(spec.name);

export function deviceEntities(device: LoadedDevice, household: Household): DeviceEntities {
  const { spec } = device;
  const friendlyName = deviceFriendlyName(spec);
  const entities = describeEntities(device, household).map((e) => ({
    ...e,
    entityId: haEntityId(e.domain, friendlyName, e.name, spec.area),
    friendlyName: `${friendlyName} ${e.name}`,
  }));
  return {
    device: spec.name,
    kind: spec.kind,
    file: device.file,
    friendlyName,
    ...(spec.area !== undefined ? { area: spec.area } : {}),
    ...(spec.kind === 'presence-node' ? { room: spec.room } : {}),
    ...(spec.kind === 'reminder-button' ? { routine: spec.routine } : {}),
    entities,
  };
}

/** Every device of the household, in the household's order. */
export function householdEntities(household: Household): DeviceEntities[] {
  return household.devices.map((device) => deviceEntities(device, household));
}

/** The entity id with a role on a device (and for a tracker), or undefined. */
export function findEntityId(
  devices: readonly DeviceEntities[],
  query: { device: string; role: EntityRole; tracker?: string },
): string | undefined {
  return devices
    .find((d) => d.device === query.device)
    ?.entities.find((e) => e.role === query.role && (query.tracker === undefined || e.tracker === query.tracker))?.entityId;
}

/** Entity id → (device, entity), for the hub's state-change handlers. */
export function entityIndex(devices: readonly DeviceEntities[]): Map<string, { device: DeviceEntities; entity: DerivedEntity }> {
  const index = new Map<string, { device: DeviceEntities; entity: DerivedEntity }>();
  for (const device of devices) for (const entity of device.entities) index.set(entity.entityId, { device, entity });
  return index;
}
