import { describe, expect, it } from 'vitest';
import type { DeviceEntities } from '../../../../src/esphome/entity-ids.js';
import { resolveEntityIds } from '../../../../src/hub/ha/entity-resolver.js';

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
