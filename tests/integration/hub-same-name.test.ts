/**
 * Case same-friendly-name-two-areas against the pinned Home Assistant: two "Meds button"s and
 * two "Presence" nodes in different areas, emulated and adopted by HA's ESPHome integration.
 * HA's own registries (entity and device registry lists, as hearth reads them) go through
 * hearth's resolver; every entity must resolve to the entity HA created for that very device
 * (known here from each device's own ESPHome config entry), none to its namesake's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveEntityIds, type RegistryDevice, type RegistryEntity } from '../../src/ha-registry/entity-resolver.js';
import { connectHA, wsCommand } from '../stack/ha-client.js';
import { dumpLogsOnFailure, startStack, type Stack } from '../helpers/index.js';

const CASE = join(import.meta.dirname, '../fixtures/cases/same-friendly-name-two-areas');
let stack: Stack | undefined;
dumpLogsOnFailure(() => stack);

beforeAll(async () => {
  stack = await startStack({ log: () => {}, deviceSource: { configFile: join(CASE, 'hearth.yaml'), devicesDir: join(CASE, 'devices') } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('devices sharing a friendly name, in HA (case same-friendly-name-two-areas)', () => {
  it('each device resolves to the entities HA created for it', async () => {
    const s = stack!;
    const conn = await connectHA(s.hass.url, s.hass.token);
    try {
      const [entities, devices] = await Promise.all([
        wsCommand<RegistryEntity[]>(conn, { type: 'config/entity_registry/list' }),
        wsCommand<RegistryDevice[]>(conn, { type: 'config/device_registry/list' }),
      ]);
      // HA did name two devices alike: the case is real.
      const names = devices.map((d) => d.name);
      expect(names.filter((n) => n === 'Meds button')).toHaveLength(2);
      expect(names.filter((n) => n === 'Presence')).toHaveLength(2);

      const r = resolveEntityIds(s.devices, entities, devices);
      expect(r.unresolved).toEqual([]);
      expect(r.missing).toEqual([]);
      for (const device of r.devices) {
        const own = new Set((s.haEntities[device.device] ?? []).map((e) => e.entityId));
        expect(own.size).toBeGreaterThan(0);
        for (const e of device.entities)
          expect({ device: device.device, entity: e.entityId, own: own.has(e.entityId) }).toEqual({
            device: device.device,
            entity: e.entityId,
            own: true,
          });
      }
    } finally {
      conn.close();
    }
  });
});
