import { describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../src/config/load.js';
import { householdEntities, type DeviceEntities } from '../../../src/config/entity-ids.js';
import { resolveEntityIds } from '../../../src/ha-registry/entity-resolver.js';

const button: DeviceEntities = {
  device: 'kitchen-meds-button',
  kind: 'reminder-button',
  file: 'devices/kitchen-meds-button.yaml',
  friendlyName: 'Kitchen meds button',
  routine: 'morning-meds',
  entities: [
    { domain: 'event', role: 'press', name: 'Button', objectId: 'button', entityId: 'event.kitchen_meds_button_button', friendlyName: 'x' },
    { domain: 'light', role: 'led', name: 'LED', objectId: 'led', entityId: 'light.kitchen_meds_button_led', friendlyName: 'x' },
  ],
};

describe('resolveEntityIds', () => {
  it('uses the ids HA gave (area prefix), matched by device name and ESPHome unique id', () => {
    const r = resolveEntityIds(
      [button],
      [
        { entity_id: 'event.kitchen_kitchen_meds_button_button', platform: 'esphome', device_id: 'd1', unique_id: 'AA:BB/0/event/Button' },
        { entity_id: 'light.kitchen_kitchen_meds_button_led', platform: 'esphome', device_id: 'd1', unique_id: 'AA:BB-light-led' },
        { entity_id: 'light.other_led', platform: 'esphome', device_id: 'd2', unique_id: 'CC/0/light/LED' },
      ],
      [
        { id: 'd1', name: 'Kitchen meds button' },
        { id: 'd2', name: 'Other' },
      ],
    );
    expect(r.devices[0]!.entities.map((e) => e.entityId)).toEqual([
      'event.kitchen_kitchen_meds_button_button',
      'light.kitchen_kitchen_meds_button_led',
    ]);
    expect(r.renamed).toEqual({
      'event.kitchen_meds_button_button': 'event.kitchen_kitchen_meds_button_button',
      'light.kitchen_meds_button_led': 'light.kitchen_kitchen_meds_button_led',
    });
    expect(r.missing).toEqual([]);
  });

  it('keeps the derived id when HA does not know the entity yet', () => {
    const r = resolveEntityIds([button], [], []);
    expect(r.devices[0]!.entities.map((e) => e.entityId)).toEqual(button.entities.map((e) => e.entityId));
    expect(r.missing).toHaveLength(2);
  });
});

/**
 * Case same-friendly-name-two-areas: two "Meds button"s and two "Presence" nodes in different
 * areas (HA names devices by friendly_name, so two HA devices share each name). Registries as
 * HA builds them: one device per spec, named by its friendly name; ESPHome unique ids
 * `<mac>/0/<domain>/<name>`.
 */
describe('resolveEntityIds: devices sharing a friendly name (case same-friendly-name-two-areas)', () => {
  const caseDir = 'tests/fixtures/cases/same-friendly-name-two-areas';
  const load = async (): Promise<DeviceEntities[]> =>
    householdEntities(await loadHousehold({ configFile: `${caseDir}/hearth.yaml`, devicesDir: `${caseDir}/devices` }));
  const registries = (
    devices: DeviceEntities[],
    entityId: (e: DeviceEntities['entities'][number], i: number) => string = (e) => e.entityId,
  ) => ({
    devices: devices.map((d, i) => ({ id: `dev${i}`, name: d.friendlyName })),
    entities: devices.flatMap((d, i) =>
      d.entities.map((e) => ({
        entity_id: entityId(e, i),
        platform: 'esphome',
        original_name: e.name,
        device_id: `dev${i}`,
        unique_id: `AA:BB:CC:00:00:0${i}/0/${e.domain}/${e.name}`,
      })),
    ),
  });

  it('resolves every entity to its own device', async () => {
    const devices = await load();
    expect(new Set(devices.map((d) => d.friendlyName)).size).toBe(2); // the case: names shared
    const reg = registries(devices);
    const r = resolveEntityIds(devices, reg.entities, reg.devices);
    expect(r.devices.map((d) => d.entities.map((e) => e.entityId))).toEqual(devices.map((d) => d.entities.map((e) => e.entityId)));
    expect(r.missing).toEqual([]);
    expect(r.unresolved).toEqual([]);
  });

  it('follows HA renames inside the identified device (node name as HA device name)', async () => {
    const devices = await load();
    const reg = registries(devices, (e, i) => `${e.entityId}_renamed${i}`);
    // The person named each HA device by its node name: identity rule 1.
    reg.devices.forEach((d, i) => (d.name = devices[i]!.device));
    const r = resolveEntityIds(devices, reg.entities, reg.devices);
    r.devices.forEach((d, i) => d.entities.forEach((e) => expect(e.entityId).toMatch(new RegExp(`_renamed${i}$`))));
    expect(r.unresolved).toEqual([]);
  });

  it("treats a device it cannot tell apart as missing, and never reads another device's entity", async () => {
    const devices = await load();
    // Both buttons in HA with ids that match neither derivation (renamed), same device name:
    // nothing unique says which HA device is the kitchen's.
    const reg = registries(devices, (e, i) =>
      e.domain === 'event' || e.domain === 'light' ? `${e.domain}.meds_button_${e.objectId}_${i}` : e.entityId,
    );
    const r = resolveEntityIds(devices, reg.entities, reg.devices);
    const buttons = r.unresolved.filter((u) => u.device.endsWith('meds-button'));
    expect(buttons.map((u) => u.device).sort()).toEqual(['bedroom-meds-button', 'kitchen-meds-button']);
    expect(buttons.every((u) => u.reason === 'ambiguous' && u.candidates.length === 2)).toBe(true);
    const kitchen = r.devices.find((d) => d.device === 'kitchen-meds-button')!;
    // Derived ids kept (HA has no entity by those ids), none of the other device's.
    expect(kitchen.entities.every((e) => !/_\d$/.test(e.entityId))).toBe(true);
    expect(r.missing).toEqual(expect.arrayContaining(kitchen.entities.map((e) => e.entityId)));
    // The presence nodes still resolve through their derived ids.
    expect(r.unresolved.some((u) => u.device.endsWith('presence'))).toBe(false);
  });

  it('drops a derived id that HA gave to the other, unidentified device', () => {
    const a: DeviceEntities = { ...button, device: 'a-button', friendlyName: 'Meds button', area: 'A' };
    const b: DeviceEntities = { ...button, device: 'b-button', friendlyName: 'Meds button', area: 'B' };
    // Both derive the same ids (no area in them); HA holds them on one of two same-named devices.
    const r = resolveEntityIds(
      [a, b],
      [
        { entity_id: 'event.kitchen_meds_button_button', platform: 'esphome', device_id: 'd1', unique_id: 'M1/0/event/Button' },
        { entity_id: 'event.kitchen_meds_button_button_2', platform: 'esphome', device_id: 'd2', unique_id: 'M2/0/event/Button' },
      ],
      [
        { id: 'd1', name: 'Meds button' },
        { id: 'd2', name: 'Meds button' },
      ],
    );
    expect(r.unresolved.map((u) => u.reason)).toEqual(['ambiguous', 'ambiguous']);
    expect(r.devices.map((d) => d.entities.map((e) => e.entityId))).toEqual([
      ['light.kitchen_meds_button_led'],
      ['light.kitchen_meds_button_led'],
    ]);
  });
});
