/**
 * The entity ids HA actually gave the household's ESPHome entities. src/config/entity-ids.ts
 * derives them from the specs, but HA decides: it may prefix the area (newer HA suggests
 * "<area> <device> <entity>"), append `_2` on a clash, or the person may rename one. So the
 * hub looks them up in HA's registries. Pure over the registries.
 *
 * Identity, never a display name alone: HA's ESPHome integration names a device by its
 * `friendly_name` (homeassistant/components/esphome/manager.py, `_async_setup_device_registry`),
 * and two devices may share one ("Meds button" in the kitchen and in the bedroom: HA's
 * area-first naming invites it). A spec device is matched to exactly one HA device (one that
 * holds ESPHome entities) by, in order:
 *  1. its ESPHome node name (unique on the network) as the HA device's name or name_by_user;
 *  2. its friendly name, only when exactly one HA ESPHome device and exactly one spec carry it;
 *  3. the HA device that holds an entity with one of the spec's derived entity ids (entity ids
 *     are unique in HA, and the derived one carries the area) that no other spec derives too,
 *     claimed by no other spec.
 * Its entities are then looked up inside that HA device only: by the ESPHome unique id
 * (`<mac>/<device>/<domain>/<name>` in HA 2026, `<mac>-<domain>-<object_id>` before), the
 * original name, or the derived id. When no unique device matches, its entities are missing
 * (`unresolved` says why), and a derived id that HA gave to another device is dropped rather
 * than read as this device's (a bedroom press must never acknowledge the kitchen's routine).
 */
import type { DeviceEntities } from '../config/entity-ids.js';

export interface RegistryEntity {
  entity_id: string;
  platform: string;
  original_name?: string | null;
  unique_id?: string | null;
  device_id?: string | null;
  disabled_by?: string | null;
}

export interface RegistryDevice {
  id: string;
  name?: string | null;
  name_by_user?: string | null;
}

/** A spec device no unique HA device was found for. */
export interface UnresolvedDevice {
  /** ESPHome node name of the spec. */
  device: string;
  /** `ambiguous`: several HA devices carry its name and none is identified as this one. */
  reason: 'ambiguous' | 'not-found';
  /** HA device ids that carry its name (for `ambiguous`). */
  candidates: string[];
}

export interface Resolution {
  /** The specs' devices with HA's entity ids; an entity whose id HA gave to another device is left out. */
  devices: DeviceEntities[];
  /** derived id → id in HA, only where they differ. */
  renamed: Record<string, string>;
  /** Derived ids with no registry entry found on the device's own HA device. */
  missing: string[];
  unresolved: UnresolvedDevice[];
}

const lower = (s: string | null | undefined): string | undefined => (s ? s.toLowerCase() : undefined);

/** HA device ids whose name or user-given name is `name` (case-insensitive). */
function devicesNamed(devices: readonly RegistryDevice[], name: string): string[] {
  const n = name.toLowerCase();
  return devices.filter((d) => lower(d.name) === n || lower(d.name_by_user) === n).map((d) => d.id);
}

/**
 * HA device id per spec device (node name), by the identity rules above; undefined where none
 * is unique. Pure.
 */
