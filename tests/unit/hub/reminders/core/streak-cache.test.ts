/**
 * The streak cache answers exactly what `streak()` computes, at any instant, as long as the
 * version is bumped when the records change.
 */
import { describe, expect, it } from 'vitest';
import { createSchedule } from '../../../../../src/hub/reminders/core/schedule.js';
import { createStreakCache, streak, type StreakRecord } from '../../../../../src/hub/reminders/core/streak.js';

const T = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('streak cache', () => {
  const cases = [
    { name: 'daily, 4 h window, Europe/London across the DST change', patterns: ['0 8 * * *'], tz: 'Europe/London', window: 4 * 3600 },
    { name: 'twice a day, window past midnight', patterns: ['30 22 * * *', '0 7 * * *'], tz: 'Europe/Berlin', window: 3 * 3600 },
    { name: 'weekly', patterns: ['0 9 * * 1'], tz: 'America/New_York', window: 12 * 3600 },
    { name: 'once a year (looks back 120 days)', patterns: ['0 3 1 1 *'], tz: 'UTC', window: 3600 },
  ];
  for (const c of cases) {
    it(`matches streak() hour by hour over three weeks: ${c.name}`, () => {
      const schedule = createSchedule(c.patterns, c.tz, c.window);
      const cache = createStreakCache(schedule);
      const records: StreakRecord[] = [];
      let version = 0;
      let reads = 0;
      const start = T('2026-03-16T00:00:00Z');
      for (let t = start, i = 0; t < start + 21 * 24 * HOUR; t += HOUR + 7 * 60_000, i++) {
        if (i % 5 === 0) {
          records.push({ kind: i % 15 === 0 ? 'skip' : 'done', at: t - 30 * 60_000 });
          version++;
        }
        const got = cache.get(version, t, () => {
          reads++;
          return [...records];
        });
        expect(got).toEqual(streak(records, schedule, t));
      }
      // Reused between changes: far fewer reads than questions.
      expect(reads).toBeLessThan(21 * 24);
      // ~500 uncached streak() computations: generous budget on a shared, busy machine.
    }, 120_000);
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
