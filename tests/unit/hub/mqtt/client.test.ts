/**
 * hearth's MQTT client: the retained `offline` will (QoS 1) on the availability topic,
 * `online` retained on every connect, subscriptions renewed on reconnect, `offline` on stop
 * and nothing published after it. Against a fake mqtt.js client (exact calls), and once
 * against a real Mosquitto on a free 127.0.0.1 port (the will as the broker delivers it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubMqtt, type HubMqtt } from '../../../../src/hub/mqtt/client.js';
import { silentLogger } from '../../../../src/log.js';
import { Mosquitto } from '../../../stack/mosquitto.js';
import { freePort } from '../../../stack/net.js';
import { MOSQUITTO_BIN } from '../../../stack/paths.js';
import { FakeMqttClient, type Callback } from '../fakes/fake-mqtt.js';

function fakeHub(): { hub: HubMqtt; client: FakeMqttClient; options: () => IClientOptions; url: () => string } {
  const client = new FakeMqttClient();
  let options: IClientOptions | undefined;
  let url = '';
  const hub = createHubMqtt({
    url: 'mqtt://127.0.0.1:1883',
    username: 'hearth',
    password: 'pw',
    availabilityTopic: 'hearth/status',
    clientId: 'hearth-test',
    logger: silentLogger(),
    connect: (u, o) => {
      url = u;
      options = o;
      return client as unknown as MqttClient;
    },
  });
  return { hub, client, options: () => options!, url: () => url };
}

const ONLINE = { topic: 'hearth/status', payload: 'online', options: { qos: 1, retain: true } };
const OFFLINE = { topic: 'hearth/status', payload: 'offline', options: { qos: 1, retain: true } };

describe('hub MQTT client (fake mqtt.js)', () => {
  it("connects with a retained QoS 1 will 'offline' on the availability topic, and credentials", () => {
    const { hub, options, url } = fakeHub();
    hub.start();
    expect(url()).toBe('mqtt://127.0.0.1:1883');
    expect(options()).toMatchObject({ clientId: 'hearth-test', username: 'hearth', password: 'pw', resubscribe: false });
    const will = options().will!;
    expect({ topic: will.topic, payload: String(will.payload), qos: will.qos, retain: will.retain }).toEqual({
      topic: 'hearth/status',
      payload: 'offline',
      qos: 1,
      retain: true,
    });
    expect(hub.state).toBe('connecting');
  });

  it("publishes 'online' retained with QoS 1 on every connect, then renews subscriptions and tells listeners", () => {
    const { hub, client } = fakeHub();
    const order: string[] = [];
    hub.onConnect(() => order.push(`listener after ${client.publishes.length} publishes, ${client.subscribes.length} subscribes`));
    hub.subscribe('homeassistant/status', () => {});
    hub.subscribe('hearth/routine/+/set', () => {});
    hub.start();
    expect(client.publishes).toEqual([]);

    client.brokerConnect();
    expect(hub.state).toBe('connected');
    expect(client.publishes).toEqual([ONLINE]);
    expect(client.subscribes).toEqual([{ filters: ['homeassistant/status', 'hearth/routine/+/set'], options: { qos: 1 } }]);
    expect(order).toEqual(['listener after 1 publishes, 1 subscribes']);

    client.brokerDrop();
    expect(hub.state).toBe('disconnected');
    client.brokerConnect();
    expect(client.publishes).toEqual([ONLINE, ONLINE]);
    expect(client.subscribes).toHaveLength(2);
    expect(hub.stats.connects).toBe(2);
  });

  it('publishes with the options given and routes messages to matching handlers', async () => {
    const { hub, client } = fakeHub();
    const got: string[] = [];
    hub.subscribe('hearth/routine/+/set', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    hub.start();
    client.brokerConnect();
    await hub.publish({ topic: 'homeassistant/sensor/hearth/x/config', payload: '{}', options: { retain: true, qos: 1 } });
    await hub.publish('hearth/routine/a/state', 'due', { retain: true, qos: 1 });
    expect(client.publishes.slice(1)).toEqual([
      { topic: 'homeassistant/sensor/hearth/x/config', payload: '{}', options: { retain: true, qos: 1 } },
      { topic: 'hearth/routine/a/state', payload: 'due', options: { retain: true, qos: 1 } },
    ]);
    client.emit('message', 'hearth/routine/a/set', Buffer.from('done'));
    client.emit('message', 'hearth/other', Buffer.from('x'));
    expect(got).toEqual(['hearth/routine/a/set=done']);
  });

  it("stop publishes 'offline' retained with QoS 1, disconnects, and nothing is published after it", async () => {
    const { hub, client } = fakeHub();
    hub.start();
    client.brokerConnect();
    await hub.stop();
    expect(client.publishes).toEqual([ONLINE, OFFLINE]);
    expect(client.ended).toBe(true);
    expect(hub.state).toBe('stopped');

    await expect(hub.publish('hearth/routine/a/state', 'done', { retain: true, qos: 1 })).rejects.toThrow();
    client.emit('connect'); // a late connect event of the closed client
    expect(client.publishes).toEqual([ONLINE, OFFLINE]);
    expect(hub.state).toBe('stopped');
  });

  it('publishes nothing while stop() is closing the connection', async () => {
    const { hub, client } = fakeHub();
    hub.start();
    client.brokerConnect();
    // The broker is slow to acknowledge `offline`: stop() is still in progress.
    let ackOffline: Callback | undefined;
    client.publish = function (this: FakeMqttClient, topic: string, payload: string, options: unknown, cb?: Callback) {
      this.publishes.push({ topic, payload: String(payload), options });
      if (payload === 'offline') ackOffline = cb;
      else cb?.();
      return this;
    };
    const stopping = hub.stop();
    const late = hub.publish('hearth/routine/a/state', 'done', { retain: true, qos: 1 });
    await expect(late).rejects.toThrow('stopped');
    ackOffline?.();
    await stopping;
    expect(client.publishes).toEqual([ONLINE, OFFLINE]);
  });
});

describe.skipIf(!existsSync(MOSQUITTO_BIN))('hub MQTT client against Mosquitto (127.0.0.1)', () => {
  let dir: string;
  let broker: Mosquitto;
  const users = {
    hearth: { username: 'hearth', password: 'hearth-pw' },
    homeassistant: { username: 'homeassistant', password: 'ha-pw' },
    test: { username: 'test', password: 'test-pw' },
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-mqtt-client-'));
    broker = new Mosquitto(dir, await freePort(), users);
    await broker.configure();
    await broker.start();
  }, 30_000);
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The retained payload a new subscriber gets on `topic` (undefined: none within 500 ms). */
  async function retained(topic: string): Promise<{ payload: string; qos: number } | undefined> {
    const c = await mqtt.connectAsync(broker.url, { ...users.test, reconnectPeriod: 0 });
    try {
      const got = new Promise<{ payload: string; qos: number } | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), 500);
        c.on('message', (t, payload, packet) => {
          if (t !== topic || !packet.retain) return;
          clearTimeout(timer);
          resolve({ payload: payload.toString(), qos: packet.qos });
        });
      });
      await c.subscribeAsync(topic, { qos: 1 });
      return await got;
    } finally {
      await c.endAsync();
    }
  }

  const waitFor = async (check: () => boolean | Promise<boolean>, what: string): Promise<void> => {
    const end = Date.now() + 5000;
    while (Date.now() < end) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it("online on connect, and the will 'offline' (retained, QoS 1) when the connection dies", async () => {
    let real: MqttClient | undefined;
    const hub = createHubMqtt({
      url: broker.url,
      ...users.hearth,
      availabilityTopic: 'hearth/status',
      logger: silentLogger(),
      reconnectPeriod: 60_000, // no reconnect within the test once the socket is killed
      connect: (url, options) => (real = mqtt.connect(url, options)),
    });
    hub.start();
    try {
      await waitFor(() => hub.state === 'connected', 'connected');
      await waitFor(async () => (await retained('hearth/status'))?.payload === 'online', "retained 'online'");
      expect(await retained('hearth/status')).toEqual({ payload: 'online', qos: 1 });

      // The connection dies without a DISCONNECT (power cut, kill -9): the broker sends the will.
      real!.stream.destroy();
      await waitFor(async () => (await retained('hearth/status'))?.payload === 'offline', "the will 'offline'");
      expect(await retained('hearth/status')).toEqual({ payload: 'offline', qos: 1 });
    } finally {
      await hub.stop();
    }
  });

  it("stop() leaves 'offline' retained", async () => {
    const hub = createHubMqtt({ url: broker.url, ...users.hearth, availabilityTopic: 'hearth/status2', logger: silentLogger() });
    hub.start();
    await waitFor(() => hub.state === 'connected', 'connected');
    await waitFor(async () => (await retained('hearth/status2'))?.payload === 'online', "retained 'online'");
    await hub.stop();
    expect(await retained('hearth/status2')).toEqual({ payload: 'offline', qos: 1 });
  });
});
