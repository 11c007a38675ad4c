import { describe, expect, it } from 'vitest';
import { cronError } from '../../../../../src/config/cron.js';
import { routine } from '../../../../../src/config/hearth-config.js';
import { createSchedule, occurrenceAt, scheduleOf } from '../../../../../src/hub/reminders/core/schedule.js';

const T = (iso: string): number => Date.parse(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
const LONDON = 'Europe/London';

describe('schedule', () => {
  const pills = routine.parse({ id: 'pills', title: 'Pills', due: { daily: ['08:00', '20:00'] }, window: '2h' });

  it('finds previous and next due instants and the active window', () => {
    const s = scheduleOf(pills, 'UTC');
    const at = occurrenceAt(s, T('2025-06-01T09:00:00Z'));
    expect(iso(at.previous)).toBe('2025-06-01T08:00:00.000Z');
    expect(iso(at.next)).toBe('2025-06-01T20:00:00.000Z');
    expect(at.active).toEqual({ start: T('2025-06-01T08:00:00Z'), end: T('2025-06-01T10:00:00Z') });
    expect(occurrenceAt(s, T('2025-06-01T10:00:00Z')).active).toBeUndefined();
  });

  it('counts an instant exactly at a due time as that occurrence', () => {
    const s = scheduleOf(pills, 'UTC');
    const at = occurrenceAt(s, T('2025-06-01T08:00:00Z'));
    expect(iso(at.previous)).toBe('2025-06-01T08:00:00.000Z');
    expect(iso(at.next)).toBe('2025-06-01T20:00:00.000Z');
  });

  it('keeps local wall-clock times across the spring-forward change in Europe/London', () => {
    const s = scheduleOf({ ...pills, timezone: LONDON }, 'UTC');
    // 29 March 2025 is GMT (UTC+0), 30 March is BST (UTC+1).
    expect(iso(s.next(T('2025-03-29T12:00:00Z')))).toBe('2025-03-29T20:00:00.000Z');
    expect(iso(s.next(T('2025-03-29T21:00:00Z')))).toBe('2025-03-30T07:00:00.000Z');
    expect(iso(s.previous(T('2025-03-30T06:59:00Z')))).toBe('2025-03-29T20:00:00.000Z');
    expect(iso(s.previous(T('2025-03-30T12:00:00Z')))).toBe('2025-03-30T07:00:00.000Z');
  });

  it('runs a time in the spring-forward gap once, right after the gap, in both directions', () => {
    const s = createSchedule(['30 1 * * *'], LONDON, 3600);
    expect(iso(s.next(T('2025-03-29T12:00:00Z')))).toBe('2025-03-30T01:00:00.000Z'); // 02:00 BST
    expect(iso(s.next(T('2025-03-30T01:00:00Z')))).toBe('2025-03-31T00:30:00.000Z');
    expect(iso(s.previous(T('2025-03-31T00:00:00Z')))).toBe('2025-03-30T01:00:00.000Z');
  });

  it('runs a time that happens twice (fall back) once, at its first occurrence', () => {
    const s = createSchedule(['30 1 * * *'], LONDON, 3600);
    expect(iso(s.next(T('2025-10-25T12:00:00Z')))).toBe('2025-10-26T00:30:00.000Z'); // 01:30 BST
    expect(iso(s.next(T('2025-10-26T00:30:00Z')))).toBe('2025-10-27T01:30:00.000Z');
    expect(iso(s.previous(T('2025-10-27T00:00:00Z')))).toBe('2025-10-26T00:30:00.000Z');
    // At 01:45 GMT (the second 01:30 has passed) the occurrence that applies is still the first one.
    const long = createSchedule(['30 1 * * *'], LONDON, 7200);
    const at = occurrenceAt(long, T('2025-10-26T01:35:00Z'));
    expect(at.active).toEqual({ start: T('2025-10-26T00:30:00Z'), end: T('2025-10-26T02:30:00Z') });
  });

  it('takes cron expressions in the routine zone, or the household zone', () => {
    const weekdays = routine.parse({ id: 'standup', title: 'Stand up', due: { cron: '0 9 * * 1-5' } });
    const s = scheduleOf(weekdays, LONDON);
    expect(s.timezone).toBe(LONDON);
    // Friday 4 April 2025 09:00 BST, then Monday 7 April.
    expect(iso(s.next(T('2025-04-04T07:00:00Z')))).toBe('2025-04-04T08:00:00.000Z');
    expect(iso(s.next(T('2025-04-04T08:00:00Z')))).toBe('2025-04-07T08:00:00.000Z');
    expect(scheduleOf({ ...weekdays, timezone: 'America/New_York' }, LONDON).timezone).toBe('America/New_York');
  });

  it('reports unusable cron expressions', () => {
    expect(cronError('0 8 * * *')).toBeUndefined();
    expect(cronError('61 * * * *')).toMatch(/minute/i);
    expect(cronError('every day')).toBeDefined();
  });
});
