import { describe, expect, it } from 'vitest';
import { emitDevice } from '../../../src/esphome/emit.js';
import { entityIndex, findEntityId, haEntityId, haSlugify, householdEntities } from '../../../src/config/entity-ids.js';
import { esphomeObjectId } from '../../../src/config/device-entities.js';
import { WIDE_SPECS, device, goldenHousehold, household } from '../../fixtures/esphome/household.js';

describe('haSlugify (HA util slugify = python-slugify, separator "_")', () => {
  it.each([
    ['Kitchen meds button Button', 'kitchen_meds_button_button'],
    ['Presence kitchen Sam iphone RSSI', 'presence_kitchen_sam_iphone_rssi'],
    ["Sam's hall   button", 'sam_s_hall_button'], // ' splits words; runs of spaces collapse
    ['Sam\u2019s phone', 'sams_phone'], // a typographic ’ becomes ' and is then dropped
    ['Küche Licht', 'kuche_licht'],
    ['Crème brûlée', 'creme_brulee'],
    ['Straße', 'strasse'],
    ['Ærø', 'aero'],
    ['1,000 lights', '1000_lights'], // comma between digits vanishes
    ['a, b', 'a_b'],
    ['  --Hall__light--  ', 'hall_light'],
    ['LED', 'led'],
    ['Tom &amp; Jerry', 'tom_jerry'],
    ['café&#39;s', 'cafes'],
    ['!!!', 'unknown'],
    ['Łódź ĸ', 'lodz_k'],
    ['', ''],
  ])('%j → %j', (text, slug) => {
    expect(haSlugify(text)).toBe(slug);
  });

  it('prefixes the area as HA 2026.6+ does, without de-duplicating it', () => {
    expect(haEntityId('light', 'Kitchen meds button', 'LED', 'Kitchen')).toBe('light.kitchen_kitchen_meds_button_led');
    expect(haEntityId('sensor', 'Office presence', 'Sam iPhone RSSI', 'Office')).toBe('sensor.office_office_presence_sam_iphone_rssi');
    expect(haEntityId('light', 'Bedroom strip', null, 'Living room')).toBe('light.living_room_bedroom_strip');
  });

  it('builds entity ids from device name + entity name', () => {
    expect(haEntityId('light', 'Bedroom strip', 'Light')).toBe('light.bedroom_strip_light');
    expect(haEntityId('light', 'Bedroom strip', null)).toBe('light.bedroom_strip');
  });
});

describe('ESPHome object ids', () => {
  it('are snake_case + sanitize of the name', () => {
    expect(esphomeObjectId('Sam iphone RSSI')).toBe('sam_iphone_rssi');
    expect(esphomeObjectId("Sam's  LED")).toBe('sam_s__led');
    expect(esphomeObjectId('Fast-pulse')).toBe('fast-pulse');
  });
});

