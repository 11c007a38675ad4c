/**
 * Case nag-and-escalation-together: with escalate_after a multiple of nag_every (the README's
 * and the shipped morning-meds: 15m / 45m), the escalation and a nag fall at one instant and
 * must be one step: one phone notification, then one per nag. The reducer is ticked the way
 * the hub's timers tick it: at each wakeup it asks for, a little late (never early).
 */
import { describe, expect, it } from 'vitest';
import { loadHousehold } from '../../../../../src/config/load.js';
import {
  initialState,
  nextWakeup,
  planRoutine,
  step,
  type ReminderState,
  type RoutinePlan,
} from '../../../../../src/hub/reminders/core/reminder.js';

/** Notification instants from `from` to `until`, each tick `late(i)` ms after the wakeup asked for. */
function notifications(plan: RoutinePlan, from: number, until: number, late: (i: number) => number, due?: 'by-hand'): number[] {
  let now = from;
  let state: ReminderState = initialState(plan.id, now);
  const out: number[] = [];
  const apply = (event: Parameters<typeof step>[1]): void => {
    const r = step(state, event, now, plan);
    state = r.state;
    for (const e of r.effects) if (e.type === 'notify') out.push(now);
  };
  if (due) apply({ type: 'due' });
  for (let i = 0; i < 10_000; i++) {
    const w = nextWakeup(state, plan, now);
    if (w === undefined) break;
    const at = w + late(i);
    if (at > until) break;
    now = at;
    apply({ type: 'tick' });
  }
  return out;
}

const lateness = [() => 5, (i: number) => 5 + ((i * 37) % 50), (i: number) => 5 + ((i * 211) % 400)];

describe('deadlines that fall together are one step (case nag-and-escalation-together)', () => {
  it('the case (nag_every 2s, escalate_after 6s, made due by hand): one notification at escalation, one per nag after', async () => {
    const dir = 'tests/fixtures/cases/nag-and-escalation-together';
    const hh = await loadHousehold({ configFile: `${dir}/hearth.yaml`, devicesDir: `${dir}/devices` });
    const r = hh.config.routines[0]!;
    const plan = planRoutine(r, { timezone: hh.config.timezone });
    const t0 = Date.parse('2026-06-02T10:00:00Z');
    for (const late of lateness) {
      const notes = notifications(plan, t0, t0 + 7000, late, 'by-hand');
      expect(notes).toHaveLength(1);
      expect(notes[0]! - t0).toBeGreaterThanOrEqual(6000 - 1000);
      const later = notifications(plan, t0, t0 + 12_500, late, 'by-hand');
      // 6 s (escalation), then the nags at 8, 10, 12 s.
      expect(later).toHaveLength(4);
      for (let i = 1; i < later.length; i++) expect(later[i]! - later[i - 1]!).toBeGreaterThan(1000);
    }
  });

  it("the shipped hearth.yaml's morning-meds (15m / 45m): 07:45 BST escalation, 08:00 nag, never two at once", async () => {
    const hh = await loadHousehold({ configFile: 'hearth.yaml', devicesDir: 'devices' });
    const r = hh.config.routines.find((x) => x.id === 'morning-meds')!;
    expect([r.nag_every, r.escalate_after]).toEqual([900, 2700]);
    const plan = planRoutine(r, { timezone: hh.config.timezone, ...(hh.config.quiet_hours ? { quiet_hours: hh.config.quiet_hours } : {}) });
    for (const late of lateness) {
      const notes = notifications(plan, Date.parse('2026-06-02T06:00:00Z'), Date.parse('2026-06-02T07:50:00Z'), late);
      expect(notes.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['07:45']);
      const more = notifications(plan, Date.parse('2026-06-02T06:00:00Z'), Date.parse('2026-06-02T08:31:00Z'), late);
      expect(more.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['07:45', '08:00', '08:15', '08:30']);
    }
  });

  it('an escalation and a nag after quiet hours end are one step as well', () => {
    // Falls due at 06:00 inside quiet hours (until 07:00); escalation 90 min after due = 07:30,
    // the nags from 07:00 every 15 min: 07:15, 07:30 (together with the escalation).
    const r = {
      id: 'x',
      title: 'X',
      due: { daily: ['06:00'] },
      window: 14_400,
      nag_every: 900,
      escalate_after: 5400,
      snooze: 600,
    } as const;
    const plan = planRoutine(r as never, { timezone: 'UTC', quiet_hours: { from: 22 * 60, to: 7 * 60 } });
    for (const late of lateness) {
      const notes = notifications(plan, Date.parse('2026-06-02T05:00:00Z'), Date.parse('2026-06-02T07:50:00Z'), late);
      expect(notes.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['07:30', '07:45']);
    }
  });
});
