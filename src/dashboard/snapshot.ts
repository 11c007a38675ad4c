/**
 * What the dashboard generator knows about one Home Assistant: its entity and device
 * registries, the entity ids that have a state, and the integrations loaded (`get_config`
 * `components`). Plain data, so the generator stays pure; `readSnapshot` (snapshot-io.ts)
 * fills it over the websocket API.
 */
import type { RegistryDevice, RegistryEntity } from '../ha-registry/entity-resolver.js';

export interface HaSnapshot {
  /** `config/entity_registry/list` (entity_id, platform, unique_id, device_id, disabled_by). */
  entities: RegistryEntity[];
  /** `config/device_registry/list`. */
  devices: RegistryDevice[];
  /** Entity ids HA has a state for (`get_states`); entities without a registry entry count too. */
  states: string[];
  /** `get_config` → `components`: loaded integrations, e.g. `todo`, `image`, `mqtt`, `esphome`. */
  components: string[];
}

/**
 * Whether HA has this entity: a state or an enabled registry entry. A card naming anything
 * else would show HA's "Entity not found" warning.
 */
export function entityExists(snapshot: HaSnapshot, entityId: string): boolean {
  if (snapshot.states.includes(entityId)) return true;
  return snapshot.entities.some((e) => e.entity_id === entityId && !e.disabled_by);
}

/**
 * The entity id HA gave an MQTT-discovered entity of hearth's, found by its `unique_id`
 * (src/hub/mqtt/discovery.ts), or undefined when HA does not have it (hearth has not run,
 * or the person deleted or disabled it). Never derived from names: the person may rename it.
 */
export function mqttEntityId(snapshot: HaSnapshot, uniqueId: string): string | undefined {
  return snapshot.entities.find((e) => e.platform === 'mqtt' && e.unique_id === uniqueId && !e.disabled_by)?.entity_id;
}

/** Whether an integration is loaded in this HA. */
export const loaded = (snapshot: HaSnapshot, component: string): boolean => snapshot.components.includes(component);
