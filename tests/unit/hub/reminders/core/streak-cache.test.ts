/**
 * The streak cache answers exactly what `streak()` computes, at any instant, as long as the
 * version is bumped when the records change.
 *
 * Cost: the reference `streak()` walks up to 120 looked-back days with two cron evaluations
 * each, at every sampled instant (~430 per case); evaluated afresh that took 3–5 s per case on
 * a quiet 2-core machine and over vitest's default 5 s on a busy one. The reference therefore
 * asks a schedule whose answers this file remembers in a plain Map (`remembered` below):
 * `next`/`previous` are pure functions of the instant, so the reference's answers are the same
 * ones, bit for bit, and it stays independent of the cache's own memo (streak.ts). The yearly
 * case is sampled less densely (see its `step`), and each case gets an explicit budget with a
 * wide margin for a loaded machine.
 */
import { describe, expect, it } from 'vitest';
import { createSchedule, type Schedule } from '../../../../../src/hub/reminders/core/schedule.js';
import { createStreakCache, streak, type StreakRecord } from '../../../../../src/hub/reminders/core/streak.js';

const T = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
/** Per case: 2–3.5 s measured on a quiet 2-core machine, up to 14.5 s with both cores busy (load 18). */
const BUDGET_MS = 60_000;

/** The same schedule, each `next`/`previous` answer computed once (test-local, unbounded). */
function remembered(schedule: Schedule): Schedule {
  const next = new Map<number, number | undefined>();
  const previous = new Map<number, number | undefined>();
  const ask = (cache: Map<number, number | undefined>, t: number, compute: (t: number) => number | undefined) => {
    if (!cache.has(t)) cache.set(t, compute(t));
    return cache.get(t);
  };
  return {
    timezone: schedule.timezone,
    windowSeconds: schedule.windowSeconds,
    next: (t) => ask(next, t, (x) => schedule.next(x)),
    previous: (t) => ask(previous, t, (x) => schedule.previous(x)),
  };
}

describe('streak cache', () => {
  // Sampled every hour and 7 minutes unless a case says otherwise (the 7 minutes walk the
  // samples through every minute offset from the hour, so day boundaries fall between them).
  const cases: { name: string; patterns: string[]; tz: string; window: number; step?: number; every?: string }[] = [
    { name: 'daily, 4 h window, Europe/London across the DST change', patterns: ['0 8 * * *'], tz: 'Europe/London', window: 4 * 3600 },
    { name: 'twice a day, window past midnight', patterns: ['30 22 * * *', '0 7 * * *'], tz: 'Europe/Berlin', window: 3 * 3600 },
    { name: 'weekly', patterns: ['0 9 * * 1'], tz: 'America/New_York', window: 12 * 3600 },
    // Every looked-back day costs a few cron evaluations and a yearly routine never fills its 7
    // days, so each instant walks all 120 days: sampled every 3 h 7 min (still every hour of the
    // day across the three weeks, since 187 min drifts through them).
    {
      name: 'once a year (looks back 120 days)',
      patterns: ['0 3 1 1 *'],
      tz: 'UTC',
      window: 3600,
      step: 3 * HOUR + 7 * 60_000,
      every: 'every 3 h 7 min',
    },
  ];
  for (const c of cases) {
    it(
      `matches streak() ${c.every ?? 'hour by hour'} over three weeks: ${c.name}`,
      () => {
        const schedule = createSchedule(c.patterns, c.tz, c.window);
        const cache = createStreakCache(schedule);
        const reference = remembered(schedule);
        const records: StreakRecord[] = [];
        let version = 0;
        let reads = 0;
        let questions = 0;
        const start = T('2026-03-16T00:00:00Z');
        for (let t = start, i = 0; t < start + 21 * 24 * HOUR; t += c.step ?? HOUR + 7 * 60_000, i++) {
          questions++;
          if (i % 5 === 0) {
            records.push({ kind: i % 15 === 0 ? 'skip' : 'done', at: t - 30 * 60_000 });
            version++;
          }
          const got = cache.get(version, t, () => {
            reads++;
            return [...records];
          });
          expect(got).toEqual(streak(records, reference, t));
        }
        // Reused between changes: far fewer reads than questions (measured: a quarter to 40 %).
        expect(reads).toBeLessThan(questions / 2);
      },
      BUDGET_MS,
    );
  }

  it('a record dated in the future comes into view when its time comes', () => {
    const schedule = createSchedule(['0 8 * * *'], 'UTC', 4 * 3600);
    const cache = createStreakCache(schedule);
    const records = [{ kind: 'done', at: T('2026-03-20T08:30:00Z') }];
    const before = cache.get(1, T('2026-03-20T08:10:00Z'), () => records);
    expect(before.done).toBe(0);
    expect(cache.get(1, T('2026-03-20T08:31:00Z'), () => records)).toEqual(streak(records, schedule, T('2026-03-20T08:31:00Z')));
  });
});
