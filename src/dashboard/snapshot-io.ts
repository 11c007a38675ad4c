/** Reads an `HaSnapshot` (registries, states, loaded integrations) over the websocket API. */
import { deviceRegistry, entityRegistry, getConfig, getStates, type HaCommander } from './ha-commands.js';
import type { HaSnapshot } from './snapshot.js';

export async function readSnapshot(conn: HaCommander): Promise<HaSnapshot> {
  const [entities, devices, states, config] = await Promise.all([
    entityRegistry(conn),
    deviceRegistry(conn),
    getStates(conn),
    getConfig(conn),
  ]);
  return { entities, devices, states: states.map((s) => s.entity_id), components: config.components };
}
