/**
 * hearth's "away" path against HA, with presence nodes that behave like ESPHome's `ble_rssi`
 * + `throttle_average`: they publish what they hear and nothing when they hear nothing (the
 * emulator no longer repeats the last value). Sam's phone and watch are heard in the kitchen
 * every report interval until `sensor.sam_room` says kitchen; then the readings stop, and the
 * room must become `away` within `away_after` of the last reading (plus delivery slack), and
 * not before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'home-assistant-js-websocket';
import { connect, dumpLogsOnFailure, setRssi, sharedStack, waitForState, type StackInfo } from '../helpers/index.js';
import { startHub, type RunningHub } from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

/** Shorter than the household's 40 s to keep the test short; the same code path. */
const AWAY_AFTER_S = 20;
/** The nodes' report interval (devices/*-presence.yaml default). */
const REPORT_MS = 2_000;
/** The hub re-evaluates every second; HA and MQTT carry the change: generous for a busy machine. */
const SLACK_MS = 25_000;

let conn: Connection;
let hearth: RunningHub;
beforeAll(async () => {
  conn = await connect(stack);
  hearth = await startHub(stack, {
    configure: (config) => {
      config.presence = { ...((config.presence as Record<string, unknown> | undefined) ?? {}), away_after: AWAY_AFTER_S };
    },
  });
});
afterAll(async () => {
  await hearth?.stop();
  conn?.close();
});

describe('presence: away when the nodes stop hearing', () => {
  it(`sensor.sam_room becomes away within away_after (${AWAY_AFTER_S} s) of the last reading, not before`, async () => {
    let feeding = true;
    let lastReading = 0;
    const feed = (async () => {
      while (feeding) {
        await setRssi(stack, 'kitchen-presence', 'sam_s_iphone_rssi', -55);
        await setRssi(stack, 'kitchen-presence', 'sam_s_apple_watch_rssi', -57);
        lastReading = Date.now();
        await new Promise((r) => setTimeout(r, REPORT_MS));
      }
    })();
    try {
      await waitForState(conn, 'sensor.sam_room', (s) => s.state === 'kitchen', 60_000);
    } finally {
      feeding = false;
      await feed;
    }
    const stoppedAt = lastReading;
    const away = await waitForState(conn, 'sensor.sam_room', (s) => s.state === 'away', AWAY_AFTER_S * 1000 + SLACK_MS);
    const afterMs = Date.parse(away.last_changed) - stoppedAt;
    console.log(`sensor.sam_room away ${(afterMs / 1000).toFixed(1)} s after the last reading (away_after ${AWAY_AFTER_S} s)`);
    // Not early: the readings' silence, not something else (a scan-end NaN), made it away.
    expect(afterMs).toBeGreaterThanOrEqual(AWAY_AFTER_S * 1000 - 1_000);
    expect(afterMs).toBeLessThanOrEqual(AWAY_AFTER_S * 1000 + SLACK_MS);
  });
});
