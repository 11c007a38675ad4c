/**
 * Entity ids as Home Assistant has them: HA may name a device's entities differently from the
 * ids derived from the specs (an area prefix, a `_2` suffix, a rename in the UI). Read from
 * HA's entity and device registries (websocket `config/entity_registry/list`,
 * `config/device_registry/list`) each time HA reaches RUNNING, and after a reload.
 */
import type { Household } from '../config/household.js';
import { householdEntities, type DeviceEntities } from '../config/entity-ids.js';
import type { Logger } from '../log.js';
import type { HaClient } from './ha/client.js';
import { resolveEntityIds, type RegistryDevice, type RegistryEntity } from '../ha-registry/entity-resolver.js';

/** HA's entity and device registries (two websocket requests, sent together). */
export interface Registries {
  entities: RegistryEntity[];
  devices: RegistryDevice[];
}

/** Reads both registries; rejects when HA does not answer (the caller keeps the derived ids). */
export async function readRegistries(ha: Pick<HaClient, 'sendMessage'>): Promise<Registries> {
  const [entities, devices] = await Promise.all([
    ha.sendMessage<RegistryEntity[]>({ type: 'config/entity_registry/list' }),
    ha.sendMessage<RegistryDevice[]>({ type: 'config/device_registry/list' }),
  ]);
  return { entities, devices };
}

/**
 * The household's devices with HA's entity ids; undefined when they are the ones in use
 * (`current`), so nothing needs rebuilding. Renames and entities HA does not have are logged.
 */
export function resolvedDevices(
  household: Household,
  registries: Registries,
  current: DeviceEntities[],
  log: Logger,
): DeviceEntities[] | undefined {
  const { devices, renamed, missing, unresolved } = resolveEntityIds(householdEntities(household), registries.entities, registries.devices);
  for (const u of unresolved) {
    if (u.reason === 'ambiguous')
      log.warn(
        u,
        'no Home Assistant device is identified as this device (several share its name; name one by its node name in HA): its entities are treated as missing',
      );
  }
  if (missing.length) log.warn({ missing }, 'entities of the device specs not found in Home Assistant (not adopted yet?)');
  if (JSON.stringify(devices) === JSON.stringify(current)) return undefined;
  if (Object.keys(renamed).length) log.info({ renamed }, 'Home Assistant named some entities differently from the specs; using its ids');
  return devices;
}
