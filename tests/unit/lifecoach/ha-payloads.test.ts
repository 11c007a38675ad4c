/** The coach's MQTT discovery configs, state messages and notification data (exact payloads). */
import { describe, expect, it } from 'vitest';
import { checkinMessages, coachDiscovery, coachHealth, stillMessage } from '../../../src/lifecoach/ha/discovery.js';
import { checkinNotifyData } from '../../../src/lifecoach/ha/notification.js';
import type { CheckinRecord } from '../../../src/lifecoach/store.js';

const ctx = { prefix: 'homeassistant', baseTopic: 'hearth', version: '0.1.0' };

describe('discovery', () => {
  const messages = coachDiscovery(ctx, { id: 'sam', name: 'Sam' }, ['desk', 'kitchen-cam']);
  const byTopic = new Map(messages.map((m) => [m.topic, JSON.parse(String(m.payload)) as Record<string, unknown>]));

  it('announces sensor, event, button, health, switch and one image per camera, retained', () => {
    expect([...byTopic.keys()]).toEqual([
      'homeassistant/sensor/hearth/sam_checkin/config',
      'homeassistant/event/hearth/sam_checkin/config',
      'homeassistant/button/hearth/sam_checkin_now/config',
      'homeassistant/sensor/hearth/lifecoach_health/config',
      'homeassistant/switch/hearth/lifecoach_cameras/config',
      'homeassistant/image/hearth/lifecoach_desk/config',
      'homeassistant/image/hearth/lifecoach_kitchen_cam/config',
    ]);
    for (const m of messages) expect(m.options).toEqual({ retain: true, qos: 1 });
    for (const p of byTopic.values()) {
      expect(p).toMatchObject({
        availability_topic: 'hearth/status',
        origin: { name: 'hearth', sw_version: '0.1.0' },
        device: { identifiers: ['hearth_lifecoach'] },
      });
      expect(p).not.toHaveProperty('object_id');
    }
  });

  it('gives each entity the topics HA needs', () => {
    expect(byTopic.get('homeassistant/image/hearth/lifecoach_kitchen_cam/config')).toMatchObject({
      image_topic: 'hearth/lifecoach/camera/kitchen-cam/image',
      content_type: 'image/jpeg',
      default_entity_id: 'image.lifecoach_kitchen_cam',
    });
    expect(byTopic.get('homeassistant/switch/hearth/lifecoach_cameras/config')).toMatchObject({
      command_topic: 'hearth/lifecoach/cameras/set',
      state_topic: 'hearth/lifecoach/cameras/state',
      payload_on: 'ON',
    });
    expect(byTopic.get('homeassistant/event/hearth/sam_checkin/config')).toMatchObject({ event_types: ['model', 'data', 'skipped'] });
    expect(byTopic.get('homeassistant/sensor/hearth/lifecoach_health/config')).toMatchObject({
      device_class: 'enum',
      options: ['ok', 'model_missing', 'no_vision', 'ollama_unreachable', 'cameras_off', 'error'],
    });
  });

  it('stills are never retained', () => {
    expect(stillMessage(ctx, 'desk', Buffer.from([0xff, 0xd8]))).toEqual({
      topic: 'hearth/lifecoach/camera/desk/image',
      payload: Buffer.from([0xff, 0xd8]),
      options: { retain: false, qos: 0 },
    });
  });
});

describe('check-in messages', () => {
  const record: CheckinRecord = {
    id: 'c1',
    person: 'sam',
    trigger: 'schedule',
    started_at: Date.UTC(2026, 10, 30, 8, 30),
    finished_at: Date.UTC(2026, 10, 30, 8, 30, 5),
    outcome: 'model',
    reason: null,
    context: null,
    prompt_hash: 'x',
    model: 'qwen3-vl:4b-instruct',
    model_digest: 'd',
    options: null,
    timings: { total_ms: 5000 },
    message: {
      source: 'model',
      summary: 'S'.repeat(300),
      message: 'Long message',
      observations: ['o'],
      routines: ['morning-meds'],
      actionable: ['morning-meds'],
    },
    dropped: [],
    delivered: true,
  };

  it('state ≤ 255 characters, the rest in attributes, and one event', () => {
    const [attributes, state, event] = checkinMessages(ctx, record);
    expect(state!.topic).toBe('hearth/lifecoach/sam/checkin/state');
    expect(String(state!.payload)).toHaveLength(255);
    expect(JSON.parse(String(attributes!.payload))).toMatchObject({
      message: 'Long message',
      observations: ['o'],
      model: 'qwen3-vl:4b-instruct',
      timings: { total_ms: 5000 },
      at: '2026-11-30T08:30:00.000Z',
    });
    expect(event).toMatchObject({ topic: 'hearth/lifecoach/sam/checkin/event', options: { retain: false, qos: 1 } });
    expect(JSON.parse(String(event!.payload))).toMatchObject({ event_type: 'model', id: 'c1' });
  });

  it('a skipped check-in says why', () => {
    const [, state] = checkinMessages(ctx, { ...record, outcome: 'skipped', reason: 'away', message: null });
    expect(state!.payload).toBe('skipped (away)');
  });

  it('health', () => {
    expect(coachHealth({ camerasOn: true, model: { status: 'ok' } })).toBe('ok');
    expect(coachHealth({ camerasOn: false, model: { status: 'ok' } })).toBe('cameras_off');
    expect(coachHealth({ camerasOn: true, model: { status: 'no_vision' } })).toBe('no_vision');
    expect(coachHealth({ camerasOn: true, model: { status: 'unreachable' } })).toBe('ollama_unreachable');
    expect(coachHealth({ camerasOn: true, model: { status: 'model_missing' } })).toBe('model_missing');
  });
});

describe('notification', () => {
  const deps = {
    actionId: (r: string, a: string) => `HEARTH_${a.toUpperCase()}:${r}`,
    titleOf: (r: string) => ({ 'morning-meds': 'Take morning meds', stretch: 'Stretch' })[r],
  };
  const base = { person: 'sam', tag: 'hearth-checkin-sam', title: 'Meds first', message: 'm', source: 'model' as const, replaces: false };

  it('offers done and snooze for one open routine, with the tag', () => {
    expect(checkinNotifyData({ ...base, actionable: ['morning-meds'] }, deps)).toEqual({
      title: 'Meds first',
      message: 'm',
      data: {
        tag: 'hearth-checkin-sam',
        group: 'hearth-coach',
        actions: [
          { action: 'HEARTH_DONE:morning-meds', title: 'Done: Take morning meds' },
          { action: 'HEARTH_SNOOZE:morning-meds', title: 'Snooze' },
        ],
      },
    });
  });

  it('several: one done per routine, at most three; a replacement does not alert again', () => {
    const data = checkinNotifyData({ ...base, actionable: ['morning-meds', 'stretch', 'a', 'b'], replaces: true }, deps).data;
    expect((data.actions as Array<{ action: string }>).map((a) => a.action)).toEqual([
      'HEARTH_DONE:morning-meds',
      'HEARTH_DONE:stretch',
      'HEARTH_DONE:a',
    ]);
    expect(data).toMatchObject({ alert_once: true, push: { 'interruption-level': 'passive' } });
  });
});
