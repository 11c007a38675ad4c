/**
 * Naming, areas and enum states of hearth's discovered entities (issue 13): names per HA's
 * entity naming guidelines (no device name repeated in an entity's name), `suggested_area`
 * from the household's devices, enum sensors with their options.
 */
import { describe, expect, it } from 'vitest';
import { discoveryEntities } from '../../../../src/hub/mqtt/discovery-entities.js';
import { householdDiscovery, personDiscovery, routineDiscovery } from '../../../../src/discovery/discovery.js';
import { loadHousehold } from '../../../../src/config/load.js';

// Own context (not the shared fixture): this file does not depend on where the fixture lives.
const ctx = { prefix: 'homeassistant', baseTopic: 'hearth', version: '1.2.3' };
const parse = (p: string) => JSON.parse(p) as Record<string, unknown> & { device: Record<string, unknown> };

describe('discovery naming', () => {
  it("names a routine's device by its title and gives its buttons names without it", () => {
    const [sensor, done, snooze, skip] = routineDiscovery(ctx, { id: 'morning-meds', title: 'Take morning meds', area: 'Kitchen' }).map(
      (m) => parse(m.payload),
    );
    expect(sensor!.device).toMatchObject({ name: 'Take morning meds', model: 'Routine', suggested_area: 'Kitchen' });
    expect(sensor!.name).toBeNull();
    expect([done!.name, snooze!.name, skip!.name]).toEqual(['Done', 'Snooze', 'Skip today']);
    for (const entity of [sensor, done, snooze, skip]) {
      expect(String(entity!.name ?? '')).not.toContain('Take morning meds');
      expect(entity!.device).toEqual(sensor!.device);
    }
  });

  it('leaves suggested_area out when the routine has no area', () => {
    const [sensor] = routineDiscovery(ctx, { id: 'x', title: 'X' }).map((m) => parse(m.payload));
    expect(sensor!.device).not.toHaveProperty('suggested_area');
  });

  it("makes a person's room sensor an enum of the rooms and away; the tracker is the device's main feature", () => {
    const [room, tracker] = personDiscovery(ctx, { id: 'sam', name: 'Sam', rooms: ['kitchen', 'office'] }).map((m) => parse(m.payload));
    expect(room).toMatchObject({ name: 'Room', device_class: 'enum', options: ['kitchen', 'office', 'away'] });
    expect(room!.device).toMatchObject({ name: 'Sam', model: 'Room presence' });
    expect(room!.device).not.toHaveProperty('suggested_area');
    expect(tracker!.name).toBeNull();
    expect(tracker!.default_entity_id).toBe('device_tracker.sam_ble');
  });

  it('keeps a free-text room sensor when the rooms are not known', () => {
    const [room] = personDiscovery(ctx, { id: 'sam', name: 'Sam' }).map((m) => parse(m.payload));
    expect(room).not.toHaveProperty('device_class');
    expect(room).not.toHaveProperty('options');
  });
});

describe('discovery entities of the repository household', () => {
  it('takes areas from the buttons and rooms from the presence nodes', async () => {
    const household = await loadHousehold({ configFile: 'hearth.yaml', devicesDir: 'devices' });
    const entities = discoveryEntities(household);
    expect(entities.routines).toEqual([
      { id: 'morning-meds', title: 'Take morning meds', area: 'Kitchen' },
      { id: 'water-plants', title: 'Water the plants', area: 'Living room' },
      { id: 'desk-stretch', title: 'Stand up and stretch', area: 'Office' },
    ]);
    expect(entities.people).toEqual([{ id: 'sam', name: 'Sam', rooms: ['bedroom', 'kitchen', 'living-room', 'office'] }]);
    const configs = householdDiscovery(ctx, entities).map((m) => parse(m.payload));
    // Every entity has a device with a name; every default_entity_id is a valid HA entity id.
    for (const c of configs) {
      expect(typeof c.device.name).toBe('string');
      expect(String(c.default_entity_id)).toMatch(/^[a-z_]+\.[a-z0-9_]+$/);
    }
    expect(new Set(configs.map((c) => c.unique_id)).size).toBe(configs.length);
  });
});
