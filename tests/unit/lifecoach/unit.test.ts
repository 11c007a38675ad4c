/**
 * The lifecoach unit wired with real parts (lavfi webcams, SQLite, the Ollama stand-in) and a
 * recording MQTT port: discovery and states on start, the cameras switch (persisted, and off
 * means no ffmpeg), the check-in button, republish on reconnect, nothing left after stop.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckinNotification } from '../../../src/lifecoach/checkin/runner.js';
import { checkinSettings, lifecoachSettings, ollamaSettings } from '../../../src/config/lifecoach.js';
import type { CoachMqttMessage } from '../../../src/lifecoach/ha/discovery.js';
import { createLifecoach, type CoachMqttPort, type LifecoachDeps } from '../../../src/lifecoach/unit.js';
import { lavfiCamera } from '../../stand-ins/lavfi-cameras.js';
import { startOllamaStandIn, type OllamaStandIn } from '../../stand-ins/ollama-server.js';
import { MORNING, TZ, person, routines, todos } from './fixtures.js';

class RecordingMqtt implements CoachMqttPort {
  state = 'connected';
  published: CoachMqttMessage[] = [];
  handlers = new Map<string, (topic: string, payload: Buffer) => void>();
  async publish(message: CoachMqttMessage): Promise<void> {
    this.published.push(message);
  }
  subscribe(filter: string, handler: (topic: string, payload: Buffer) => void): () => void {
    this.handlers.set(filter, handler);
    return () => this.handlers.delete(filter);
  }
  send(topic: string, payload: string): void {
    this.handlers.get(topic)?.(topic, Buffer.from(payload));
  }
  last(topic: string): string | undefined {
    const m = this.published.filter((p) => p.topic === topic).at(-1);
    return m === undefined ? undefined : String(m.payload);
  }
}

let standIn: OllamaStandIn;
let mqtt: RecordingMqtt;
let notifications: CheckinNotification[];
let db: Database.Database;

const answer = JSON.stringify({
  summary: 'Meds first',
  message: 'Your meds are waiting.',
  observations: [],
  routines: [{ id: 'morning-meds', suggestion: 'do_now' }],
});

const deps = (overrides: Partial<LifecoachDeps> = {}): LifecoachDeps => ({
  cameras: [lavfiCamera('desk', { size: '640x360', unpaced: true }), lavfiCamera('kitchen', { size: '640x360', unpaced: true })],
  checkins: checkinSettings.parse({}),
  ollama: ollamaSettings.parse({ host: standIn.url, deadline: '20s', first_token_timeout: '10s' }),
  lifecoach: lifecoachSettings.parse({}),
  timezone: TZ,
  person,
  sources: { routines: () => routines, todos: async () => todos, presence: () => ({ home: true, room: 'office' }) },
  mqtt,
  discovery: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
  notify: async (n) => void notifications.push(n),
  db,
  stateDir: '/nonexistent',
  clock: { now: () => MORNING },
  ...overrides,
});

/** Polls until the condition holds (a button press runs the check-in in the background). */
async function until(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  standIn = await startOllamaStandIn();
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.reset();
  standIn.set({ answer: () => answer });
  mqtt = new RecordingMqtt();
  notifications = [];
  db = new Database(':memory:');
});

describe('lifecoach unit', () => {
  it('announces its entities and states on start, health ok once the model answers', async () => {
    const coach = createLifecoach(deps());
    await coach.start();
    const topics = mqtt.published.map((m) => m.topic);
    expect(topics).toContain('homeassistant/switch/hearth/lifecoach_cameras/config');
    expect(topics).toContain('homeassistant/image/hearth/lifecoach_kitchen/config');
    expect(mqtt.last('hearth/lifecoach/cameras/state')).toBe('ON');
    await until(() => mqtt.last('hearth/lifecoach/health') === 'ok');
    expect(standIn.requests.some((r) => r.path === '/api/show')).toBe(true);
    await coach.stop();
  });

  it('says so when the model has no vision', async () => {
    const coach = createLifecoach(deps({ ollama: ollamaSettings.parse({ host: standIn.url, model: 'qwen3:4b' }) }));
    await coach.start();
    await until(() => mqtt.last('hearth/lifecoach/health') === 'no_vision');
    expect(JSON.parse(mqtt.last('hearth/lifecoach/health/attributes')!)).toMatchObject({ model_check: { status: 'no_vision' } });
    await coach.stop();
  });

  it('the check-in button runs a check-in and publishes its state, event and stills', async () => {
    const coach = createLifecoach(deps());
    await coach.start();
    await until(() => mqtt.last('hearth/lifecoach/health') === 'ok');
    mqtt.send('hearth/lifecoach/sam/checkin/run', 'run');
    await until(() => mqtt.last('hearth/lifecoach/sam/checkin/state') !== undefined);
    expect(mqtt.last('hearth/lifecoach/sam/checkin/state')).toBe('Meds first');
    expect(JSON.parse(mqtt.last('hearth/lifecoach/sam/checkin/event')!)).toMatchObject({ event_type: 'model' });
    const still = mqtt.published.find((m) => m.topic === 'hearth/lifecoach/camera/desk/image')!;
    expect(Buffer.isBuffer(still.payload)).toBe(true);
    expect(still.options.retain).toBe(false);
    expect(notifications.map((n) => n.source)).toEqual(['data', 'model']);
    expect(coach.store.list()[0]).toMatchObject({ trigger: 'button', outcome: 'model' });
    await coach.stop();
  });

  it('the cameras switch: off is kept across restarts, and nothing is captured while off', async () => {
    const first = createLifecoach(deps());
    await first.start();
    await until(() => mqtt.last('hearth/lifecoach/health') === 'ok');
    mqtt.send('hearth/lifecoach/cameras/set', 'OFF');
    expect(mqtt.last('hearth/lifecoach/cameras/state')).toBe('OFF');
    expect(mqtt.last('hearth/lifecoach/health')).toBe('cameras_off');
    await first.stop();

    const again = createLifecoach(deps()); // same database: a restart
    expect(again.camerasOn()).toBe(false);
    await again.start();
    expect(mqtt.last('hearth/lifecoach/cameras/state')).toBe('OFF');
    const record = await again.checkin('manual');
    expect(record).toMatchObject({ outcome: 'data', reason: 'no_stills: cameras_off' });
    expect(again.store.captures(record.id)).toEqual([]);
    expect(await again.captureBlocked()).toBe('cameras_off');
    await again.stop();
  });

  it('republishes on an MQTT reconnect, and lets go of everything on stop', async () => {
    const coach = createLifecoach(deps());
    await coach.start();
    await coach.checkin('manual');
    mqtt.published = [];
    coach.onReconnect('mqtt');
    expect(mqtt.last('hearth/lifecoach/sam/checkin/state')).toBe('Meds first');
    expect(mqtt.published.some((m) => m.topic === 'hearth/lifecoach/camera/kitchen/image')).toBe(true);
    expect(mqtt.published.some((m) => m.topic.endsWith('/event'))).toBe(false);
    await coach.stop();
    expect(mqtt.handlers.size).toBe(0);
    mqtt.published = [];
    coach.onReconnect('mqtt');
    expect(mqtt.published).toEqual([]);
  });
});

it('start does not wait for an unreachable Ollama; health says so when the check gives up', async () => {
  const coach = createLifecoach(deps({ ollama: ollamaSettings.parse({ host: 'http://127.0.0.1:9', request_timeout: '1s' }) }));
  await coach.start();
  await until(() => mqtt.last('hearth/lifecoach/health') === 'ollama_unreachable');
  await coach.stop();
});
