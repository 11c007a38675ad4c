/**
 * The life coach's entities in the real Home Assistant (shared stack: HA + Mosquitto), driven
 * by the lifecoach unit over a real MQTT connection, with lavfi webcams and the Ollama stand-in:
 * HA accepts every discovery config; the check-in button in HA runs a check-in whose summary,
 * event and stills appear in HA; the cameras switch turned off in HA stops captures.
 * Topics live under their own base (`hearthcoach`) so no other test's hub is touched; the
 * retained configs are cleared afterwards.
 */
import Database from 'better-sqlite3';
import type { Connection } from 'home-assistant-js-websocket';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckinNotification } from '../../src/lifecoach/checkin/runner.js';
import { checkinSettings, lifecoachSettings, ollamaSettings } from '../../src/config/lifecoach.js';
import { coachDiscovery, type CoachMqttMessage } from '../../src/lifecoach/ha/discovery.js';
import { createLifecoach, type CoachMqttPort, type Lifecoach } from '../../src/lifecoach/unit.js';
import {
  callService,
  connect,
  dumpLogsOnFailure,
  haRest,
  mqttClient,
  sharedStack,
  waitForState,
  type StackInfo,
} from '../helpers/index.js';
import { fetchTodos } from '../../src/lifecoach/ha/todos.js';
import { haSources } from '../../src/lifecoach/ha/sources.js';
import { sendCheckinNotification } from '../../src/lifecoach/ha/notification.js';
import { registerFakePhone, type FakePhone } from './hub-harness.js';
import { lavfiCamera } from '../stand-ins/lavfi-cameras.js';
import { startOllamaStandIn, type OllamaStandIn } from '../stand-ins/ollama-server.js';
import { person, routines, todos } from '../unit/lifecoach/fixtures.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

// hearth's own discovery node: HA keys MQTT entities by unique_id, and a `hearth run` of an
// earlier file (lifecoach-hub) may have left the same entities' retained configs behind on that
// node; configs on another node would be ignored as duplicates and the entities stay its.
const discovery = { prefix: 'homeassistant', baseTopic: 'hearthcoach', nodeId: 'hearth', version: 'test' };
const answer = JSON.stringify({
  summary: 'Meds first, then a stretch',
  message: 'Your meds are waiting.',
  observations: ['The desk is tidy.'],
  routines: [{ id: 'morning-meds', suggestion: 'do_now' }],
});

/** The coach's MQTT port over a plain mqtt.js client (the hub's client does the same). */
function port(client: MqttClient): CoachMqttPort {
  const handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  client.on('message', (topic, payload) => handlers.get(topic)?.(topic, payload));
  return {
    get state() {
      return client.connected ? 'connected' : 'disconnected';
    },
    publish: async (m: CoachMqttMessage) => void (await client.publishAsync(m.topic, m.payload, m.options)),
    subscribe(filter, handler) {
      handlers.set(filter, handler);
      void client.subscribeAsync(filter, { qos: 1 });
      return () => {
        handlers.delete(filter);
        void client.unsubscribeAsync(filter);
      };
    },
  };
}

let conn: Connection;
let client: MqttClient;
let standIn: OllamaStandIn;
let coach: Lifecoach;
const notifications: CheckinNotification[] = [];
let phone: FakePhone;

beforeAll(async () => {
  conn = await connect(stack);
  standIn = await startOllamaStandIn();
  standIn.set({ answer: () => answer });
  phone = await registerFakePhone(stack, 'Coach Test Phone');
  const haPort = {
    callService: (domain: string, service: string, data?: Record<string, unknown>) => callService(conn, domain, service, data),
  };
  const titles = new Map(routines.map((r) => [r.id, r.title]));
  client = await mqttClient(stack, 'hearth', {
    will: { topic: 'hearthcoach/status', payload: Buffer.from('offline'), retain: true, qos: 1 },
  });
  await client.publishAsync('hearthcoach/status', 'online', { retain: true, qos: 1 });
  coach = createLifecoach({
    cameras: [lavfiCamera('desk', { size: '640x360', unpaced: true }), lavfiCamera('kitchen', { size: '640x360', unpaced: true })],
    checkins: checkinSettings.parse({}),
    ollama: ollamaSettings.parse({ host: standIn.url }),
    lifecoach: lifecoachSettings.parse({}),
    timezone: 'Europe/London',
    person,
    sources: { routines: () => routines, todos: async () => todos, presence: () => ({ home: true, room: 'office' }) },
    mqtt: port(client),
    discovery,
    notify: async (n) => {
      notifications.push(n);
      await sendCheckinNotification(haPort, phone.notifyService, n, {
        actionId: (r, a) => `HEARTH_${a.toUpperCase()}:${r}`,
        titleOf: (r) => titles.get(r),
      });
    },
    db: new Database(':memory:'),
    stateDir: '/nonexistent',
    clock: { now: () => Date.now() },
  });
  await coach.start();
});

