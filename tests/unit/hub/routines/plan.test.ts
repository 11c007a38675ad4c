import { describe, expect, it } from 'vitest';
import { planRoutine } from '../../../../src/hub/routines/plan.js';

const routine = (due: { cron: string } | { daily: string[] }) =>
  ({ id: 'r', title: 'R', due, window: 3600, nag_every: 900, snooze: 600 }) as never;

describe('planRoutine: one routine\'s schedule cannot break the hub (case invalid-cron)', () => {
  it('an invalid cron gives a plan that never falls due, with the reason', () => {
    const plan = planRoutine(routine({ cron: '0 24 * * 0' }), { timezone: 'Europe/London' });
    expect(plan.scheduleError).toMatch(/hour: 24/);
    expect(plan.schedule.next(Date.parse('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(plan.schedule.previous(Date.parse('2026-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('a cron that never fires (30 February) answers "never" without searching', () => {
    const plan = planRoutine(routine({ cron: '0 9 30 2 *' }), { timezone: 'Europe/London' });
    expect(plan.scheduleError).toBeUndefined();
    expect(plan.schedule.next(Date.parse('2026-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('a valid one is planned as before', () => {
    const plan = planRoutine(routine({ daily: ['08:00'] }), { timezone: 'Europe/London' });
    expect(plan.scheduleError).toBeUndefined();
    expect(plan.schedule.next(Date.parse('2026-06-01T00:00:00Z'))).toBe(Date.parse('2026-06-01T07:00:00Z'));
  });
});
