/**
 * Case nag-and-escalation-together through the reminders unit with its real timers (fake HA
 * and MQTT): made due now with nag_every 2 s and escalate_after 6 s, the phone gets one
 * notification at escalation (the nag due at the same instant is the same step), not two a
 * few milliseconds apart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../../src/config/load.js';
import { remindersHarness, type RemindersHarness } from './reminders-harness.js';

const dir = 'tests/fixtures/cases/nag-and-escalation-together';
let h: RemindersHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('escalation and a nag at the same moment, real timers (case nag-and-escalation-together)', () => {
  it('one phone notification at escalate_after, then one per nag', async () => {
    const household = await loadHousehold({ configFile: `${dir}/hearth.yaml`, devicesDir: `${dir}/devices` });
    // Real elapsed time from a fixed midday (the routine's own 08:00 is hours away).
    const base = Date.parse('2026-06-02T11:00:00Z');
    const t0 = Date.now();
    h = await remindersHarness(household, base);
    h.clock.now = () => base + (Date.now() - t0);
    const notes = () =>
      h!.fakeHa.serviceCalls.filter(
        (c) => c.domain === 'notify' && (c.service_data as { message?: string }).message !== 'clear_notification',
      );
    h.reminders.due('morning-meds');
    const dueAt = h.clock.now();
    // Poll (timers run late on a busy machine) until the escalation and the next nag notified.
    const end = Date.now() + 25_000;
    while (notes().length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const at = h.store
      .history({ routine: 'morning-meds', kind: 'notification', limit: 10 })
      .map((r) => r.at)
      .sort((a, b) => a - b);
    expect(notes().length).toBe(at.length);
    expect(at.length).toBeGreaterThanOrEqual(2);
    // The first at escalation (6 s; a deadline up to 1 s ahead is taken by the tick before it),
    // the next one a nag later: never two together.
    expect(at[0]! - dueAt).toBeGreaterThanOrEqual(5000);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThan(1000);
  }, 30_000);
});
