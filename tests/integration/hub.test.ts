/**
 * The hub against the real stack (shared): Home Assistant with the emulated ESPHome devices
 * and Mosquitto. A due routine pulses the buttons' LEDs; presses (single/double/long) settle
 * it and the LED goes off; hearth's MQTT entities appear in HA; presence follows RSSI; a bad
 * token is a clear fatal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'home-assistant-js-websocket';
import { REMINDER_EFFECT } from '../../src/config/device-entities.js';
import {
  connect,
  dumpLogsOnFailure,
  lightState,
  keepHearing,
  press,
  SAM_IN_OFFICE,
  sharedStack,
  waitForState,
  type StackInfo,
} from '../helpers/index.js';
import { startHub, waitFor, type RunningHub } from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

let conn: Connection;
let hearth: RunningHub;
beforeAll(async () => {
  conn = await connect(stack);
  hearth = await startHub(stack);
});
afterAll(async () => {
  await hearth?.stop();
  conn?.close();
});

const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';
const phase = async () =>
  (await hearth.api<Array<{ id: string; phase: string }>>('GET', '/api/routines')).body.find((r) => r.id === ROUTINE)?.phase;
const ledOn = async () => (await lightState(stack, BUTTON)).state;

async function makeDue(): Promise<void> {
  const r = await hearth.api<{ phase: string }>('POST', `/api/routines/${ROUTINE}/due`);
  expect(r.status).toBe(200);
  // The household's real schedule runs on the wall clock: it may already be nagging.
  expect(['due', 'nagging']).toContain(r.body.phase);
  await waitFor(ledOn, 10_000, 'LED on');
  expect((await lightState(stack, BUTTON)).effect).toBe(REMINDER_EFFECT);
}

describe('hub: routines and buttons', () => {
  it('takes the very first press of a button that never fired (event entity `unknown`)', async () => {
    const device = hearth.hub.devices.find((d) => d.device === 'plants-button')!;
    const entity = device.entities.find((e) => e.role === 'press')!.entityId;
    const before = await waitForState(conn, entity, () => true, 10_000);
    expect(before.state, `${entity} was pressed before this test; it needs a button that never fired`).toBe('unknown');
    const r = await hearth.api<{ phase: string }>('POST', '/api/routines/water-plants/due');
    // The household's real schedule runs on the wall clock: it may already be nagging.
    expect(['due', 'nagging']).toContain(r.body.phase);
    await waitFor(async () => (await lightState(stack, 'plants-button')).state, 10_000, 'plants LED on');
    await press(stack, 'plants-button', 'single');
    await waitFor(async () => !(await lightState(stack, 'plants-button')).state, 10_000, 'plants LED off');
    const routines = (await hearth.api<Array<{ id: string; phase: string }>>('GET', '/api/routines')).body;
    expect(routines.find((x) => x.id === 'water-plants')?.phase).toBe('done');
  });

  it('healthz reports every connection up', async () => {
    const r = await fetch(`${hearth.base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ha: 'connected', mqtt: 'connected', store: 'ok' });
  });

  it('a due routine pulses its LED; a single press marks it done and the LED goes off', async () => {
    await makeDue();
    const t0 = performance.now();
    await press(stack, BUTTON, 'single');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off');
    console.log(`press → LED off at the emulated device: ${(performance.now() - t0).toFixed(1)} ms`);
    expect(await phase()).toBe('done');
    const history = hearth.hub.store!.history({ routine: ROUTINE, limit: 10 }).map((r) => r.kind);
    expect(history).toEqual(expect.arrayContaining(['press', 'done']));
    // Each row says where it came from: the button, on its device (the ESPHome node name).
    const rows = hearth.hub.store!.history({ routine: ROUTINE, limit: 10 });
    expect(rows.find((r) => r.kind === 'done')).toMatchObject({ source: 'button', device: BUTTON });
    expect(rows.find((r) => r.kind === 'press')).toMatchObject({ source: 'button', device: BUTTON });
    // Made due by the API, or (08:00-12:00 London) already due by the schedule: said either way.
    expect(rows.find((r) => r.kind === 'due')?.source).toMatch(/^(api|schedule)$/);
    expect(rows.every((r) => r.source !== null)).toBe(true);
  });

  it('a double press snoozes, a long press skips', async () => {
    await makeDue();
    await press(stack, BUTTON, 'double');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after snooze');
    expect(await phase()).toBe('snoozed');
    await makeDue();
    await press(stack, BUTTON, 'long');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after skip');
    expect(await phase()).toBe('skipped');
  });

  it('a press with nothing pending is recorded and changes nothing', async () => {
    const before = hearth.hub.store!.history({ routine: ROUTINE, kind: 'press', limit: 1000 }).length;
    await press(stack, BUTTON, 'single');
    await waitFor(
      () => hearth.hub.store!.history({ routine: ROUTINE, kind: 'press', limit: 1000 }).length === before + 1,
      10_000,
      'press recorded',
    );
    expect(await phase()).toBe('skipped');
    expect(await ledOn()).toBe(false);
  });

  it("publishes the routine's entities through MQTT discovery, and HA's Done button acknowledges", async () => {
    await waitForState(conn, 'sensor.routine_morning_meds', (s) => s.state === 'skipped', 15_000);
    await makeDue();
    const due = await waitForState(conn, 'sensor.routine_morning_meds', (s) => s.state === 'due', 10_000);
    expect(due.attributes).toMatchObject({ title: 'Take morning meds', streak: expect.stringMatching(/^\d+ of \d+$/) });
    await conn.sendMessagePromise({
      type: 'call_service',
      domain: 'button',
      service: 'press',
      target: { entity_id: 'button.routine_morning_meds_done' },
    });
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after HA button');
    await waitForState(conn, 'sensor.routine_morning_meds', (s) => s.state === 'done', 10_000);
  });
});

describe('hub: presence', () => {
  it('publishes sensor.sam_room following the emulated RSSI', async () => {
    // The nodes publish each reading once, as ESPHome's ble_rssi does (no repeats): they keep
    // hearing the phone and watch every report interval until the room shows.
    const stop = keepHearing(stack, SAM_IN_OFFICE);
    try {
      await waitForState(conn, 'sensor.sam_room', (s) => s.state === 'office', 30_000);
      await waitForState(conn, 'device_tracker.sam_ble', (s) => s.state === 'home', 10_000);
    } finally {
      await stop();
    }
  });
});

describe('hub: bad token', () => {
  it('fails clearly and fast, naming where the token came from', async () => {
    const bad = await startHub(stack, { haToken: 'not-a-valid-token', waitConnected: false });
    try {
      await waitFor(() => bad.fatal.length > 0, 15_000, 'fatal auth error');
      expect(bad.fatal[0]!.message).toMatch(/rejected the access token from file \(homeassistant\.token_file\) .*ha-token/);
      expect(bad.hub.health().ha).toBe('auth_failed');
    } finally {
      await bad.stop();
    }
  });
});