describe('householdEntities', () => {
  it('derives the ids HA will create for every device', () => {
    const devices = householdEntities(goldenHousehold());
    expect(devices.map((d) => ({ device: d.device, ids: d.entities.map((e) => [e.role, e.tracker ?? null, e.entityId]) }))).toEqual([
      {
        device: 'kitchen-meds-button',
        ids: [
          ['press', null, 'event.kitchen_kitchen_meds_button_button'],
          ['led', null, 'light.kitchen_kitchen_meds_button_led'],
        ],
      },
      {
        device: 'presence-kitchen',
        ids: [
          ['rssi', 'sam-iphone', 'sensor.presence_kitchen_sam_iphone_rssi'],
          ['rssi', 'sam-watch', 'sensor.presence_kitchen_sam_watch_rssi'],
          ['rssi', 'old-tag', 'sensor.presence_kitchen_old_tag_rssi'],
        ],
      },
      { device: 'bedroom-strip', ids: [['light', null, 'light.bedroom_bedroom_strip_light']] },
    ]);
    const button = devices[0]!;
    expect(button).toMatchObject({
      kind: 'reminder-button',
      friendlyName: 'Kitchen meds button',
      area: 'Kitchen',
      routine: 'morning-meds',
    });
    expect(button.entities[0]).toMatchObject({
      domain: 'event',
      name: 'Button',
      objectId: 'button',
      eventTypes: ['single', 'double', 'long'],
      deviceClass: 'button',
    });
    expect(button.entities[1]).toMatchObject({
      domain: 'light',
      name: 'LED',
      objectId: 'led',
      effects: ['Pulse', 'Fast pulse'],
      colorModes: ['brightness'],
    });
    expect(devices[1]).toMatchObject({ room: 'kitchen' });
    expect(devices[1]!.entities[0]).toMatchObject({
      unit: 'dBm',
      deviceClass: 'signal_strength',
      forceUpdate: true,
      friendlyName: 'Presence kitchen Sam iphone RSSI',
    });
  });

  it('uses the friendly name (apostrophes, repeated spaces) and the default one', () => {
    const h = household([device(WIDE_SPECS[3]!), device(WIDE_SPECS[4]!)]);
    const [hall, presence] = householdEntities(h);
    expect(hall!.entities.map((e) => e.entityId)).toEqual(['event.sam_s_hall_button_button', 'light.sam_s_hall_button_led']);
    // presence-all has no `tracks:`: every tracker in hearth.yaml, default friendly name "Presence all".
    expect(presence!.entities.map((e) => e.entityId)).toEqual([
      'sensor.presence_all_sam_iphone_rssi',
      'sensor.presence_all_sam_watch_rssi',
      'sensor.presence_all_old_tag_rssi',
    ]);
  });

  it("names RSSI sensors by the tracker's label; HA derives the entity id from that name", () => {
    const h = household([device(WIDE_SPECS[4]!)]);
    h.config.trackers[0] = { ...h.config.trackers[0]!, label: "Sam's iPhone" };
    const [presence] = householdEntities(h);
    const iphone = presence!.entities.find((e) => e.tracker === 'sam-iphone')!;
    expect(iphone).toMatchObject({
      name: "Sam's iPhone RSSI",
      friendlyName: "Presence all Sam's iPhone RSSI",
      entityId: 'sensor.presence_all_sam_s_iphone_rssi',
    });
    // Trackers without a label keep the humanised id, and their entity ids.
    expect(presence!.entities.find((e) => e.tracker === 'sam-watch')!.entityId).toBe('sensor.presence_all_sam_watch_rssi');
    const sensors = emitDevice(h.devices[0]!, h).config.sensor as Record<string, unknown>[];
    expect(sensors.map((c) => c.name)).toContain("Sam's iPhone RSSI");
  });

  it('lookups by role/tracker and by entity id', () => {
    const devices = householdEntities(goldenHousehold());
    expect(findEntityId(devices, { device: 'kitchen-meds-button', role: 'led' })).toBe('light.kitchen_kitchen_meds_button_led');
    expect(findEntityId(devices, { device: 'presence-kitchen', role: 'rssi', tracker: 'sam-watch' })).toBe(
      'sensor.presence_kitchen_sam_watch_rssi',
    );
    expect(findEntityId(devices, { device: 'nope', role: 'led' })).toBeUndefined();
    expect(entityIndex(devices).get('event.kitchen_kitchen_meds_button_button')?.device.device).toBe('kitchen-meds-button');
  });

  it('agree with the generated config: names, effects, event types, units', () => {
    const h = household(WIDE_SPECS.map(device));
    for (const [i, derived] of householdEntities(h).entries()) {
      const { config } = emitDevice(h.devices[i]!, h);
      const named = (section: string) =>
        ((config[section] ?? []) as Record<string, unknown>[]).filter((c) => typeof c.name === 'string' && c.internal !== true);
      for (const e of derived.entities) {
        const match = named(e.domain).find((c) => c.name === e.name);
        expect(match, `${derived.device}: ${e.domain} "${e.name}"`).toBeDefined();
        if (e.effects) {
          const effects = (match!.effects as Record<string, { name: string }>[]).map((x) => Object.values(x)[0]!.name);
          expect(effects).toEqual(e.effects);
        }
        if (e.eventTypes) expect(match!.event_types).toEqual(e.eventTypes);
        if (e.unit) expect(match!.unit_of_measurement).toBe(e.unit);
      }
      // …and every named entity in the config is described.
      const total = ['event', 'light', 'sensor', 'binary_sensor', 'switch', 'button'].flatMap(named).length;
      expect(total).toBe(derived.entities.length);
    }
  });
});
