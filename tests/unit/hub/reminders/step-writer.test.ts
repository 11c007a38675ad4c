/**
 * Memory and disk agree after a failed write. A step's new state is in memory (and the LED
 * told) before its transaction commits (a press commits in a setImmediate); when the write
 * fails, the routine's state and the press's handled mark are put back to what the store
 * holds, the LED follows, and the API answers with the state a restart would find.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { householdEntities } from '../../../../src/config/entity-ids.js';
import { createHaClient, type HaClient } from '../../../../src/hub/ha/client.js';
import { createHubMqtt, type HubMqtt } from '../../../../src/hub/mqtt/client.js';
import { createReminders, type Reminders } from '../../../../src/hub/reminders/unit.js';
import { loadForHub } from '../../../../src/hub/config-loading.js';
import { createStore, type Store } from '../../../../src/hub/store/store.js';
import { silentLogger } from '../../../../src/log.js';
import { FakeHa } from '../fakes/fake-ha.js';
import { FakeMqttClient } from '../fakes/fake-mqtt.js';
import { until } from './reminders-harness.js';

const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));
const ROUTINE = 'morning-meds';
const SATURDAY_AFTERNOON = Date.parse('2026-06-06T13:00:00Z');
const startedAt = Date.now();

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup() {
  const household = await loadForHub(repo('hearth.yaml'), repo('devices'), silentLogger());
  const devices = householdEntities(household);
  const button = devices.find((d) => d.kind === 'reminder-button' && d.routine === ROUTINE)!;
  const pressEntity = button.entities.find((e) => e.role === 'press')!.entityId;
  const led = button.entities.find((e) => e.role === 'led')!.entityId;
  const fakeHa = new FakeHa();
  const broker = new FakeMqttClient();
  const real = createStore({ path: ':memory:' });
  let failing = false;
  // The same store, except that its writes throw while `failing` (disk full, I/O error).
  const store: Store = {
    ...real,
    saveReminderState: (...a) => (failing ? fail() : real.saveReminderState(...a)),
    markPressHandled: (...a) => (failing ? fail() : real.markPressHandled(...a)),
  };
  function fail(): never {
    throw new Error('SQLITE_FULL: database or disk is full (simulated)');
  }
  const ha: HaClient = createHaClient({
    url: 'http://127.0.0.1:8123',
    token: () => 'good-token',
    tokenSource: 'test',
    logger: silentLogger(),
    onFatal: () => {},
    WebSocketImpl: fakeHa.WebSocket,
  });
  const mqtt: HubMqtt = createHubMqtt({
    url: 'mqtt://127.0.0.1',
    availabilityTopic: 'hearth/status',
    logger: silentLogger(),
    connect: broker.connect,
  });
  // The button has fired before (handled): a newer event is a press.
  fakeHa.setEntity(pressEntity, '2026-01-01T00:00:00.000+00:00', 1_767_225_600, { event_type: 'single' });
  real.markPressHandled(pressEntity, String(Date.parse('2026-01-01T00:00:00.000Z')), Date.now());
  ha.start();
  mqtt.start();
  broker.brokerConnect();
  await until(() => ha.state === 'connected', 'HA connected');
  const reminders: Reminders = createReminders({
    household,
    devices,
    ha,
    mqtt,
    store,
    context: { prefix: 'homeassistant', baseTopic: 'hearth', version: 'test' },
    // A Saturday 14:00 BST, whatever the time the test runs: no routine is due by its schedule
    // (morning-meds pending since 08:00 would be nagging already), no quiet hours.
    clock: { now: () => SATURDAY_AFTERNOON + (Date.now() - startedAt) },
    logger: silentLogger(),
  });
  reminders.start();
  cleanup.push(
    () => ha.stop(),
    () => mqtt.stop(),
    () => reminders.stop(),
    () => real.close(),
  );
  const phase = () => reminders.list().find((r) => r.id === ROUTINE)!.phase;
  const onDisk = () => (real.loadReminderStates().get(ROUTINE) as { phase: string } | undefined)?.phase;
  const ledCalls = () => fakeHa.serviceCalls.filter((c) => JSON.stringify(c.target).includes(led)).map((c) => c.service);
  return { fakeHa, real, reminders, pressEntity, phase, onDisk, ledCalls, setFailing: (f: boolean) => void (failing = f) };
}

describe('reminders: a write that fails', () => {
  it('an API action that cannot be saved is undone in memory: the answer is what the store holds', async () => {
    const t = await setup();
    expect(t.reminders.due(ROUTINE)!.phase).toBe('due');
    expect(t.onDisk()).toBe('due');
    t.setFailing(true);
    const view = t.reminders.action(ROUTINE, 'done', 'api')!;
    expect(view.phase).toBe('due');
    expect(view.led).toBe(true);
    expect(t.phase()).toBe('due');
    expect(t.onDisk()).toBe('due');
    // The LED went off with the step and is told again what the saved state says.
    await until(() => t.ledCalls().at(-1) === 'turn_on' && t.ledCalls().includes('turn_off'), 'LED back on');
  });

  it('a press whose commit fails: state and handled mark back to the store, a later press counts', async () => {
    const t = await setup();
    t.reminders.due(ROUTINE);
    const handledBefore = t.real.lastHandledPress(t.pressEntity);
    t.setFailing(true);
    t.fakeHa.setEntity(t.pressEntity, '2026-01-02T00:00:00.000+00:00', 1_767_312_000, { event_type: 'single' });
    await until(() => t.ledCalls().includes('turn_off'), 'LED off (the press)');
    await until(() => t.ledCalls().at(-1) === 'turn_on', 'LED back on after the failed commit');
    expect(t.phase()).toBe('due');
    expect(t.onDisk()).toBe('due');
    expect(t.real.lastHandledPress(t.pressEntity)).toBe(handledBefore);

    // The store works again: the next press is taken and saved.
    t.setFailing(false);
    t.fakeHa.setEntity(t.pressEntity, '2026-01-02T00:01:00.000+00:00', 1_767_312_060, { event_type: 'single' });
    await until(() => t.onDisk() === 'done', 'done on disk');
    expect(t.phase()).toBe('done');
    expect(t.real.lastHandledPress(t.pressEntity)).toBe(String(Date.parse('2026-01-02T00:01:00.000Z')));
  });
});