export function matchDevices(
  specs: readonly DeviceEntities[],
  entities: readonly RegistryEntity[],
  registryDevices: readonly RegistryDevice[],
): { matched: Map<string, string>; unresolved: UnresolvedDevice[] } {
  const esphome = entities.filter((e) => e.platform === 'esphome');
  const withEsphome = new Set(esphome.flatMap((e) => (e.device_id ? [e.device_id] : [])));
  const haDevices = registryDevices.filter((d) => withEsphome.has(d.id));
  const matched = new Map<string, string>();
  const claimed = new Set<string>();
  const claim = (spec: string, id: string): void => {
    matched.set(spec, id);
    claimed.add(id);
  };

  // 1. Node name.
  for (const spec of specs) {
    const named = devicesNamed(haDevices, spec.device);
    if (named.length === 1 && !claimed.has(named[0]!)) claim(spec.device, named[0]!);
  }
  // 2. Friendly name, unique on both sides.
  const specsByFriendly = new Map<string, number>();
  for (const s of specs) specsByFriendly.set(s.friendlyName.toLowerCase(), (specsByFriendly.get(s.friendlyName.toLowerCase()) ?? 0) + 1);
  for (const spec of specs) {
    if (matched.has(spec.device) || specsByFriendly.get(spec.friendlyName.toLowerCase()) !== 1) continue;
    const named = devicesNamed(haDevices, spec.friendlyName).filter((id) => !claimed.has(id));
    if (named.length === 1) claim(spec.device, named[0]!);
  }
  // 3. The HA device holding one of its derived entity ids.
  const deviceOfEntity = new Map(esphome.flatMap((e) => (e.device_id ? [[e.entity_id, e.device_id] as const] : [])));
  const derivedBy = new Map<string, number>();
  for (const s of specs) for (const e of s.entities) derivedBy.set(e.entityId, (derivedBy.get(e.entityId) ?? 0) + 1);
  for (const spec of specs) {
    if (matched.has(spec.device)) continue;
    // Only an id no other spec derives too says which device this is.
    const own = spec.entities.filter((e) => derivedBy.get(e.entityId) === 1 && deviceOfEntity.has(e.entityId));
    const holders = new Set(own.map((e) => deviceOfEntity.get(e.entityId)!));
    const [only] = holders;
    if (holders.size === 1 && !claimed.has(only!)) claim(spec.device, only!);
  }

  const unresolved: UnresolvedDevice[] = [];
  for (const spec of specs) {
    if (matched.has(spec.device)) continue;
    const candidates = [...new Set([...devicesNamed(haDevices, spec.friendlyName), ...devicesNamed(haDevices, spec.device)])];
    unresolved.push({ device: spec.device, reason: candidates.length ? 'ambiguous' : 'not-found', candidates });
  }
  return { matched, unresolved };
}

/**
 * Resolves every spec entity to the entity id HA gave it (see the file's doc for the rules).
 * `entities`: `config/entity_registry/list`; `registryDevices`: `config/device_registry/list`.
 */
export function resolveEntityIds(
  devices: readonly DeviceEntities[],
  entities: readonly RegistryEntity[],
  registryDevices: readonly RegistryDevice[],
): Resolution {
  const renamed: Record<string, string> = {};
  const missing: string[] = [];
  const esphome = entities.filter((e) => e.platform === 'esphome' && !e.disabled_by);
  const byId = new Map(entities.map((e) => [e.entity_id, e]));
  const { matched, unresolved } = matchDevices(devices, entities, registryDevices);
  const resolved = devices.map((device) => {
    const haDevice = matched.get(device.device);
    const own = haDevice === undefined ? [] : esphome.filter((e) => e.device_id === haDevice);
    const out: DeviceEntities = { ...device, entities: [] };
    for (const entity of device.entities) {
      const candidates = own.filter((e) => e.entity_id.startsWith(`${entity.domain}.`));
      const found =
        candidates.find((e) => e.unique_id?.endsWith(`/${entity.domain}/${entity.name}`)) ??
        candidates.find((e) => e.unique_id?.endsWith(`-${entity.domain}-${entity.objectId}`)) ??
        candidates.find((e) => e.original_name === entity.name) ??
        candidates.find((e) => e.entity_id === entity.entityId);
      if (found) {
        if (found.entity_id !== entity.entityId) renamed[entity.entityId] = found.entity_id;
        out.entities.push({ ...entity, entityId: found.entity_id });
        continue;
      }
      missing.push(entity.entityId);
      // Not in HA at all (not adopted yet): keep the derived id, HA will most likely give it.
      // HA gave that id to an entity of another device: leave it out, never read another's.
      const taken = byId.get(entity.entityId);
      if (!taken?.device_id) out.entities.push(entity);
    }
    return out;
  });
  return { devices: resolved, renamed, missing, unresolved };
}
