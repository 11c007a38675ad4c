/**
 * The reminders unit (src/hub/reminders.ts) against the fake HA and fake MQTT, with a clock
 * the test sets, an in-memory store and the unit's log lines kept (JSON objects).
 */
import { Writable } from 'node:stream';
import type { Household } from '../../../../src/config/household.js';
import { householdEntities, type DeviceEntities } from '../../../../src/config/entity-ids.js';
import { loadHousehold } from '../../../../src/config/load.js';
import { createHaClient, type HaClient } from '../../../../src/hub/ha/client.js';
import { createHubMqtt, type HubMqtt } from '../../../../src/hub/mqtt/client.js';
import { createReminders, type Reminders } from '../../../../src/hub/reminders/unit.js';
import { createStore, type Store } from '../../../../src/hub/store/store.js';
import { createLogger } from '../../../../src/log.js';
import { FakeHa } from '../fakes/fake-ha.js';
import { FakeMqttClient } from '../fakes/fake-mqtt.js';

export interface RemindersHarness {
  fakeHa: FakeHa;
  /** The fake broker's client: every publish recorded. */
  broker: FakeMqttClient;
  ha: HaClient;
  mqtt: HubMqtt;
  store: Store;
  reminders: Reminders;
  /** The clock the unit reads (epoch ms); set it before a step. */
  clock: { t: number; now(): number };
  logs: Array<Record<string, unknown>>;
  /** Stops the unit (as a reload does) and starts a new one on the same store. */
  restart(household?: Household): Reminders;
  close(): Promise<void>;
}

/** The case the press tests run on: morning-meds daily at 08:00 with a 1 h window, one button. */
const PRESS_CASE = 'tests/fixtures/cases/nag-and-escalation-together';

/**
 * A harness at 2026-06-02 10:00 BST on the nag-and-escalation-together case (morning-meds'
 * 08:00 window long over, tomorrow's far), its button's last press (1 June) in HA and already
 * handled, so the next press a test sets (`h.fakeHa.setEntity(press, …)`) is a fresh one.
 * Returns the harness, the button's entities and its press entity id.
 */
export async function pressReadyHarness(): Promise<{ h: RemindersHarness; button: DeviceEntities; press: string }> {
  const household = await loadHousehold({ configFile: `${PRESS_CASE}/hearth.yaml`, devicesDir: `${PRESS_CASE}/devices` });
  const button = householdEntities(household).find((d) => d.kind === 'reminder-button')!;
  const press = button.entities.find((e) => e.role === 'press')!.entityId;
  const h = await remindersHarness(household, Date.parse('2026-06-02T09:00:00Z'), (fakeHa, store) => {
    fakeHa.setEntity(press, '2026-06-01T00:00:00.000+00:00', 1_780_272_000, { event_type: 'single' });
    store.markPressHandled(press, String(Date.parse('2026-06-01T00:00:00.000Z')), 0);
  });
  return { h, button, press };
}

/** `before`: runs once the fake HA and the store exist, before the unit starts (seed entities, marks). */
export async function remindersHarness(
  household: Household,
  start: number,
  before?: (fakeHa: FakeHa, store: Store) => void,
): Promise<RemindersHarness> {
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const fakeHa = new FakeHa();
  const broker = new FakeMqttClient();
  const store = createStore({ path: ':memory:' });
  const clock = { t: start, now: () => clock.t };
  const ha = createHaClient({
    url: 'http://127.0.0.1:8123',
    token: () => 'good-token',
    tokenSource: 'test',
    logger,
    onFatal: () => {},
    WebSocketImpl: fakeHa.WebSocket,
  });
  const mqtt = createHubMqtt({ url: 'mqtt://127.0.0.1', availabilityTopic: 'hearth/status', logger, connect: broker.connect });
  before?.(fakeHa, store);
  ha.start();
  mqtt.start();
  broker.brokerConnect();
  const deadline = Date.now() + 5000;
  while (ha.state !== 'connected') {
    if (Date.now() > deadline) throw new Error('fake HA never connected');
    await new Promise((r) => setTimeout(r, 5));
  }
  const make = (h: Household): Reminders => {
    const r = createReminders({
      household: h,
      devices: householdEntities(h),
      ha,
      mqtt,
      store,
      context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
      clock,
      logger,
    });
    r.start();
    return r;
  };
  const harness: RemindersHarness = {
    fakeHa,
    broker,
    ha,
    mqtt,
    store,
    clock,
    logs,
    reminders: make(household),
    restart(h = household) {
      harness.reminders.stop();
      harness.reminders = make(h);
      return harness.reminders;
    },
    async close() {
      harness.reminders.stop();
      await ha.stop();
      mqtt.stop();
      store.close();
    },
  };
  return harness;
}

/**
 * Waits until `cond` holds (5 s budget, an error naming `what` after it). Polled every 5 ms, or
 * with `everyTurn` at each turn of the event loop (to look between an I/O callback and the
 * `setImmediate` work it queued).
 */
export async function until(cond: () => boolean, what: string, options: { everyTurn?: boolean } = {}): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => (options.everyTurn ? setImmediate(r) : setTimeout(r, 5)));
  }
}
