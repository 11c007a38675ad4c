/**
 * The history says what a person would ask of it: every row has its source (button, ha,
 * notification, api, cli, schedule) and, for a button, its device (the ESPHome node name);
 * a routine made due by hand through the API or the CLI leaves a row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pressReadyHarness, type RemindersHarness, until } from './reminders-harness.js';

let h: RemindersHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('history rows: source and device', () => {
  it("due by CLI and API, a button press and its done, the schedule's own rows", async () => {
    const ready = await pressReadyHarness();
    h = ready.h;
    const { button, press } = ready;
    const rows = () => h!.store.history({ routine: 'morning-meds', limit: 50 }).reverse();

    h.reminders.due('morning-meds', 'cli');
    expect(rows().map((r) => [r.kind, r.source, r.device])).toEqual([['due', 'cli', null]]);

    h.fakeHa.setEntity(press, '2026-06-02T09:00:01.000+00:00', 1_780_390_801, { event_type: 'single' });
    await until(() => rows().some((r) => r.kind === 'done'), 'the press written');
    expect(
      rows()
        .slice(1)
        .map((r) => [r.kind, r.source, r.device]),
    ).toEqual([
      ['press', 'button', button.device],
      ['done', 'button', button.device],
    ]);
    expect(rows()[1]!.detail).toMatchObject({ entity: press, press: 'single', pending: true });

    h.clock.t += 60_000;
    h.reminders.due('morning-meds');
    h.reminders.action('morning-meds', 'done', 'api');
    expect(
      rows()
        .slice(3)
        .map((r) => [r.kind, r.source]),
    ).toEqual([
      ['due', 'api'],
      ['done', 'api'],
    ]);

    // The schedule's own rows: tomorrow's occurrence falls due, nags to the phone, is missed.
    h.clock.t = Date.parse('2026-06-03T07:00:01Z');
    h.restart();
    h.clock.t = Date.parse('2026-06-03T08:00:01Z');
    h.restart();
    const scheduled = rows()
      .slice(5)
      .map((r) => [r.kind, r.source]);
    expect(scheduled[0]).toEqual(['due', 'schedule']);
    expect(scheduled).toContainEqual(['miss', 'schedule']);
    expect(rows().every((r) => r.source !== null)).toBe(true);
  });
});
