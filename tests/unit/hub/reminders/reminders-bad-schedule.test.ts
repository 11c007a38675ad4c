/**
 * Case invalid-cron, the hub's side: a routine whose schedule cannot be evaluated (`0 24 * * 0`,
 * hour 24) never stops the other routines, at start and on a reload; the log names it. (The
 * config check that refuses it at load is tested in tests/unit/config.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../../src/config/load.js';
import type { Household } from '../../../../src/config/household.js';
import { remindersHarness, type RemindersHarness } from './reminders-harness.js';

const dir = 'tests/fixtures/cases/skip-after-midnight';
let h: RemindersHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The fixture's household plus the case's three routines (the check of the config skipped, as if it slipped through). */
async function household(): Promise<Household> {
  const hh = await loadHousehold({ configFile: `${dir}/hearth.yaml`, devicesDir: `${dir}/devices` });
  const base = hh.config.routines[0]!;
  hh.config.routines = [
    { ...base, id: 'bins', title: 'Put the bins out', due: { cron: '0 24 * * 0' } },
    { ...base, id: 'leap-check', title: 'Yearly check', due: { cron: '0 9 30 2 *' } },
    { ...base, id: 'pills', title: 'Pills', due: { daily: ['08:00'] } },
  ];
  return hh;
}

describe('a routine whose schedule throws (case invalid-cron, hub side)', () => {
  it('starts every other routine, logs the broken one, and does the same on a reload', async () => {
    const hh = await household();
    h = await remindersHarness(hh, Date.parse('2026-06-01T06:30:00Z')); // 07:30 BST
    const check = (nextDue: string): void => {
      const list = h!.reminders.list();
      expect(list.map((r) => r.id)).toEqual(['bins', 'leap-check', 'pills']);
      expect(list.find((r) => r.id === 'pills')!.next_due).toBe(nextDue);
      expect(list.find((r) => r.id === 'bins')!.next_due).toBeNull();
    };
    check('2026-06-01T07:00:00.000Z');
    const errors = () => h!.logs.filter((l) => l.routine === 'bins' && l.level === 50);
    expect(errors()).toHaveLength(1);
    expect(String(errors()[0]!.err)).toMatch(/hour: 24/);
    // A reload (a new unit on the same store) after 08:00 BST: the other routines run, pills is due.
    h.clock.t = Date.parse('2026-06-01T07:00:01Z');
    h.restart(await household());
    check('2026-06-02T07:00:00.000Z');
    expect(errors()).toHaveLength(2);
    expect(h.reminders.list().find((r) => r.id === 'pills')!.phase).toBe('due');
  });
});
