/**
 * The discovery publisher against a fake MQTT client: exact topics, payloads and
 * `{ retain, qos }` of what it publishes, HA `online` republishing, clearing what removed
 * entities left behind (configs and their retained state), runs that never overlap, and
 * nothing published after stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BinaryMqttMessage, HubMqtt, MessageHandler, MqttState } from '../../../../src/hub/mqtt/client.js';
import { createDiscoveryPublisher, type DiscoveryPublisher } from '../../../../src/hub/mqtt/discovery-publisher.js';
import { householdDiscovery, type MqttMessage, type PublishOptions } from '../../../../src/discovery/discovery.js';
import { silentLogger } from '../../../../src/log.js';
import { ctx, MORNING_MEDS_CONFIGS, morningMedsSensor, RETAINED_QOS1 } from './discovery-fixture.js';

interface Published {
  topic: string;
  payload: string;
  options: PublishOptions;
}

/** A HubMqtt that records publishes; `hold` keeps them pending until released (in any order). */
class FakeMqtt implements HubMqtt {
  state: MqttState = 'connected';
  readonly published: Published[] = [];
  readonly handlers = new Map<string, Set<MessageHandler>>();
  readonly connectListeners = new Set<() => void>();
  readonly stats = { connects: 0, published: 0, received: 0 };
  hold = false;
  readonly held: Array<{ message: Published; resolve: () => void; reject: (e: Error) => void }> = [];

  start(): void {}
  stop(): Promise<void> {
    this.state = 'stopped';
    return Promise.resolve();
  }
  publish(messageOrTopic: MqttMessage | BinaryMqttMessage | string, payload?: string | Buffer, options?: PublishOptions): Promise<void> {
    const message: Published =
      typeof messageOrTopic === 'string'
        ? { topic: messageOrTopic, payload: String(payload ?? ''), options: options! }
        : { topic: messageOrTopic.topic, payload: String(messageOrTopic.payload), options: messageOrTopic.options };
    this.published.push(message);
    if (!this.hold) return Promise.resolve();
    return new Promise((resolve, reject) => this.held.push({ message, resolve, reject }));
  }
  subscribe(filter: string, handler: MessageHandler): () => void {
    let set = this.handlers.get(filter);
    if (!set) this.handlers.set(filter, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }
  /** The broker delivers a message to the subscribed handlers. */
  deliver(topic: string, payload: string): void {
    for (const h of this.handlers.get(topic) ?? []) h(topic, Buffer.from(payload));
  }
  connect(): void {
    this.state = 'connected';
    for (const l of this.connectListeners) l();
  }
  /** Resolves the held publishes whose topic satisfies `which`, latest first. */
  release(which: (m: Published) => boolean = () => true): void {
    const picked = this.held.filter((h) => which(h.message)).reverse();
    for (const h of picked) {
      this.held.splice(this.held.indexOf(h), 1);
      h.resolve();
    }
  }
}

/** The store's discovery_topics table. */
function memoryStore(initial: string[] = []) {
  let topics = [...initial];
  const saves: string[][] = [];
  return {
    loadTopics: () => [...topics],
    saveTopics: (t: string[]) => {
      topics = [...t];
      saves.push([...t]);
    },
    get topics() {
      return topics;
    },
    saves,
  };
}

const flush = async (n = 10) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

const routines = (...ids: string[]) =>
  householdDiscovery(ctx, { routines: ids.map((id) => ({ id, title: id.toUpperCase() })), people: [] });
const people = (...ids: string[]) => householdDiscovery(ctx, { routines: [], people: ids.map((id) => ({ id, name: id })) });
const configTopics = (messages: MqttMessage[]) => messages.map((m) => m.topic);

let mqtt: FakeMqtt;
let store: ReturnType<typeof memoryStore>;
let publisher: DiscoveryPublisher;
let afterPublish: ReturnType<typeof vi.fn<() => void>>;

function makePublisher(initialTopics: string[] = []): DiscoveryPublisher {
  store = memoryStore(initialTopics);
  afterPublish = vi.fn<() => void>();
  publisher = createDiscoveryPublisher({
    mqtt,
    context: ctx,
    logger: silentLogger(),
    loadTopics: store.loadTopics,
    saveTopics: store.saveTopics,
    afterPublish,
    republishDelay: 100,
  });
  return publisher;
}

beforeEach(() => {
  mqtt = new FakeMqtt();
});
afterEach(() => {
  publisher?.stop();
  vi.useRealTimers();
});

describe('discovery publisher: what it publishes', () => {
  it('publishes every config retained with QoS 1 on homeassistant/<component>/hearth/<object>/config', async () => {
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('morning-meds'));
    expect(mqtt.published.map((m) => [m.topic, m.options])).toEqual(MORNING_MEDS_CONFIGS);
    const sensor = JSON.parse(mqtt.published[0]!.payload) as Record<string, unknown>;
    expect(sensor).toEqual(morningMedsSensor('MORNING-MEDS'));
    expect(sensor).not.toHaveProperty('object_id');
    for (const m of mqtt.published) {
      const body = JSON.parse(m.payload) as Record<string, unknown>;
      expect(body).toMatchObject({ availability_topic: 'hearth/status', origin: { name: 'hearth', sw_version: '1.2.3' } });
      expect(body).toHaveProperty('unique_id');
      expect(body).toHaveProperty('default_entity_id');
      expect(body).not.toHaveProperty('object_id');
      expect(body.origin).not.toHaveProperty('support_url');
    }
    // The store remembers the configs and the retained state topics they name.
    expect(store.topics).toEqual([
      ...configTopics(routines('morning-meds')),
      'hearth/routine/morning-meds/state',
      'hearth/routine/morning-meds/attributes',
    ]);
    expect(afterPublish).toHaveBeenCalledTimes(1);
  });

  it('clears nothing before the configs are known: a connect before setConfigs does not wipe the entities', async () => {
    makePublisher(configTopics(routines('a')));
    publisher.start();
    mqtt.connect();
    await flush();
    expect(mqtt.published).toEqual([]);
    expect(store.saves).toEqual([]);
    await publisher.setConfigs(routines('a'));
    expect(mqtt.published.filter((m) => m.payload === '')).toEqual([]);
  });

  it('publishes nothing while disconnected, and everything on connect', async () => {
    mqtt.state = 'connecting';
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('a'));
    expect(mqtt.published).toEqual([]);
    mqtt.connect();
    await flush();
    expect(configTopics(mqtt.published)).toEqual(configTopics(routines('a')));
  });