afterAll(async () => {
  await coach?.stop();
  if (client) {
    for (const m of coachDiscovery(discovery, person, ['desk', 'kitchen']))
      await client.publishAsync(m.topic, '', { retain: true, qos: 1 });
    // Every retained state under the test's own base topic, too: the broker is shared.
    const retained = new Set<string>();
    client.on('message', (topic, payload, packet) => packet.retain && payload.length > 0 && retained.add(topic));
    await client.subscribeAsync('hearthcoach/#', { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    for (const topic of retained) await client.publishAsync(topic, '', { retain: true, qos: 1 });
    await client.publishAsync('hearthcoach/status', '', { retain: true, qos: 1 });
    await client.endAsync();
  }
  await standIn?.close();
  await phone?.remove();
  conn?.close();
});

describe('life coach in Home Assistant', () => {
  it('HA takes every entity: switch on, health ok', async () => {
    expect((await waitForState(conn, 'switch.lifecoach_cameras', (s) => s.state === 'on', 60_000)).state).toBe('on');
    expect((await waitForState(conn, 'sensor.lifecoach_health', (s) => s.state === 'ok', 30_000)).attributes.options).toContain(
      'no_vision',
    );
    await waitForState(conn, 'image.lifecoach_desk', () => true, 30_000);
    await waitForState(conn, 'event.sam_checkin', () => true, 30_000);
    await waitForState(conn, 'button.sam_checkin_now', (s) => s.state !== 'unavailable', 30_000);
  });

  it('the check-in button in HA runs a check-in: summary, event and stills appear', async () => {
    const pressedAt = Date.now() - 1_000; // HA's clock is this machine's; a second of slack
    await callService(conn, 'button', 'press', {}, { entity_id: 'button.sam_checkin_now' });
    const sensor = await waitForState(conn, 'sensor.sam_checkin', (s) => s.state === 'Meds first, then a stretch', 60_000);
    expect(sensor.attributes).toMatchObject({
      outcome: 'model',
      message: 'Your meds are waiting.',
      observations: ['The desk is tidy.'],
      trigger: 'button',
    });
    // This check-in's event (the entity keeps an earlier file's last event until then).
    const event = await waitForState(
      conn,
      'event.sam_checkin',
      (s) => s.attributes.event_type === 'model' && Date.parse(s.state) >= pressedAt,
      30_000,
    );
    expect(event.attributes.summary).toBe('Meds first, then a stretch');
    const image = await waitForState(conn, 'image.lifecoach_kitchen', (s) => s.state !== 'unknown' && s.state !== 'unavailable', 30_000);
    expect(Date.parse(image.state)).toBeGreaterThan(Date.now() - 120_000);
    expect(notifications.map((n) => n.source)).toEqual(['data', 'model']);
    // On the phone: the data check-in at once, then the model's under the same tag, silently.
    const model = await phone.waitForNotification((n) => n.title === 'Meds first, then a stretch', 30_000);
    const data = phone.notifications.find((n) => n.title?.startsWith('Still open'));
    expect(data?.data?.tag).toBe('hearth-checkin-sam');
    expect(model.data).toMatchObject({
      tag: 'hearth-checkin-sam',
      alert_once: true,
      actions: [
        { action: 'HEARTH_DONE:morning-meds', title: 'Done: Take morning meds' },
        { action: 'HEARTH_SNOOZE:morning-meds', title: 'Snooze' },
      ],
    });
  });

  it('the cameras switch turned off in HA: nothing is captured, and HA shows it', async () => {
    await callService(conn, 'switch', 'turn_off', {}, { entity_id: 'switch.lifecoach_cameras' });
    await waitForState(conn, 'switch.lifecoach_cameras', (s) => s.state === 'off', 30_000);
    await waitForState(conn, 'sensor.lifecoach_health', (s) => s.state === 'cameras_off', 30_000);
    expect(coach.camerasOn()).toBe(false);
    const record = await coach.checkin('manual');
    expect(record).toMatchObject({ outcome: 'data', reason: 'no_stills: cameras_off' });
    expect(coach.store.captures(record.id)).toEqual([]);
    await waitForState(conn, 'event.sam_checkin', (s) => s.attributes.event_type === 'data', 30_000);
  });
});

describe('to-do items from Home Assistant', () => {
  let entryId: string | undefined;
  afterAll(async () => {
    if (entryId) await haRest(stack, 'DELETE', `/api/config/config_entries/entry/${entryId}`);
  });

  it('todo.get_items gives the open items of a local to-do list, completed ones left out', async () => {
    // A list of the test's own, made through local_todo's config flow.
    const flow = await haRest<{ flow_id: string }>(stack, 'POST', '/api/config/config_entries/flow', { handler: 'local_todo' });
    const done = await haRest<{ type: string; result?: { entry_id: string } }>(
      stack,
      'POST',
      `/api/config/config_entries/flow/${flow.flow_id}`,
      { todo_list_name: 'Coach test' },
    );
    expect(done.type).toBe('create_entry');
    entryId = done.result?.entry_id;
    const list = 'todo.coach_test';
    await waitForState(conn, list, () => true, 30_000);
    await callService(conn, 'todo', 'add_item', { item: 'Oat milk' }, { entity_id: list });
    await callService(conn, 'todo', 'add_item', { item: 'Post the parcel', due_date: '2026-12-01' }, { entity_id: list });
    await callService(conn, 'todo', 'add_item', { item: 'Bread' }, { entity_id: list });
    await callService(conn, 'todo', 'update_item', { item: 'Bread', status: 'completed' }, { entity_id: list });

    const ha = { sendMessage: <T>(m: { type: string }) => conn.sendMessagePromise<T>(m) };
    const todos = await fetchTodos(ha, [list]);
    expect(todos).toEqual([
      { list, summary: 'Oat milk' },
      { list, summary: 'Post the parcel', due: '2026-12-01' },
    ]);
    // Without a list given: every todo.* entity, ours among them.
    expect(await fetchTodos(ha)).toEqual(expect.arrayContaining(todos));
  });
});

describe('facts read from HA (how a coach on another host sees the hub)', () => {
  const topics = ['homeassistant/sensor/hearthcoach/routine_coach_meds/config', 'homeassistant/sensor/hearthcoach/coachperson_room/config'];
  afterAll(async () => {
    for (const t of topics) await client.publishAsync(t, '', { retain: true, qos: 1 });
  });

  it('routine sensors and the room sensor, as the hub publishes them, become facts', async () => {
    // The hub's routine and room entities, published the way its discovery.ts does.
    const availability = { availability_topic: 'hearthcoach/status', payload_available: 'online', payload_not_available: 'offline' };
    await client.publishAsync(
      topics[0]!,
      JSON.stringify({
        name: 'Coach meds',
        unique_id: 'hearthcoach_routine_coach_meds',
        default_entity_id: 'sensor.routine_coach_meds',
        state_topic: 'hearthcoach/routine/coach-meds/state',
        json_attributes_topic: 'hearthcoach/routine/coach-meds/attributes',
        ...availability,
      }),
      { retain: true, qos: 1 },
    );
    await client.publishAsync(
      topics[1]!,
      JSON.stringify({
        name: 'Room',
        unique_id: 'hearthcoach_coachperson_room',
        default_entity_id: 'sensor.coachperson_room',
        state_topic: 'hearthcoach/person/coachperson/room',
        ...availability,
      }),
      { retain: true, qos: 1 },
    );
    const now = Date.now();
    const dueSince = new Date(now - 10 * 60_000).toISOString();
    await client.publishAsync(
      'hearthcoach/routine/coach-meds/attributes',
      JSON.stringify({
        title: 'Take the coach meds',
        due_since: dueSince,
        last_done: null,
        next_due: null,
        snoozed_until: null,
        streak: '5 of 7',
      }),
      { retain: true, qos: 1 },
    );
    await client.publishAsync('hearthcoach/routine/coach-meds/state', 'nagging', { retain: true, qos: 1 });
    await client.publishAsync('hearthcoach/person/coachperson/room', 'office', { retain: true, qos: 1 });
    await waitForState(conn, 'sensor.routine_coach_meds', (s) => s.state === 'nagging' && s.attributes.streak === '5 of 7', 30_000);
    await waitForState(conn, 'sensor.coachperson_room', (s) => s.state === 'office', 30_000);

    const ha = { sendMessage: <T>(m: { type: string }) => conn.sendMessagePromise<T>(m) };
    const sources = haSources({
      ha,
      person: { id: 'coachperson' },
      routines: [
        { id: 'coach-meds', title: 'Coach meds' },
        { id: 'not-published', title: 'x' },
      ],
      timezone: 'Europe/London',
    });
    expect(await sources.routines(now)).toEqual([
      { id: 'coach-meds', title: 'Take the coach meds', status: 'pending', dueAt: Date.parse(dueSince), streak: { done: 5, of: 7 } },
    ]);
    expect(await sources.presence()).toEqual({ home: true, room: 'office' });
    await client.publishAsync('hearthcoach/person/coachperson/room', 'away', { retain: true, qos: 1 });
    await waitForState(conn, 'sensor.coachperson_room', (s) => s.state === 'away', 30_000);
    expect(await sources.presence()).toEqual({ home: false });
  });
});
