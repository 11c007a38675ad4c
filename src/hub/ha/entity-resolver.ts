/**
 * The entity ids HA actually gave the household's ESPHome entities. src/esphome/entity-ids.ts
 * derives them from the specs, but HA decides: it may prefix the area (newer HA suggests
 * "<area> <device> <entity>"), append `_2` on a clash, or the person may rename one. So the
 * hub looks them up in HA's registries (device by name; entity by domain and its ESPHome
 * unique id, `<mac>/<device>/<domain>/<name>` in HA 2026, `<mac>-<domain>-<object_id>`
 * before, or its original name) and falls back to the derived id. Pure over the registries.
 */
import type { DeviceEntities } from '../../esphome/entity-ids.js';

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

export interface Resolution {
  devices: DeviceEntities[];
  /** derived id → id in HA, only where they differ. */
  renamed: Record<string, string>;
  /** Derived ids with no registry entry found (kept as derived). */
  missing: string[];
}

export function resolveEntityIds(devices: readonly DeviceEntities[], entities: readonly RegistryEntity[], registryDevices: readonly RegistryDevice[]): Resolution {
  const renamed: Record<string, string> = {};
  const missing: string[] = [];
  const esphome = entities.filter((e) => e.platform === 'esphome');
  const resolved = devices.map((device) => {
    const names = new Set([device.friendlyName, device.device].map((n) => n.toLowerCase()));
    const deviceIds = new Set(
      registryDevices.filter((d) => [d.name, d.name_by_user].some((n) => n && names.has(n.toLowerCase()))).map((d) => d.id),
    );
    return {
      ...device,
      entities: device.entities.map((entity) => {
        const candidates = esphome.filter(
          (e) => e.device_id && deviceIds.has(e.device_id) && e.entity_id.startsWith(`${entity.domain}.`) && !e.disabled_by,
        );
        const found =
          candidates.find((e) => e.unique_id?.endsWith(`/${entity.domain}/${entity.name}`)) ??
          candidates.find((e) => e.unique_id?.endsWith(`-${entity.domain}-${entity.objectId}`)) ??
          candidates.find((e) => e.original_name === entity.name) ??
          esphome.find((e) => e.entity_id === entity.entityId);
        if (!found) {
          missing.push(entity.entityId);
          return entity;
        }
        if (found.entity_id !== entity.entityId) renamed[entity.entityId] = found.entity_id;
        return { ...entity, entityId: found.entity_id };
      }),
    };
  });
  return { devices: resolved, renamed, missing };
}