  it('republishes everything when homeassistant/status says online (after the delay), not on offline', async () => {
    vi.useFakeTimers();
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('a'));
    mqtt.published.length = 0;
    expect([...mqtt.handlers.keys()]).toEqual(['homeassistant/status']);

    mqtt.deliver('homeassistant/status', 'offline');
    await vi.advanceTimersByTimeAsync(5000);
    expect(mqtt.published).toEqual([]);

    mqtt.deliver('homeassistant/status', 'online');
    await vi.advanceTimersByTimeAsync(99);
    expect(mqtt.published).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(mqtt.published).toEqual(routines('a').map((m) => ({ topic: m.topic, payload: m.payload, options: RETAINED_QOS1 })));
    expect(afterPublish).toHaveBeenCalledTimes(2);
  });
});

describe('discovery publisher: clearing removed entities', () => {
  it('clears configs of entities that no longer exist with an empty retained payload, from the topics in the store', async () => {
    // A previous run (another process) published routines a and gone.
    const before = routines('a', 'gone');
    makePublisher([...configTopics(before)]);
    publisher.start();
    await publisher.setConfigs(routines('a'));
    const clears = mqtt.published.filter((m) => m.payload === '');
    expect(clears).toEqual(
      [
        'homeassistant/button/hearth/routine_gone_done/config',
        'homeassistant/button/hearth/routine_gone_skip/config',
        'homeassistant/button/hearth/routine_gone_snooze/config',
        'homeassistant/sensor/hearth/routine_gone/config',
      ].map((topic) => ({ topic, payload: '', options: RETAINED_QOS1 })),
    );
    expect(mqtt.published.filter((m) => m.payload !== '').map((m) => m.topic)).toEqual(configTopics(routines('a')));
  });

  it("also clears a removed entity's retained state and attributes topics, after its config", async () => {
    makePublisher();
    publisher.start();
    await publisher.setConfigs([...routines('a', 'gone'), ...people('sam', 'kim')]);
    mqtt.published.length = 0;

    await publisher.setConfigs([...routines('a'), ...people('sam')]);
    const clears = mqtt.published.filter((m) => m.payload === '');
    expect(clears.map((m) => m.topic)).toEqual([
      'homeassistant/button/hearth/routine_gone_done/config',
      'homeassistant/button/hearth/routine_gone_skip/config',
      'homeassistant/button/hearth/routine_gone_snooze/config',
      'homeassistant/device_tracker/hearth/kim_ble/config',
      'homeassistant/sensor/hearth/kim_room/config',
      'homeassistant/sensor/hearth/routine_gone/config',
      'hearth/person/kim/attributes',
      'hearth/person/kim/room',
      'hearth/person/kim/tracker',
      'hearth/routine/gone/attributes',
      'hearth/routine/gone/state',
    ]);
    for (const m of clears) expect(m.options).toEqual(RETAINED_QOS1);
    // Nothing of the entities that stay is cleared.
    expect(clears.some((m) => m.topic.includes('/a/') || m.topic.includes('sam') || m.topic.includes('routine_a'))).toBe(false);
    expect(store.topics).not.toContain('hearth/routine/gone/state');
    expect(store.topics).toContain('hearth/routine/a/state');
    expect(store.topics).toContain('hearth/person/sam/tracker');

    // Cleared once: the next run has nothing left to clear.
    mqtt.published.length = 0;
    await publisher.republish();
    expect(mqtt.published.filter((m) => m.payload === '')).toEqual([]);
  });

  it('clears the state topics of a routine removed while hearth was not running (store of the previous run)', async () => {
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('a', 'gone'));
    publisher.stop();
    const saved = store.topics;

    mqtt = new FakeMqtt();
    makePublisher(saved);
    publisher.start();
    await publisher.setConfigs(routines('a'));
    expect(mqtt.published.filter((m) => m.payload === '').map((m) => m.topic)).toContain('hearth/routine/gone/state');
    expect(mqtt.published.filter((m) => m.payload === '').map((m) => m.topic)).toContain('hearth/routine/gone/attributes');
  });
});

