/**
 * Done early: an acknowledgement covers the occurrence it was meant for. A press (or a phone /
 * API done or skip) with nothing pending, within the routine's `early` lead before the next
 * occurrence, is for that occurrence: it does not fall due, `next_due` moves on, and the
 * streak counts it for that occurrence's day. A reminder made due by hand shortly before a
 * scheduled occurrence and acknowledged covers it too.
 */
import { describe, expect, it } from 'vitest';
import {
  initialState,
  nextDue,
  nextWakeup,
  planRoutine,
  step,
  type Effect,
  type ReminderEvent,
  type ReminderState,
  type RoutinePlan,
} from '../../../../../src/hub/reminders/core/reminder.js';
import { streak } from '../../../../../src/hub/reminders/core/streak.js';

const T = (iso: string): number => Date.parse(iso);

function plan(extra: Record<string, unknown> = {}): RoutinePlan {
  return planRoutine(
    { id: 'meds', title: 'Meds', due: { daily: ['08:00'] }, window: 7200, nag_every: 900, snooze: 600, ...extra } as never,
    { timezone: 'Europe/London' },
  );
}

function sim(p: RoutinePlan, start: string) {
  let now = T(start);
  let state: ReminderState = initialState(p.id, now);
  const effects: Array<{ at: number; e: Effect }> = [];
  const send = (event: ReminderEvent, at?: string): Effect[] => {
    if (at) now = T(at);
    const r = step(state, event, now, p);
    state = r.state;
    for (const e of r.effects) effects.push({ at: now, e });
    return r.effects;
  };
  const runUntil = (until: string): void => {
    for (let i = 0; i < 1000; i++) {
      const w = nextWakeup(state, p, now);
      if (w === undefined || w + 5 > T(until)) break;
      now = w + 5;
      send({ type: 'tick' });
    }
    send({ type: 'tick' }, until);
  };
  return {
    send,
    runUntil,
    effects,
    get state() {
      return state;
    },
    get now() {
      return now;
    },
  };
}

const records = (effects: Array<{ e: Effect }>, kind: string) =>
  effects.flatMap(({ e }) => (e.type === 'record' && e.kind === kind ? [e] : []));

