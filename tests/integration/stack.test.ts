/**
 * Proves the test stack (tests/stack/stack.ts) against the real parts: Home Assistant's
 * websocket auth, MQTT discovery through the real broker, the emulated ESPHome devices
 * added through HA's esphome integration (events in, light commands out), and that HA named
 * their entities exactly as src/config/entity-ids.ts derives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, createLongLivedTokenAuth, ERR_INVALID_AUTH, type Connection } from 'home-assistant-js-websocket';
import { REMINDER_EFFECT } from '../../src/config/device-entities.js';
import type { DeviceEntities } from '../../src/config/entity-ids.js';
import {
  callService,
  connect,
  deviceLog,
  dumpLogsOnFailure,
  entityIdFor,
  entityRegistry,
  getConfig,
  lightState,
  mqttClient,
  mqttMessages,
  press,
  setRssi,
  sharedStack,
  startStack,
  waitForState,
  type Stack,
  type StackInfo,
} from '../helpers/index.js';
import { ensureWebSocketGlobal } from '../stack/ha-client.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

let conn: Connection;
beforeAll(async () => {
  conn = await connect(stack);
});
afterAll(() => conn?.close());

const byKind = (kind: DeviceEntities['kind']) => stack.devices.filter((d) => d.kind === kind);
const withRole = (device: DeviceEntities, role: string) => {
  const entity = device.entities.find((e) => e.role === role);
  if (!entity) throw new Error(`${device.device} has no ${role} entity`);
  return entity;
};

describe('test stack', () => {
  it('started every part and printed the startup figure', () => {
    console.log(`stack ready in ${stack.startupSeconds.toFixed(1)} s: ${JSON.stringify(stack.timings)}`);
    expect(stack.startupSeconds).toBeGreaterThan(0);
    expect(stack.hass.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.mqtt.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.emulator.devices.map((d) => d.name).sort()).toEqual(stack.devices.map((d) => d.device).sort());
  });

  it('authenticates a websocket with the long-lived token, and refuses a wrong one', async () => {
    const config = await getConfig(conn);
    expect(config.state).toBe('RUNNING');
    expect(config.components).toEqual(expect.arrayContaining(['mqtt', 'esphome', 'api', 'websocket_api']));
    const user = await conn.sendMessagePromise<{ name: string; is_owner: boolean }>({ type: 'auth/current_user' });
    expect(user).toMatchObject({ name: stack.hass.owner.name, is_owner: true });

    ensureWebSocketGlobal();
    await expect(
      createConnection({ auth: createLongLivedTokenAuth(stack.hass.url, `${stack.hass.token.slice(0, -4)}AAAA`), setupRetry: 0 }),
    ).rejects.toBe(ERR_INVALID_AUTH);
  });

  it('turns a retained MQTT discovery config into an HA entity', async () => {
    const node = `hearth_stack_probe_${Date.now().toString(36)}`;
    const configTopic = `homeassistant/sensor/${node}/temperature/config`;
    const stateTopic = `hearth-test/${node}/temperature`;
    const client = await mqttClient(stack, 'test');
    try {
      await client.publishAsync(
        configTopic,
        JSON.stringify({
          name: 'Temperature',
          unique_id: `${node}_temperature`,
          default_entity_id: `sensor.${node}_temperature`,
          state_topic: stateTopic,
          unit_of_measurement: '°C',
          device_class: 'temperature',
          device: { identifiers: [node], name: 'Stack probe' },
          origin: { name: 'hearth tests' },
        }),
        { retain: true, qos: 1 },
      );
      await client.publishAsync(stateTopic, '21.5', { retain: true, qos: 1 });

      const entityId = await (async () => {
        for (let i = 0; i < 100; i++) {
          const found = (await entityRegistry(conn)).find((e) => e.platform === 'mqtt' && e.unique_id === `${node}_temperature`);
          if (found) return found.entity_id;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('MQTT discovery did not create the entity');
      })();
      const state = await waitForState(conn, entityId, (s) => s.state === '21.5', 10_000);
      expect(state.attributes.unit_of_measurement).toBe('°C');
    } finally {
      await client.publishAsync(configTopic, '', { retain: true, qos: 1 });
      await client.publishAsync(stateTopic, '', { retain: true, qos: 1 });
      await client.endAsync();
    }
  });

  it('records what is published on MQTT', async () => {
    const recorder = await mqttMessages(stack, 'hearth-test/recorder/#');
    const client = await mqttClient(stack, 'hearth');
    try {
      await client.publishAsync('hearth-test/recorder/a', 'one', { qos: 1 });
      const message = await recorder.waitFor((m) => m.topic === 'hearth-test/recorder/a');
      expect(message.payload).toBe('one');
    } finally {
      await client.endAsync();
      await recorder.stop();
    }
  });

  it('delivers a press on an emulated button to a websocket subscriber as an event entity state change', async () => {
    const button = byKind('reminder-button')[0];
    if (!button) throw new Error('the household has no reminder button');
    const event = withRole(button, 'press');
    const eventId = entityIdFor(stack, button.device, 'press');
    const before = (await conn.sendMessagePromise<{ entity_id: string; state: string }[]>({ type: 'get_states' })).find(
      (s) => s.entity_id === eventId,
    );
    for (const type of ['double', 'single'] as const) {
      const changed = waitForState(
        conn,
        eventId,
        (s) => s.attributes.event_type === type && s.state !== before?.state && s.state !== 'unknown',
        10_000,
      );
      const result = await press(stack, button.device, type);
      expect(result.delivered).toBeGreaterThan(0);
      const state = await changed;
      expect(Number.isNaN(Date.parse(state.state))).toBe(false);
      expect(state.attributes.event_types).toEqual(event.eventTypes);
    }
  });

  it('passes an HA light.turn_on with the Pulse effect to the emulated LED', async () => {
    const button = byKind('reminder-button')[0]!;
    const led = withRole(button, 'led');
    const ledId = entityIdFor(stack, button.device, 'led');
    expect(led.effects).toContain(REMINDER_EFFECT);
    await callService(conn, 'light', 'turn_on', { effect: REMINDER_EFFECT }, { entity_id: ledId });
    const deadline = Date.now() + 10_000;
    let light = await lightState(stack, button.device);
    while (!(light.state && light.effect === REMINDER_EFFECT) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      light = await lightState(stack, button.device);
    }
    expect(light).toMatchObject({ state: true, effect: REMINDER_EFFECT });
    await waitForState(conn, ledId, (s) => s.state === 'on' && s.attributes.effect === REMINDER_EFFECT, 10_000);
    expect((await deviceLog(stack, button.device)).light_commands.length).toBeGreaterThan(0);

    await callService(conn, 'light', 'turn_off', {}, { entity_id: ledId });
    await waitForState(conn, ledId, (s) => s.state === 'off', 10_000);
    expect((await lightState(stack, button.device)).state).toBe(false);
  });

  it('passes an RSSI reading from an emulated presence node to its HA sensor', async () => {
    const node = byKind('presence-node')[0];
    if (!node) throw new Error('the household has no presence node');
    const rssi = withRole(node, 'rssi');
    const value = -61 - Math.floor(Math.random() * 20);
    await setRssi(stack, node.device, rssi.objectId, value);
    const state = await waitForState(conn, entityIdFor(stack, node.device, 'rssi', rssi.tracker), (s) => Number(s.state) === value, 10_000);
    expect(state.attributes.unit_of_measurement).toBe('dBm');
  });

  it('loads the frontend, todo with a local to-do list, and image; the list takes items', async () => {
    const config = await getConfig(conn);
    for (const component of ['frontend', 'todo', 'local_todo', 'image']) expect(config.components, component).toContain(component);
    expect(stack.todoEntityId).toBe('todo.hearth');
    const item = `stack test ${Date.now()}`;
    await callService(conn, 'todo', 'add_item', { item }, { entity_id: stack.todoEntityId });
    const result = await conn.sendMessagePromise<{ response: Record<string, { items: { summary: string; status: string }[] }> }>({
      type: 'call_service',
      domain: 'todo',
      service: 'get_items',
      target: { entity_id: stack.todoEntityId },
      return_response: true,
    });
    expect(result.response[stack.todoEntityId]!.items).toContainEqual(expect.objectContaining({ summary: item, status: 'needs_action' }));
  });

  it('gave every device exactly the entity ids src/config/entity-ids.ts derives', async () => {
    const registry = await entityRegistry(conn);
    const entryToDevice = new Map(Object.entries(stack.esphomeEntries).map(([device, entry]) => [entry, device]));
    const created: Record<string, string[]> = {};
    for (const entry of registry) {
      if (entry.platform !== 'esphome' || !entry.config_entry_id) continue;
      const device = entryToDevice.get(entry.config_entry_id);
      if (device) (created[device] ??= []).push(entry.entity_id);
    }
    const derived = Object.fromEntries(stack.devices.map((d) => [d.device, d.entities.map((e) => e.entityId).sort()]));
    for (const list of Object.values(created)) list.sort();
    expect(created).toEqual(derived);
  });
});

describe('a stack of its own: broker and HA restarts', () => {
  let own: Stack | undefined;
  dumpLogsOnFailure(() => own);
  afterAll(async () => {
    await own?.stop();
  });

  it('keeps retained messages across a broker restart and HA reconnects; HA comes back after a restart', async () => {
    own = await startStack({ log: () => {} });
    const { conn: ownConn } = own;
    const node = 'hearth_restart_probe';
    const client = await mqttClient(own, 'test', { reconnectPeriod: 200 });
    await client.publishAsync(
      `homeassistant/sensor/${node}/value/config`,
      JSON.stringify({
        name: 'Value',
        unique_id: `${node}_value`,
        state_topic: `hearth-test/${node}`,
        device: { identifiers: [node], name: 'Restart probe' },
      }),
      { retain: true, qos: 1 },
    );
    await client.endAsync();

    await own.restartBroker();
    const recorder = await mqttMessages(own, `homeassistant/sensor/${node}/+/config`);
    expect((await recorder.waitFor((m) => m.retain)).payload).toContain(`${node}_value`);
    await recorder.stop();

    // HA's MQTT client reconnects by itself; a state published now reaches the entity.
    let entityId: string | undefined;
    for (let i = 0; i < 100 && !entityId; i++) {
      entityId = (await entityRegistry(ownConn)).find((e) => e.unique_id === `${node}_value`)?.entity_id;
      if (!entityId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entityId).toBeDefined();
    const publisher = await mqttClient(own, 'hearth');
    const seen = waitForState(ownConn, entityId!, (s) => s.state === '42', 20_000);
    // Publish until HA (reconnecting with backoff) has resubscribed.
    const timer = setInterval(() => void publisher.publishAsync(`hearth-test/${node}`, '42', { qos: 1 }), 500);
    try {
      await seen;
    } finally {
      clearInterval(timer);
      await publisher.endAsync();
    }

    expect((await getConfig(ownConn)).state).toBe('RUNNING');
    await own.restartHA();
    const after = await connect(own);
    try {
      expect((await getConfig(after)).state).toBe('RUNNING');
      const button = own.devices.find((d) => d.kind === 'reminder-button')!;
      const eventId = entityIdFor(own, button.device, 'press');
      const changed = waitForState(after, eventId, (s) => s.attributes.event_type === 'long', 10_000);
      expect((await press(own, button.device, 'long')).delivered).toBeGreaterThan(0);
      await changed;
    } finally {
      after.close();
    }
  });
});