describe('discovery publisher: overlapping runs', () => {
  it('never runs two publishes at once: a newer run starts when the older one has finished, and its topic list is the one saved', async () => {
    makePublisher(configTopics(routines('a', 'b')));
    mqtt.hold = true;
    publisher.start(); // run 1 (start, as the service does it): wants a and b
    void publisher.setConfigs(routines('a', 'b'));

    await flush();
    const run1 = [...mqtt.published];
    expect(run1.map((m) => m.topic)).toEqual(configTopics(routines('a', 'b')));

    // A reload removes b while run 1 is still in flight.
    const reload = publisher.setConfigs(routines('a'));
    await flush();
    expect(mqtt.published).toHaveLength(run1.length); // run 2 waits for run 1

    // Publishes resolve out of order: the newest first (without serialization run 2's would
    // be among them and finish before run 1's).
    mqtt.release();
    await flush();
    mqtt.release();
    await reload;
    const run2 = mqtt.published.slice(run1.length);
    expect(run2.filter((m) => m.payload === '').map((m) => m.topic)).toEqual([
      'homeassistant/button/hearth/routine_b_done/config',
      'homeassistant/button/hearth/routine_b_skip/config',
      'homeassistant/button/hearth/routine_b_snooze/config',
      'homeassistant/sensor/hearth/routine_b/config',
      'hearth/routine/b/attributes',
      'hearth/routine/b/state',
    ]);
    // No config of b is published after b was cleared.
    const lastClearOfB = mqtt.published
      .map((m) => m.topic === 'homeassistant/sensor/hearth/routine_b/config' && m.payload === '')
      .lastIndexOf(true);
    const lastConfigOfB = mqtt.published
      .map((m) => m.topic === 'homeassistant/sensor/hearth/routine_b/config' && m.payload !== '')
      .lastIndexOf(true);
    expect(lastConfigOfB).toBeLessThan(lastClearOfB);
    // The list saved last is the newest run's.
    expect(store.saves.at(-1)).toEqual([...configTopics(routines('a')), 'hearth/routine/a/state', 'hearth/routine/a/attributes']);
  });

  it("an older run's slow publishes cannot save its topic list over a newer run's", async () => {
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('a', 'b'));
    mqtt.published.length = 0;
    store.saves.length = 0;

    mqtt.hold = true;
    const older = publisher.republish(); // still wants a and b
    await flush();
    const newer = publisher.setConfigs(routines('a'));
    await flush();
    // Resolve whatever is held, newest publish first, until both runs are done.
    for (let i = 0; i < 5; i++) {
      mqtt.release();
      await flush();
    }
    await Promise.all([older, newer]);
    expect(store.topics).toEqual([...configTopics(routines('a')), 'hearth/routine/a/state', 'hearth/routine/a/attributes']);
    expect(store.saves).toHaveLength(2);
  });

  it('coalesces requests made during a run into one rerun with the latest configs', async () => {
    makePublisher();
    publisher.start();
    await flush(); // start's run: no configs yet
    mqtt.hold = true;
    const run1 = publisher.setConfigs(routines('a'));
    await flush();
    expect(mqtt.published.map((m) => m.topic)).toEqual(configTopics(routines('a')));

    const requests = [publisher.setConfigs(routines('a', 'b')), publisher.republish(), publisher.setConfigs(routines('a', 'c'))];
    mqtt.connect(); // a reconnect asks too
    await flush();
    expect(mqtt.published).toHaveLength(4); // all wait for run 1

    mqtt.release();
    await run1;
    await flush();
    // One rerun, with the configs wanted by now (a and c).
    expect(mqtt.published.slice(4).map((m) => m.topic)).toEqual(configTopics(routines('a', 'c')));
    mqtt.release();
    await Promise.all(requests);
    await flush();
    expect(mqtt.published).toHaveLength(12);
    expect(afterPublish).toHaveBeenCalledTimes(2); // run 1 and the rerun (start's run had no configs yet)
  });

  it('a failed run does not block the next one', async () => {
    makePublisher();
    publisher.start();
    mqtt.hold = true;
    const failing = publisher.setConfigs(routines('a'));
    await flush();
    const next = publisher.setConfigs(routines('b'));
    mqtt.hold = false;
    for (const h of mqtt.held.splice(0)) h.reject(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await next;
    expect(store.topics).toEqual([...configTopics(routines('b')), 'hearth/routine/b/state', 'hearth/routine/b/attributes']);
  });
});

