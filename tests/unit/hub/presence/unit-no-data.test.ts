/**
 * Case presence-no-data-is-not-away at the hub level (tests/fixtures/cases/…/ha-restart.mts,
 * with faked timers and clock instead of 15 s of real time): hearth's presence unit against
 * the fake HA and the fake MQTT client. Sam's phone is heard in the kitchen; HA restarts (the
 * websocket drops, connections are refused for 6 s — beyond the case's away_after of 4 s), then
 * its RSSI sensors are `unavailable` for 3 s before values flow again. Sam never left.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import { createHaClient } from '../../../../src/hub/ha/client.js';
import { createHubMqtt } from '../../../../src/hub/mqtt/client.js';
import { createPresenceUnit, rssiSources } from '../../../../src/hub/presence/unit.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import { silentLogger } from '../../../../src/log.js';
import { FakeHa } from '../fakes/fake-ha.js';
import { FakeMqttClient } from '../fakes/fake-mqtt.js';

const CASE = new URL('../../../fixtures/cases/presence-no-data-is-not-away/', import.meta.url).pathname;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('case presence-no-data-is-not-away: the presence unit', () => {
  it('never publishes Sam away while nothing is known: not at start, not while HA is down or its sensors unavailable', async () => {
    const household = await loadForHub(`${CASE}hearth.yaml`, `${CASE}devices`, silentLogger());
    const devices = householdEntities(household);
    const sources = rssiSources(devices);
    const kitchen = sources.find((s) => s.room === 'kitchen')!.entityId;
    const office = sources.find((s) => s.room === 'office')!.entityId;
    const fakeHa = new FakeHa();
    fakeHa.pong = true;
    const broker = new FakeMqttClient();
    const ha = createHaClient({
      url: 'http://127.0.0.1:8123',
      token: () => 'good-token',
      tokenSource: 'test',
      logger: silentLogger(),
      onFatal: () => {},
      WebSocketImpl: fakeHa.WebSocket,
      backoff: { initialMs: 200, maxMs: 500 },
    });
    const mqtt = createHubMqtt({
      url: 'mqtt://127.0.0.1',
      availabilityTopic: 'hearth/status',
      logger: silentLogger(),
      connect: broker.connect,
    });
    const now = (): number => Date.now() / 1000;
    ha.start();
    mqtt.start();
    broker.brokerConnect();
    for (let i = 0; i < 100 && ha.state !== 'connected'; i++) await vi.advanceTimersByTimeAsync(10);
    expect(ha.state).toBe('connected');
    const unit = createPresenceUnit({
      household,
      devices,
      ha,
      mqtt,
      context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
      clock: { now: () => Date.now() },
      logger: silentLogger(),
    });
    const seen: string[] = [];
    let phase = 'start';
    const watch = (): void => {
      for (const p of broker.publishes.splice(0)) {
        if (p.topic === 'hearth/person/sam/tracker' || p.topic === 'hearth/person/sam/room')
          seen.push(`${phase}: ${p.topic.split('/').at(-1)}=${String(p.payload)}`);
      }
    };
    const run = async (ms: number, heard: boolean): Promise<void> => {
      for (let t = 0; t < ms; t += 500) {
        if (heard) {
          fakeHa.setEntity(kitchen, String(-60 - ((t / 500) % 3)), now());
          fakeHa.setEntity(office, String(-85 - ((t / 500) % 2)), now());
        }
        await vi.advanceTimersByTimeAsync(500);
        watch();
      }
    };
    try {
      unit.start();
      await vi.advanceTimersByTimeAsync(100);
      watch();
      expect(seen).toEqual([]); // nothing known yet: nothing published
      phase = 'heard';
      await run(3000, true);
      phase = 'HA down';
      fakeHa.connect = 'refuse';
      fakeHa.current!.drop();
      await run(6000, false);
      phase = 'HA back, sensors unavailable';
      fakeHa.setEntity(kitchen, 'unavailable', now());
      fakeHa.setEntity(office, 'unavailable', now());
      fakeHa.connect = 'up';
      await run(3000, false);
      phase = 'heard again';
      await run(3000, true);
      unit.onReconnect('mqtt');
      watch();
    } finally {
      unit.stop();
      await ha.stop();
      mqtt.stop();
    }
    expect(seen.filter((l) => l.endsWith('=not_home') || l.endsWith('=away'))).toEqual([]);
    expect(seen.slice(0, 2)).toEqual(['heard: room=kitchen', 'heard: tracker=home']);
    expect(seen.at(-1)).toBe('heard again: tracker=home');
  });
});
