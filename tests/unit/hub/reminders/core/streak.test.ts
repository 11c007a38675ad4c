import { describe, expect, it } from 'vitest';
import { createSchedule } from '../../../../../src/hub/reminders/core/schedule.js';
import { streak } from '../../../../../src/hub/reminders/core/streak.js';

const T = (iso: string): number => Date.parse(iso);
const daily = createSchedule(['0 8 * * *'], 'UTC', 2 * 3600);
const done = (iso: string) => ({ kind: 'done', at: T(iso) });

describe('forgiving streak', () => {
  it('counts done days among the last 7 occurrence days, with the last done time', () => {
    const records = [
      done('2025-06-01T08:10:00Z'),
      done('2025-06-03T09:00:00Z'),
      done('2025-06-04T08:01:00Z'),
      { kind: 'miss', at: T('2025-06-05T10:00:00Z') },
    ];
    const s = streak(records, daily, T('2025-06-07T12:00:00Z'));
    expect(s).toMatchObject({ done: 3, of: 7, days: 7, lastDone: T('2025-06-04T08:01:00Z') });
    expect(s.history.map((d) => d.date)).toEqual([
      '2025-06-07',
      '2025-06-06',
      '2025-06-05',
      '2025-06-04',
      '2025-06-03',
      '2025-06-02',
      '2025-06-01',
    ]);
  });

  it('does not count today against the person while it can still be done', () => {
    const s = streak([done('2025-06-06T08:30:00Z')], daily, T('2025-06-07T09:00:00Z'));
    expect(s.history[0]!.date).toBe('2025-06-06');
    expect(s.of).toBe(7);
    const doneToday = streak([done('2025-06-07T08:30:00Z')], daily, T('2025-06-07T09:00:00Z'));
    expect(doneToday.history[0]).toEqual({ date: '2025-06-07', done: true });
  });

  it('leaves skipped days out', () => {
    const records = [{ kind: 'skip', at: T('2025-06-06T08:05:00Z') }, done('2025-06-05T08:05:00Z')];
    const s = streak(records, daily, T('2025-06-07T12:00:00Z'));
    expect(s.history.map((d) => d.date)).not.toContain('2025-06-06');
    expect(s.of).toBe(7);
    expect(s.done).toBe(1);
  });

  it('looks back over weeks for a weekly routine', () => {
    const weekly = createSchedule(['0 10 * * 0'], 'UTC', 3600); // Sundays
    const s = streak([done('2025-06-01T10:10:00Z'), done('2025-05-25T10:20:00Z')], weekly, T('2025-06-07T12:00:00Z'));
    expect(s.of).toBe(7);
    expect(s.done).toBe(2);
    expect(s.history[0]!.date).toBe('2025-06-01');
  });

  it('counts a day done by hand that had no scheduled occurrence', () => {
    const weekly = createSchedule(['0 10 * * 0'], 'UTC', 3600);
    const s = streak([done('2025-06-04T15:00:00Z')], weekly, T('2025-06-07T12:00:00Z'));
    expect(s.history[0]).toEqual({ date: '2025-06-04', done: true });
  });

  it('has nothing to say before any occurrence', () => {
    const s = streak([], daily, T('2025-06-07T07:00:00Z'), { lookbackDays: 1 });
    expect(s).toMatchObject({ done: 0, of: 0 });
    expect(s.lastDone).toBeUndefined();
  });
});