describe('discovery publisher: stop', () => {
  it('publishes nothing after stop: not on connect, HA online, setConfigs or a queued rerun', async () => {
    vi.useFakeTimers();
    makePublisher();
    publisher.start();
    await publisher.setConfigs(routines('a'));
    mqtt.deliver('homeassistant/status', 'online'); // a republish scheduled
    mqtt.hold = true;
    const inFlight = publisher.republish();
    await vi.advanceTimersByTimeAsync(0);
    const queued = publisher.setConfigs(routines('b'));
    const count = mqtt.published.length;
    const saves = store.saves.length;
    const calls = afterPublish.mock.calls.length;

    publisher.stop();
    expect(mqtt.handlers.get('homeassistant/status')?.size ?? 0).toBe(0);
    expect(mqtt.connectListeners.size).toBe(0);
    mqtt.release();
    await inFlight;
    await queued;
    mqtt.connect();
    mqtt.deliver('homeassistant/status', 'online');
    await vi.advanceTimersByTimeAsync(10_000);
    await publisher.setConfigs(routines('c'));
    await publisher.republish();
    expect(mqtt.published).toHaveLength(count);
    expect(store.saves).toHaveLength(saves); // the run stopped mid-way saves nothing
    expect(afterPublish).toHaveBeenCalledTimes(calls);
  });
});