describe('done early', () => {
  it('the issue: made due by hand at 07:10, done at 07:14: the 08:00 reminder does not come, next_due is tomorrow', () => {
    const p = plan();
    const s = sim(p, '2026-06-01T06:00:00Z'); // 07:00 BST
    s.send({ type: 'due' }, '2026-06-01T06:10:00Z');
    expect(s.state.phase).toBe('due');
    s.send({ type: 'press', press: 'single' }, '2026-06-01T06:14:00Z');
    expect(s.state.phase).toBe('done');
    const [done] = records(s.effects, 'done');
    expect(done).toMatchObject({ occurrence: T('2026-06-01T07:00:00Z'), forced: T('2026-06-01T06:10:00Z') });
    expect(nextDue(s.state, p, s.now)).toBe(T('2026-06-02T07:00:00Z'));
    s.runUntil('2026-06-01T10:00:00Z');
    expect(s.effects.filter(({ at, e }) => at > T('2026-06-01T06:14:00Z') && e.type === 'led' && e.on)).toEqual([]);
    expect(records(s.effects, 'miss')).toEqual([]);
    expect(s.state.phase).toBe('done');
    // The next day it is due as usual.
    s.runUntil('2026-06-02T07:00:10Z');
    expect(s.state.phase).toBe('due');
  });

  it('a press with nothing pending 40 minutes before 08:00 marks that occurrence done', () => {
    const p = plan();
    const s = sim(p, '2026-06-01T06:00:00Z');
    expect(nextDue(s.state, p, s.now)).toBe(T('2026-06-01T07:00:00Z'));
    const effects = s.send({ type: 'press', press: 'single', entity: 'event.b' }, '2026-06-01T06:20:00Z');
    expect(effects.filter((e) => e.type === 'record').map((e) => (e as { kind: string }).kind)).toEqual(['press', 'done']);
    expect(records(s.effects, 'done')[0]).toMatchObject({ occurrence: T('2026-06-01T07:00:00Z'), early: true, source: 'button' });
    expect(nextDue(s.state, p, s.now)).toBe(T('2026-06-02T07:00:00Z'));
    s.runUntil('2026-06-01T10:00:00Z');
    expect(s.state.phase).toBe('done');
    expect(records(s.effects, 'miss')).toEqual([]);
  });

  it('outside the lead a press changes nothing; the lead is configurable and 0 turns it off', () => {
    const s = sim(plan(), '2026-06-01T05:00:00Z');
    s.send({ type: 'press', press: 'single' }, '2026-06-01T05:50:00Z'); // 1 h 10 before
    expect(s.state.phase).toBe('idle');
    const wide = sim(plan({ early: 7200 }), '2026-06-01T05:00:00Z');
    wide.send({ type: 'press', press: 'single' }, '2026-06-01T05:50:00Z');
    expect(wide.state.phase).toBe('done');
    const off = sim(plan({ early: 0 }), '2026-06-01T06:00:00Z');
    off.send({ type: 'press', press: 'single' }, '2026-06-01T06:59:00Z');
    expect(off.state.phase).toBe('idle');
    off.runUntil('2026-06-01T07:00:10Z');
    expect(off.state.phase).toBe('due');
  });

  it('a phone or API done/skip ahead counts the same; a snooze ahead does nothing', () => {
    const a = sim(plan(), '2026-06-01T06:30:00Z');
    a.send({ type: 'action', action: 'skip', source: 'api' });
    expect(a.state.phase).toBe('skipped');
    expect(records(a.effects, 'skip')[0]).toMatchObject({ occurrence: T('2026-06-01T07:00:00Z'), source: 'api', early: true });
    a.runUntil('2026-06-01T10:00:00Z');
    expect(a.state.phase).toBe('skipped');
    const b = sim(plan(), '2026-06-01T06:30:00Z');
    expect(b.send({ type: 'action', action: 'snooze', source: 'api' })).toEqual([]);
    const c = sim(plan(), '2026-06-01T06:30:00Z');
    c.send({ type: 'press', press: 'double' });
    expect(c.state.phase).toBe('idle');
  });

  it("while the last occurrence's window is open a second press is about that one, not the next", () => {
    const p = plan({ due: { daily: ['08:00', '09:00'] }, window: 3600 });
    const s = sim(p, '2026-06-01T06:59:00Z');
    s.runUntil('2026-06-01T07:05:00Z'); // 08:05 BST, due
    s.send({ type: 'press', press: 'single' });
    s.send({ type: 'press', press: 'single' }, '2026-06-01T07:10:00Z');
    expect(records(s.effects, 'done')).toHaveLength(1);
    s.runUntil('2026-06-01T08:00:10Z');
    expect(s.state.phase).toBe('due'); // 09:00 falls due
    // Every 2 h with a 1 h window: once 10:00's window closed, a press at 11:10 is for 12:00.
    const two = plan({ due: { daily: ['10:00', '12:00'] }, window: 3600 });
    const t = sim(two, '2026-06-01T08:59:00Z');
    t.runUntil('2026-06-01T09:05:00Z');
    t.send({ type: 'press', press: 'single' });
    t.send({ type: 'press', press: 'single' }, '2026-06-01T10:10:00Z');
    expect(records(t.effects, 'done').map((d) => d.occurrence)).toEqual([T('2026-06-01T09:00:00Z'), T('2026-06-01T11:00:00Z')]);
  });

  it("a done ahead of an occurrence just after midnight counts for that occurrence's day", () => {
    const p = planRoutine({ id: 'late', title: 'Late', due: { daily: ['00:30'] }, window: 3600, nag_every: 900, snooze: 600 } as never, {
      timezone: 'Europe/London',
    });
    const s = sim(p, '2026-06-01T22:30:00Z'); // Mon 23:30 BST
    s.send({ type: 'press', press: 'single' }, '2026-06-01T22:50:00Z'); // Mon 23:50, for Tue 00:30
    const [done] = records(s.effects, 'done');
    const h = streak([{ kind: 'done', at: done!.at, occurrence: done!.occurrence ?? null }], p.schedule, T('2026-06-02T12:00:00Z'));
    expect(h.history[0]).toEqual({ date: '2026-06-02', done: true });
  });
});
