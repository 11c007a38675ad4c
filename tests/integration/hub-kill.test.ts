/**
 * kill -9 of `hearth run` (a child process against the shared stack) with a routine due and
 * its LED pulsing: the broker publishes hearth's last will, and the next start restores the
 * pending state from SQLite, re-asserts the LED, takes a press as the acknowledgement, and
 * every history row written before the kill is still there, unchanged. A press made while
 * hearth is down is taken when it is back.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REMINDER_EFFECT } from '../../src/config/device-entities.js';
import { deviceLog, dumpLogsOnFailure, lightState, mqttMessages, press, sharedStack, type StackInfo } from '../helpers/index.js';
import { spawnHearth, waitFor, writeHubFiles, type HearthProcess, type HubFiles } from './hub-harness.js';

const stack: StackInfo = sharedStack();
dumpLogsOnFailure(() => stack);

const BUTTON = 'kitchen-meds-button';
const ROUTINE = 'morning-meds';
const running: HearthProcess[] = [];
const dirs: HubFiles[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
  for (const f of dirs) f.remove();
});

interface Row {
  id: number;
  at: number;
  kind: string;
  routine: string | null;
  source: string | null;
  detail: string | null;
}
/** The history table as another process sees it (read-only; hearth keeps writing). */
function historyRows(storeFile: string): Row[] {
  const db = new Database(storeFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT id, at, kind, routine, source, detail FROM history ORDER BY id').all() as Row[];
  } finally {
    db.close();
  }
}

type RoutineView = { id: string; phase: string; led: boolean };
const routineOf = async (p: HearthProcess) => (await p.api<RoutineView[]>('GET', '/api/routines')).body.find((r) => r.id === ROUTINE)!;
const ledOn = async () => (await lightState(stack, BUTTON)).state;

/** A hub on fresh files, with some history: the routine made due, then snoozed by a double press. */
async function startSnoozed(): Promise<{ files: HubFiles; storeFile: string; first: HearthProcess }> {
  const files = writeHubFiles(stack);
  dirs.push(files);
  const storeFile = join(files.dir, 'state', 'hearth.sqlite');
  const first = await spawnHearth(files);
  running.push(first);
  expect((await first.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
  await waitFor(ledOn, 10_000, 'LED on');
  await press(stack, BUTTON, 'double');
  await waitFor(async () => (await routineOf(first)).phase === 'snoozed', 10_000, 'snoozed');
  return { files, storeFile, first };
}

describe('hub: kill -9', () => {
  it('restores pending state and the LED from SQLite, a press then acknowledges, no history row is lost', async () => {
    // Some history: due → double press (snooze) → due again, LED pulsing.
    const { files, storeFile, first } = await startSnoozed();
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off after the snooze');
    const due = await first.api<RoutineView>('POST', `/api/routines/${ROUTINE}/due`);
    expect(due.body).toMatchObject({ phase: expect.stringMatching(/^(due|nagging)$/), led: true });
    await waitFor(ledOn, 10_000, 'LED on again');
    expect((await lightState(stack, BUTTON)).effect).toBe(REMINDER_EFFECT);

    const status = await mqttMessages(stack, 'hearth/status');
    try {
      await status.waitFor((m) => m.payload === 'online', 5_000);
      // Everything the API call answered for is on disk already: kill right away, no grace.
      const before = historyRows(storeFile);
      expect(before.map((r) => r.kind)).toEqual(expect.arrayContaining(['press', 'snooze']));
      process.kill(first.pid, 'SIGKILL');
      expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
      // The broker noticed the dropped connection: hearth's entities go unavailable.
      await status.waitFor((m) => m.payload === 'offline', 10_000);
      expect(await ledOn()).toBe(true);

      const restartAt = Date.now();
      const second = await spawnHearth(files);
      running.push(second);
      await status.waitFor((m) => m.payload === 'online' && m.at >= restartAt, 10_000);
      const restored = await routineOf(second);
      expect(restored).toMatchObject({ phase: expect.stringMatching(/^(due|nagging)$/), led: true });
      await second.waitForLog((l) => l.msg === 'store open', 1000, 'store open');

      // The LED is told again what it should show (whatever it shows now).
      await waitFor(
        async () =>
          (await deviceLog(stack, BUTTON)).light_commands.some(
            (c) => c.wall_ms >= restartAt && c.command.state === true && c.command.effect === REMINDER_EFFECT,
          ),
        15_000,
        'LED pulse re-asserted after the restart',
      );
      expect(await ledOn()).toBe(true);

      await press(stack, BUTTON, 'single');
      await waitFor(async () => !(await ledOn()), 10_000, 'LED off after the press');
      expect((await routineOf(second)).phase).toBe('done');

      const after = historyRows(storeFile);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.slice(before.length).map((r) => r.kind)).toEqual(expect.arrayContaining(['press', 'done']));

      await second.stop();
      expect(await second.exited).toEqual({ code: 0, signal: null });
      await status.waitFor((m) => m.payload === 'offline' && m.at >= restartAt, 5_000);
    } finally {
      await status.stop();
    }
  });

  it('a press made while hearth is down counts once it is back (HA kept the event)', async () => {
    // hearth handles a press of this button once (so a newer event can only be a real press).
    const { files, storeFile, first } = await startSnoozed();
    expect((await first.api('POST', `/api/routines/${ROUTINE}/due`)).status).toBe(200);
    await waitFor(ledOn, 10_000, 'LED on again');

    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    const pressed = await press(stack, BUTTON, 'single');
    expect(pressed.delivered).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await ledOn()).toBe(true); // nobody there to turn it off
    const before = historyRows(storeFile);

    const second = await spawnHearth(files);
    running.push(second);
    await waitFor(async () => (await routineOf(second)).phase === 'done', 15_000, 'done by the press made while hearth was down');
    await waitFor(async () => !(await ledOn()), 10_000, 'LED off');
    const added = historyRows(storeFile).slice(before.length);
    const presses = added.filter((r) => r.kind === 'press');
    expect(presses).toHaveLength(1);
    const detail = JSON.parse(presses[0]!.detail!) as { press: string; pending: boolean; pressedAt: number };
    expect(detail).toMatchObject({ press: 'single', pending: true });
    // HA stamps the event when it gets it from the device: the time of the press, not of the restart.
    expect(Math.abs(detail.pressedAt - pressed.wall_ms)).toBeLessThan(1000);
    expect(added.map((r) => r.kind)).toContain('done');
    await second.waitForLog((l) => l.msg === 'button press made while hearth was not watching', 1000);
    await second.stop();
  });
});
