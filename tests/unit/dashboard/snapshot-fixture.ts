/**
 * An HA snapshot as HA would hold it after hearth ran against it: ESPHome entities (one
 * registry device per household device; unique ids as HA 2026 stores them) and hearth's
 * MQTT entities, made from the real discovery configs (unique_id, default_entity_id).
 */
import type { Household } from '../../../src/config/household.js';
import { householdEntities } from '../../../src/config/entity-ids.js';
import type { RegistryDevice, RegistryEntity } from '../../../src/ha-registry/entity-resolver.js';
import { discoveryEntities } from '../../../src/hub/mqtt/discovery-entities.js';
import { householdDiscovery } from '../../../src/discovery/discovery.js';
import type { HaSnapshot } from '../../../src/dashboard/snapshot.js';
import { coachDiscovery } from '../../../src/lifecoach/ha/discovery.js';

export function snapshotOf(household: Household, components = ['mqtt', 'esphome', 'frontend', 'lovelace']): HaSnapshot {
  const entities: RegistryEntity[] = [];
  const devices: RegistryDevice[] = [];
  for (const [i, d] of householdEntities(household).entries()) {
    const deviceId = `dev${i}`;
    devices.push({ id: deviceId, name: d.friendlyName, name_by_user: null });
    for (const e of d.entities) {
      entities.push({
        entity_id: e.entityId,
        platform: 'esphome',
        unique_id: `AA:BB:CC:00:00:0${i}/${d.device}/${e.domain}/${e.name}`,
        device_id: deviceId,
        original_name: e.name,
        disabled_by: null,
      });
    }
  }
  const ctx = { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' };
  for (const m of householdDiscovery(ctx, discoveryEntities(household))) {
    const body = JSON.parse(m.payload) as { unique_id: string; default_entity_id: string };
    entities.push({ entity_id: body.default_entity_id, platform: 'mqtt', unique_id: body.unique_id, device_id: null, disabled_by: null });
  }
  return { entities, devices, states: entities.map((e) => e.entity_id), components };
}

/** Renames an entity the way a person does in HA's UI: the registry and state keep the new id. */
export function rename(snapshot: HaSnapshot, from: string, to: string): void {
  const entry = snapshot.entities.find((e) => e.entity_id === from);
  if (!entry) throw new Error(`no ${from} in the snapshot`);
  entry.entity_id = to;
  snapshot.states = snapshot.states.map((s) => (s === from ? to : s));
}

/** Removes an entity from HA (registry and states). */
export function remove(snapshot: HaSnapshot, entityId: string): void {
  snapshot.entities = snapshot.entities.filter((e) => e.entity_id !== entityId);
  snapshot.states = snapshot.states.filter((s) => s !== entityId);
}

/**
 * Adds the life coach's MQTT entities as HA registers them after the coach ran: from its real
 * discovery configs (src/lifecoach/ha/discovery.ts), each under its `default_entity_id`.
 */
export function withCoach(snapshot: HaSnapshot, person: { id: string; name: string }, cameras: string[]): HaSnapshot {
  const ctx = { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' };
  for (const m of coachDiscovery(ctx, person, cameras)) {
    const body = JSON.parse(String(m.payload)) as { unique_id: string; default_entity_id: string };
    snapshot.entities.push({
      entity_id: body.default_entity_id,
      platform: 'mqtt',
      unique_id: body.unique_id,
      device_id: 'coach',
      disabled_by: null,
    });
    snapshot.states.push(body.default_entity_id);
  }
  return snapshot;
}
