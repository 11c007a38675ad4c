import { describe, expect, it } from 'vitest';
import {
  householdDiscovery,
  personDiscovery,
  routineDiscovery,
  routineIdOfCommandTopic,
  staleConfigClears,
  stateMessage,
} from '../../../src/discovery/discovery.js';
import { ctx, MORNING_MEDS_CONFIGS, morningMedsSensor } from '../hub/mqtt/discovery-fixture.js';

const parse = (p: string) => JSON.parse(p) as Record<string, unknown>;

describe('routine discovery', () => {
  const messages = routineDiscovery(ctx, { id: 'morning-meds', title: 'Take morning meds' });

  it('publishes a sensor and Done/Snooze/Skip buttons, retained with QoS 1', () => {
    expect(messages.map((m) => [m.topic, m.options])).toEqual(MORNING_MEDS_CONFIGS);
  });

  it('sensor config has unique_id, default_entity_id (no object_id), device, origin, availability, topics', () => {
    const sensor = parse(messages[0]!.payload);
    expect(sensor).toEqual(morningMedsSensor('Take morning meds'));
    expect(sensor).not.toHaveProperty('object_id');
  });

  it('buttons command the routine topic with their payload', () => {
    const done = parse(messages[1]!.payload);
    expect(done).toMatchObject({
      name: 'Done',
      unique_id: 'hearth_routine_morning_meds_done',
      default_entity_id: 'button.routine_morning_meds_done',
      command_topic: 'hearth/routine/morning-meds/set',
      payload_press: 'done',
      availability_topic: 'hearth/status',
    });
    expect(parse(messages[2]!.payload)).toMatchObject({ payload_press: 'snooze' });
    expect(routineIdOfCommandTopic(ctx, 'hearth/routine/morning-meds/set')).toBe('morning-meds');
    expect(routineIdOfCommandTopic(ctx, 'hearth/routine/a/b/set')).toBeUndefined();
    expect(routineIdOfCommandTopic(ctx, 'other/routine/a/set')).toBeUndefined();
  });
});

describe('person discovery', () => {
  it('publishes sensor.<person>_room and a bluetooth_le device_tracker', () => {
    const [room, tracker] = personDiscovery(ctx, { id: 'sam', name: 'Sam' });
    expect(room!.topic).toBe('homeassistant/sensor/hearth/sam_room/config');
    expect(parse(room!.payload)).toMatchObject({
      default_entity_id: 'sensor.sam_room',
      unique_id: 'hearth_sam_room',
      state_topic: 'hearth/person/sam/room',
      json_attributes_topic: 'hearth/person/sam/attributes',
    });
    expect(tracker!.topic).toBe('homeassistant/device_tracker/hearth/sam_ble/config');
    expect(parse(tracker!.payload)).toMatchObject({
      default_entity_id: 'device_tracker.sam_ble',
      source_type: 'bluetooth_le',
      state_topic: 'hearth/person/sam/tracker',
      payload_home: 'home',
      payload_not_home: 'not_home',
    });
  });
});

describe('stale configs', () => {
  it('clears topics published before that are no longer wanted, with an empty retained payload', () => {
    const now = householdDiscovery(ctx, { routines: [{ id: 'a', title: 'A' }], people: [] });
    const before = [...now.map((m) => m.topic), 'homeassistant/sensor/hearth/routine_gone/config'];
    expect(staleConfigClears(before, now)).toEqual([
      { topic: 'homeassistant/sensor/hearth/routine_gone/config', payload: '', options: { retain: true, qos: 1 } },
    ]);
    expect(
      staleConfigClears(
        now.map((m) => m.topic),
        now,
      ),
    ).toEqual([]);
  });

  it('keeps states within 255 characters', () => {
    expect(stateMessage('t', 'x'.repeat(300)).payload).toHaveLength(255);
    expect(stateMessage('t', { long: 'x'.repeat(300) }).payload).toContain('x'.repeat(300));
  });
});
