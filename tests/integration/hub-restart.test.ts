/**
 * The hub through restarts of the parts around it (its own stack, since HA and the broker
 * are restarted): LEDs and hearth's entities come back after an HA restart and after a
 * broker restart, and a press made while hearth is reconnecting is not lost.
 *
 * hearth reaches HA through a TCP relay on 127.0.0.1 that the tests can hold shut: during an
 * HA restart it keeps hearth disconnected until HA is back (what hearth's reconnect backoff,
 * up to 30 s, does by chance), so the LED can be switched off and a button pressed while
 * hearth is certainly not connected.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callService, lightState, press, startStack, waitForState, dumpLogsOnFailure, type Stack } from '../helpers/index.js';
import { startHub, waitFor, type RunningHub } from './hub-harness.js';

/** A TCP relay to HA that can refuse (and drop) connections while `held`. */
interface HaRelay {
  port: number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

async function haRelay(targetPort: number): Promise<HaRelay> {
  let held = false;
  const open = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    if (held) return void inbound.destroy();
    const outbound = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair = [inbound, outbound];
    const close = () => {
      for (const s of pair) {
        s.destroy();
        open.delete(s);
      }
    };
    for (const s of pair) {
      open.add(s);
      s.on('error', close);
      s.on('close', close);
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    hold() {
      held = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    release() {
      held = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';
let stack: Stack;
let hearth: RunningHub;
let relay: HaRelay;
dumpLogsOnFailure(() => stack);

const entityOf = (role: string) => hearth.hub.devices.find((d) => d.device === BUTTON)!.entities.find((e) => e.role === role)!.entityId;
const pressEntity = () => entityOf('press');
const ledOn = async () => (await lightState(stack, BUTTON)).state;
const ledPulsing = async () => {
  const led = await lightState(stack, BUTTON);
  return led.state && led.effect === 'Pulse';
};
const phase = () => hearth.hub.reminders!.list().find((r) => r.id === ROUTINE)!.phase;

beforeAll(async () => {
  stack = await startStack({ log: () => {} });
  relay = await haRelay(Number(new URL(stack.hass.url).port));
  hearth = await startHub(stack, {
    configure: (config) => {
      (config.homeassistant as Record<string, unknown>).url = `http://127.0.0.1:${relay.port}`;
    },
  });
  // The first press of a never-pressed button is not taken (see hub.test.ts): prime it.
  await press(stack, BUTTON, 'single');
  await waitFor(() => hearth.hub.store!.lastHandledPress(pressEntity()) !== undefined, 10_000, 'priming press seen');
});
afterAll(async () => {
  await hearth?.stop();
  await relay?.close();
  await stack?.stop();
});

describe('hub through restarts', () => {
  /** Restarts HA with hearth held off it; resolves once HA is RUNNING again and hearth is not connected. */
  async function restartHAWithHearthAway(): Promise<void> {
    relay.hold();
    await waitFor(() => hearth.hub.health().ha !== 'connected', 20_000, 'hearth notices HA is gone');
    await stack.restartHA();
    expect(hearth.hub.health().ha).not.toBe('connected');
  }

  it('after an HA restart hearth turns the LED of a due routine back on (Pulse) when the device came back with it off', async () => {
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledPulsing, 10_000, 'LED pulsing');
    await restartHAWithHearthAway();
    // The LED goes off while hearth is away (a firmware reboot with restore_mode ALWAYS_OFF
    // does this; the emulator keeps light state across offline/online, so it is switched off
    // through HA here, which reaches the emulated device the same way hearth's commands do).
    await callService(stack.conn, 'light', 'turn_off', {}, { entity_id: entityOf('led') });
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off at the emulated device');
    expect(hearth.hub.health().ha).not.toBe('connected');

    relay.release();
    await waitFor(() => hearth.hub.health().ha === 'connected', 60_000, 'hearth reconnected to HA');
    await waitFor(ledPulsing, 20_000, 'LED on again with the Pulse effect after the HA restart');
    expect(phase()).toBe('due');
  });

  it('a press made while hearth is not connected to the restarted HA is handled once hearth is back', async () => {
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledPulsing, 10_000, 'LED pulsing');
    const before = (await waitForState(stack.conn, pressEntity(), () => true)).state;
    await restartHAWithHearthAway();

    expect(hearth.hub.health().ha).not.toBe('connected'); // at the moment of the press
    const pressed = await press(stack, BUTTON, 'single');
    expect(pressed.delivered).toBeGreaterThan(0); // HA (not hearth) got it
    await waitForState(stack.conn, pressEntity(), (s) => s.state !== before && s.state !== 'unavailable' && s.state !== 'unknown', 10_000);
    expect(phase()).toBe('due'); // not handled yet: hearth cannot have seen it

    relay.release();
    await waitFor(async () => !(await ledOn()), 60_000, 'LED off after hearth handled the press');
    expect(phase()).toBe('done');
    await waitForState(stack.conn, 'sensor.routine_morning_meds', (s) => s.state === 'done', 20_000);
  });

  it('a press during a broker restart is handled and the entities come back available', async () => {
    expect((await hearth.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledOn, 10_000, 'LED on');
    const restarting = stack.restartBroker();
    await press(stack, BUTTON, 'double');
    await restarting;
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after the press');
    expect(phase()).toBe('snoozed');
    await waitFor(() => hearth.hub.health().mqtt === 'connected', 20_000, 'MQTT reconnected');
    const s = await waitForState(stack.conn, 'sensor.routine_morning_meds', (e) => e.state === 'snoozed', 30_000);
    expect(s.state).toBe('snoozed');
  });
});
