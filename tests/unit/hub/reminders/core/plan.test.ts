import { describe, expect, it } from 'vitest';
import { planRoutine } from '../../../../../src/hub/reminders/core/plan.js';

const routine = (due: { cron: string } | { daily: string[] }) =>
  ({ id: 'r', title: 'R', due, window: 3600, nag_every: 900, snooze: 600 }) as never;

describe("planRoutine: one routine's schedule cannot break the hub (case invalid-cron)", () => {
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

describe('planRoutine: the "done early" lead', () => {
  it('comes from the routine, else the household, else one hour; 0 turns it off', async () => {
    const { routine: routineSchema } = await import('../../../../../src/config/hearth-config.js');
    const parsed = routineSchema.parse({ id: 'r', title: 'R', due: { daily: ['08:00'] }, early: '30m' });
    expect(planRoutine(parsed, { timezone: 'Europe/London' }).earlyMs).toBe(30 * 60_000);
    const plain = routineSchema.parse({ id: 'r', title: 'R', due: { daily: ['08:00'] } });
    expect(planRoutine(plain, { timezone: 'Europe/London', early: 600 }).earlyMs).toBe(600_000);
    expect(planRoutine(plain, { timezone: 'Europe/London' }).earlyMs).toBe(3_600_000);
    const off = routineSchema.parse({ id: 'r', title: 'R', due: { daily: ['08:00'] }, early: 0 });
    expect(planRoutine(off, { timezone: 'Europe/London', early: 600 }).earlyMs).toBe(0);
  });
});
