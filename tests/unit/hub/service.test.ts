/**
 * The whole hub, with a fake HA (fake-ha.ts) and a fake mqtt.js client; timers are faked
 * (setTimeout/setInterval only: file and socket I/O stay real).
 *
 * What a connect publishes: each state once, after the discovery configs.
 *
 * stop() against a reload (or entity resolution) in flight: nothing starts again after stop,
 * no timer is left behind, nothing more goes to HA or the broker, and the store is closed
 * only once they are done.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { createHub, type Hub } from '../../../src/hub/service.js';
import { silentLogger } from '../../../src/log.js';
import { FakeHa } from './fakes/fake-ha.js';
import { FakeMqttClient } from './fakes/fake-mqtt.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

let dir: string;
let ha: FakeHa;
let broker: FakeMqttClient;
let hub: Hub | undefined;

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  dir = mkdtempSync(join(tmpdir(), 'hearth-hub-stop-'));
  for (const name of ['ha-token', 'http-token']) writeFileSync(join(dir, name), 'good-token\n');
  const config = parse(readFileSync(repo('hearth.yaml'), 'utf8')) as Record<string, unknown>;
  Object.assign(config, {
    homeassistant: { url: 'http://127.0.0.1:8123', token_file: join(dir, 'ha-token') },
    mqtt: { url: 'mqtt://127.0.0.1:1883' },
    http: { host: '127.0.0.1', port: 0, token_file: join(dir, 'http-token') },
    state_dir: join(dir, 'state'),
  });
  writeFileSync(join(dir, 'hearth.yaml'), stringify(config));
  ha = new FakeHa();
  broker = new FakeMqttClient();
  hub = createHub({
    configFile: join(dir, 'hearth.yaml'),
    devicesDir: repo('devices'),
    logger: silentLogger(),
    env: {},
    onFatal: () => {},
    overrides: { httpPort: 0, WebSocketImpl: ha.WebSocket, mqttConnect: broker.connect },
  });
});
afterEach(async () => {
  await hub?.stop();
  hub = undefined;
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const sentToHa = () => ha.sockets.reduce((n, s) => n + s.received.length, 0);

describe('hub stop', () => {
  it('stop during a reload: nothing restarts, no timer is left, nothing more is sent', async () => {
    await hub!.start();
    broker.brokerConnect();
    await flush();
    expect(hub!.health()).toEqual({ ha: 'connected', mqtt: 'connected', store: 'ok' });
    expect(vi.getTimerCount()).toBeGreaterThan(0); // routine timers, presence, heartbeat

    const reloading = hub!.reload();
    await hub!.stop();
    expect(await reloading).toBe(false);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
    expect(hub!.health().store).toBe('error'); // closed

    const published = broker.publishes.length;
    const sent = sentToHa();
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    expect(broker.publishes.length).toBe(published);
    expect(sentToHa()).toBe(sent);
  });

  it('stop while HA is starting: a sendMessage waiting for RUNNING is rejected, no timer is left', async () => {
    ha.state = 'STARTING';
    await hub!.start();
    broker.brokerConnect();
    await flush();
    expect(hub!.health().ha).toBe('starting');
    // As the entity resolution does on RUNNING: it would wait for ever.
    const pending = hub!.ha!.sendMessage({ type: 'config/entity_registry/list' });
    await hub!.stop();
    await expect(pending).rejects.toThrow(/stopped/);
    await flush();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('hub connect', () => {
  it('each routine state is published once per MQTT connect, after the discovery configs; a person with no readings yet not at all', async () => {
    await hub!.start();
    const household = hub!.household!;
    // No RSSI readings here: nothing is known of the person, so nothing is published for them
    // (never `away`: case presence-no-data-is-not-away).
    const personTopics = household.config.people
      .filter((p) => household.config.trackers.some((t) => t.person === p.id))
      .flatMap((p) => [`hearth/person/${p.id}/room`, `hearth/person/${p.id}/tracker`]);
    expect(personTopics.length).toBeGreaterThan(0);
    const stateTopics = household.config.routines.map((r) => `hearth/routine/${r.id}/state`);
    expect(stateTopics.length).toBeGreaterThan(2);
    const countOf = (from: number) => {
      const counts = new Map<string, number>();
      for (const p of broker.publishes.slice(from)) if (stateTopics.includes(p.topic)) counts.set(p.topic, (counts.get(p.topic) ?? 0) + 1);
      return counts;
    };
    for (let connect = 0; connect < 2; connect++) {
      const from = broker.publishes.length;
      if (connect) broker.emit('close');
      broker.brokerConnect();
      await flush();
      expect(Object.fromEntries(countOf(from))).toEqual(Object.fromEntries(stateTopics.map((t) => [t, 1])));
      expect(broker.publishes.slice(from).filter((p) => personTopics.includes(p.topic))).toEqual([]);
      const firstState = broker.publishes.findIndex((p, i) => i >= from && stateTopics.includes(p.topic));
      const lastConfig = broker.publishes.findLastIndex((p) => p.topic.startsWith('homeassistant/'));
      expect(lastConfig).toBeLessThan(firstState);
    }
  });
});

describe('hub metrics', () => {
  it('/metrics reports what the MQTT client counts, received messages included', async () => {
    await hub!.start();
    broker.brokerConnect();
    await flush();
    broker.emit('message', 'hearth/routine/morning-meds/set', Buffer.from('bogus'));
    const { port } = hub!.http!.address()!;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer good-token' } })).text();
    expect(text).toMatch(/^hearth_mqtt_received_total 1$/m);
    expect(text).toMatch(/^hearth_mqtt_connects_total 1$/m);
  });
});
