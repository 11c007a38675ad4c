/** Wall-clock readings and the instants of local times, on ordinary and DST days. */
import { describe, expect, it } from 'vitest';
import {
  dayPartOf,
  localDate,
  localTime,
  minuteOfDay,
  nextLocalMinute,
  previousLocalMinute,
  startOfLocalDay,
  startOfNextLocalDay,
} from '../../../src/config/wall-clock.js';

const T = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();
const LONDON = 'Europe/London';

describe('wall clock', () => {
  it('reads the local clock and calendar, across DST and in other zones', () => {
    expect(localTime(T('2026-07-01T07:30:00Z'), LONDON)).toEqual({
      time: '08:30',
      minute: 510,
      weekday: 'Wednesday',
      date: '2026-07-01',
      dayPart: 'morning',
    });
    expect(localTime(T('2026-11-30T08:30:00Z'), 'America/New_York')).toMatchObject({ time: '03:30', dayPart: 'night' });
    expect(localDate(T('2025-06-01T23:30:00Z'), LONDON)).toBe('2025-06-02');
    expect(minuteOfDay(T('2025-06-01T23:30:00Z'), LONDON)).toBe(30);
    expect(localTime(T('2026-11-30T00:00:00Z'), LONDON)).toMatchObject({ time: '00:00', minute: 0, date: '2026-11-30' });
  });

  it('names the parts of the day at their edges', () => {
    expect([299, 300, 719, 720, 1019, 1020, 1319, 1320].map(dayPartOf)).toEqual([
      'night',
      'morning',
      'morning',
      'afternoon',
      'afternoon',
      'evening',
      'evening',
      'night',
    ]);
  });

  it('knows local days, also when a day has 23 or 25 hours', () => {
    const spring = startOfLocalDay(T('2025-03-30T12:00:00Z'), LONDON);
    expect(iso(spring)).toBe('2025-03-30T00:00:00.000Z');
    expect(startOfNextLocalDay(spring, LONDON) - spring).toBe(23 * 3600_000);
    const autumn = startOfLocalDay(T('2025-10-26T12:00:00Z'), LONDON);
    expect(iso(autumn)).toBe('2025-10-25T23:00:00.000Z');
    expect(startOfNextLocalDay(autumn, LONDON) - autumn).toBe(25 * 3600_000);
  });

  it('reads the repeated hour twice on the fall-back night, on the same date', () => {
    const first = localTime(T('2026-10-25T00:30:00Z'), LONDON);
    const second = localTime(T('2026-10-25T01:30:00Z'), LONDON);
    expect([first.time, second.time]).toEqual(['01:30', '01:30']);
    expect(second.date).toBe(first.date);
  });

  it('finds a local time in the spring-forward gap at the first instant after it, a repeated one at its first pass', () => {
    // 29 Mar 2026: 01:00 GMT becomes 02:00 BST; 25 Oct 2026: 02:00 BST becomes 01:00 GMT.
    expect(iso(nextLocalMinute(T('2026-03-28T12:00:00Z'), 90, LONDON))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(previousLocalMinute(T('2026-03-29T12:00:00Z'), 90, LONDON))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(nextLocalMinute(T('2026-10-24T12:00:00Z'), 90, LONDON))).toBe('2026-10-25T00:30:00.000Z');
    // From the second 01:30, the last time the clock "read 01:30" is still the first pass.
    expect(iso(previousLocalMinute(T('2026-10-25T01:45:00Z'), 90, LONDON))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(nextLocalMinute(T('2026-10-25T00:30:00Z'), 90, LONDON))).toBe('2026-10-26T01:30:00.000Z');
    // At or before t: an instant exactly at the reading counts.
    expect(previousLocalMinute(T('2026-06-01T07:00:00Z'), 480, LONDON)).toBe(T('2026-06-01T07:00:00Z'));
    expect(nextLocalMinute(T('2026-06-01T07:00:00Z'), 480, LONDON)).toBe(T('2026-06-02T07:00:00Z'));
  });
});
