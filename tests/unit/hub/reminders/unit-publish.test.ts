/**
 * A press's MQTT state is published once its step is committed, also when something reads the
 * routines (GET /api/routines → `list()`, which commits pending presses first) before the
 * deferred commit runs: that read once committed the press and cancelled the commit that would
 * have published it, so HA kept showing `due` after the LED went off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pressReadyHarness, type RemindersHarness, until } from './reminders-harness.js';

let h: RemindersHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('reminders: the MQTT state follows a press', () => {
  it('is published after a press even when the routines are read before the deferred commit', async () => {
    const ready = await pressReadyHarness();
    h = ready.h;
    const { press } = ready;
    const stateTopic = 'hearth/routine/morning-meds/state';
    const states = () => h!.broker.publishes.filter((p) => p.topic === stateTopic).map((p) => p.payload);
    h.reminders.due('morning-meds', 'api');
    expect(states().at(-1)).toBe('due');

    // Read the routines in the same turn as the press is handled, before its deferred commit.
    let phaseSeen: string | undefined;
    h.fakeHa.setEntity(press, '2026-06-02T09:00:01.000+00:00', 1_780_390_801, { event_type: 'single' });
    await until(
      () => {
        const view = h!.reminders.list().find((r) => r.id === 'morning-meds');
        phaseSeen = view?.phase;
        return phaseSeen === 'done';
      },
      'the press applied',
      { everyTurn: true },
    );
    // The read committed the press; its publish must still follow.
    await until(() => states().at(-1) === 'done', 'the done state published', { everyTurn: true });
    expect(states().at(-1)).toBe('done');
  });
});
