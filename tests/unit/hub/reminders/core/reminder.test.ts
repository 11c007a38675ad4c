import { describe, expect, it } from 'vitest';
import { routine } from '../../../../../src/config/hearth-config.js';
import {
  initialState,
  nextWakeup,
  notificationActionId,
  parseNotificationActionId,
  planRoutine,
  step,
  type Effect,
  type ReminderEvent,
  type ReminderState,
  type RoutinePlan,
} from '../../../../../src/hub/reminders/core/reminder.js';

const T = (iso: string): number => Date.parse(iso);

/** A fake clock and the reducer: the state lives here, effects are collected per step. */
class Sim {
  now: number;
  state: ReminderState;
  constructor(
    readonly plan: RoutinePlan,
    start: string,
  ) {
    this.now = T(start);
    this.state = initialState(plan.id, this.now);
  }
  send(event: ReminderEvent, at?: string): Effect[] {
    if (at !== undefined) this.now = T(at);
    const { state, effects } = step(this.state, event, this.now, this.plan);
    this.state = state;
    return effects;
  }
  tick(at: string): Effect[] {
    return this.send({ type: 'tick' }, at);
  }
  /** Ticks at every wakeup the machine asks for, up to `until`; all effects with their times. */
  run(until: string): Array<[string, Effect]> {
    const out: Array<[string, Effect]> = [];
    for (let i = 0; i < 1000; i++) {
      const next = nextWakeup(this.state, this.plan, this.now);
      if (next === undefined || next > T(until)) break;
      this.now = Math.max(next, this.now + 1);
      for (const e of this.send({ type: 'tick' })) out.push([new Date(this.now).toISOString(), e]);
    }
    this.now = T(until);
    for (const e of this.send({ type: 'tick' })) out.push([until, e]);
    return out;
  }
}

const kinds = (effects: Effect[]): string[] =>
  effects.map((e) => (e.type === 'led' ? `led:${e.on ? 'on' : 'off'}` : e.type === 'record' ? `record:${e.kind}` : e.type));

function plan(extra: Record<string, unknown> = {}, household: Parameters<typeof planRoutine>[1] = { timezone: 'UTC' }) {
  return planRoutine(
    routine.parse({
      id: 'pills',
      title: 'Morning pills',
      due: { daily: ['08:00'] },
      window: '2h',
      nag_every: '15m',
      snooze: '10m',
      person: 'sam',
      ...extra,
    }),
    household,
  );
}

describe('reminder state machine', () => {
  it('stays idle before the occurrence and becomes due at its start with the LED on', () => {
    const sim = new Sim(plan(), '2025-06-01T07:00:00Z');
    expect(sim.tick('2025-06-01T07:59:00Z')).toEqual([]);
    expect(sim.state.phase).toBe('idle');
    expect(nextWakeup(sim.state, sim.plan, sim.now)).toBe(T('2025-06-01T08:00:00Z'));
    expect(kinds(sim.tick('2025-06-01T08:00:00Z'))).toEqual(['led:on', 'record:due', 'publish']);
    expect(sim.state).toMatchObject({ phase: 'due', since: T('2025-06-01T08:00:00Z'), led: true });
  });

  it('a single press marks done, turns the LED off and clears the notification', () => {
    const sim = new Sim(plan({ escalate_after: '5m' }), '2025-06-01T07:00:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    const esc = sim.tick('2025-06-01T08:05:00Z');
    expect(kinds(esc)).toEqual(['notify', 'record:notify', 'publish']);
    const effects = sim.send({ type: 'press', press: 'single' }, '2025-06-01T08:06:00Z');
    expect(kinds(effects)).toEqual(['record:press', 'led:off', 'clear_notification', 'record:done', 'publish']);
    expect(effects[0]).toMatchObject({ kind: 'press', press: 'single', pending: true, occurrence: T('2025-06-01T08:00:00Z') });
    expect(effects[2]).toEqual({ type: 'clear_notification', tag: 'pills' });
    expect(sim.state).toMatchObject({ phase: 'done', lastDone: T('2025-06-01T08:06:00Z'), led: false, notified: false });
    // Done means done: no more nagging for this occurrence.
    expect(sim.run('2025-06-01T12:00:00Z')).toEqual([]);
  });

  it('a press with nothing pending (and no occurrence within the early lead) is recorded and changes nothing', () => {
    const sim = new Sim(plan(), '2025-06-01T06:00:00Z');
    const before = sim.state;
    const effects = sim.send({ type: 'press', press: 'single', entity: 'event.kitchen_button' }, '2025-06-01T06:30:00Z');
    expect(effects).toEqual([
      {
        type: 'record',
        kind: 'press',
        routine: 'pills',
        at: T('2025-06-01T06:30:00Z'),
        press: 'single',
        pending: false,
        source: 'button',
        entity: 'event.kitchen_button',
      },
    ]);
    expect(sim.state).toEqual(before);
  });

  it('a double press snoozes; the reminder comes back due after the snooze', () => {
    const sim = new Sim(plan(), '2025-06-01T07:00:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    const effects = sim.send({ type: 'press', press: 'double' }, '2025-06-01T08:01:00Z');
    expect(kinds(effects)).toEqual(['record:press', 'led:off', 'record:snooze', 'publish']);
    expect(effects[2]).toMatchObject({ until: T('2025-06-01T08:11:00Z') });
    expect(sim.state.phase).toBe('snoozed');
    expect(nextWakeup(sim.state, sim.plan, sim.now)).toBe(T('2025-06-01T08:11:00Z'));
    expect(sim.tick('2025-06-01T08:10:59Z')).toEqual([]);
    expect(kinds(sim.tick('2025-06-01T08:11:00Z'))).toEqual(['led:on', 'publish']);
    expect(sim.state).toMatchObject({ phase: 'due', pendingSince: T('2025-06-01T08:11:00Z') });
  });

  it('a snooze from the phone comes back to the phone', () => {
    const sim = new Sim(plan({ escalate_after: 0 }), '2025-06-01T08:00:00Z');
    expect(kinds(sim.tick('2025-06-01T08:00:00Z'))).toEqual(['led:on', 'record:due', 'notify', 'record:notify', 'publish']);
    const snooze = sim.send({ type: 'action', action: 'snooze' }, '2025-06-01T08:02:00Z');
    expect(kinds(snooze)).toEqual(['led:off', 'clear_notification', 'record:snooze', 'publish']);
    expect(kinds(sim.tick('2025-06-01T08:12:00Z'))).toEqual(['led:on', 'notify', 'record:notify', 'publish']);
  });

  it('a long press skips the rest of the day', () => {
    const sim = new Sim(plan({ due: { daily: ['08:00', '20:00'] } }), '2025-06-01T07:00:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    expect(kinds(sim.send({ type: 'press', press: 'long' }, '2025-06-01T08:05:00Z'))).toEqual([
      'record:press',
      'led:off',
      'record:skip',
      'publish',
    ]);
    expect(sim.state.phase).toBe('skipped');
    // The evening occurrence is covered by the skip: recorded, no LED.
    expect(kinds(sim.tick('2025-06-01T20:00:00Z'))).toEqual(['record:skip', 'publish']);
    expect(sim.state.phase).toBe('skipped');
    // Tomorrow it is due again.
    expect(kinds(sim.tick('2025-06-02T08:00:00Z'))).toEqual(['led:on', 'record:due', 'publish']);
  });

  it('escalates to the phone after escalate_after and nags every nag_every', () => {
    const sim = new Sim(plan({ escalate_after: '20m' }), '2025-06-01T07:59:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    const timeline = sim.run('2025-06-01T08:50:00Z').map(([t, e]) => `${t.slice(11, 16)} ${kinds([e])[0]}`);
    expect(timeline).toEqual([
      // First nag: LED pulse refreshed, not escalated yet so no notification.
      '08:15 led:on',
      '08:15 publish', // due → nagging
      '08:20 notify',
      '08:20 record:notify',
      '08:20 publish',
      '08:30 led:on',
      '08:30 notify', // re-notify only once escalated
      '08:30 record:notify',
      '08:45 led:on',
      '08:45 notify',
      '08:45 record:notify',
    ]);
    expect(sim.state.phase).toBe('nagging');
    const notify = sim.send({ type: 'tick' }, '2025-06-01T09:00:00Z').find((e) => e.type === 'notify');
    expect(notify).toEqual({
      type: 'notify',
      tag: 'pills',
      title: 'Morning pills',
      message: 'Due since 08:00',
      person: 'sam',
      actions: [
        { action: 'HEARTH_DONE:pills', title: 'Done' },
        { action: 'HEARTH_SNOOZE:pills', title: 'Snooze' },
        { action: 'HEARTH_SKIP:pills', title: 'Skip' },
      ],
    });
  });

  it('without escalate_after never notifies the phone', () => {
    const sim = new Sim(plan(), '2025-06-01T07:59:00Z');
    const all = sim.run('2025-06-01T12:00:00Z').map(([, e]) => e.type);
    expect(all).not.toContain('notify');
  });

  it('is missed at the window end while pending: LED off, notification cleared', () => {
    const sim = new Sim(plan({ escalate_after: '1h' }), '2025-06-01T07:59:00Z');
    sim.run('2025-06-01T09:59:00Z');
    expect(sim.state.notified).toBe(true);
    const effects = sim.tick('2025-06-01T10:00:00Z');
    expect(kinds(effects)).toEqual(['led:off', 'clear_notification', 'record:miss', 'publish']);
    expect(effects[2]).toMatchObject({ at: T('2025-06-01T10:00:00Z'), occurrence: T('2025-06-01T08:00:00Z') });
    expect(sim.state).toMatchObject({ phase: 'missed', since: T('2025-06-01T10:00:00Z') });
    // A press now is no longer for a pending reminder.
    expect(sim.send({ type: 'press', press: 'single' }, '2025-06-01T10:01:00Z')[0]).toMatchObject({ pending: false });
  });

  it('a late tick settles the miss at the window end, then starts the next occurrence', () => {
    const sim = new Sim(plan(), '2025-06-01T07:59:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    const effects = sim.tick('2025-06-02T08:30:00Z');
    expect(kinds(effects)).toEqual(['led:off', 'record:miss', 'led:on', 'record:due', 'publish']);
    expect(sim.state).toMatchObject({ phase: 'nagging', occurrence: { start: T('2025-06-02T08:00:00Z') } });
  });

  it('a snooze running past the window end is a miss', () => {
    const sim = new Sim(plan(), '2025-06-01T07:59:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    sim.send({ type: 'press', press: 'double' }, '2025-06-01T09:55:00Z');
    expect(kinds(sim.tick('2025-06-01T10:00:00Z'))).toEqual(['record:miss', 'publish']);
    expect(sim.state.phase).toBe('missed');
  });

  it('"due now" by hand makes a routine pending at once, with its own window', () => {
    const sim = new Sim(plan(), '2025-06-01T12:00:00Z');
    const effects = sim.send({ type: 'due' }, '2025-06-01T12:00:00Z');
    expect(kinds(effects)).toEqual(['led:on', 'record:due', 'publish']);
    expect(sim.state.occurrence).toEqual({ start: T('2025-06-01T12:00:00Z'), end: T('2025-06-01T14:00:00Z'), forced: true });
    // Already pending: a second "due now" changes nothing.
    expect(sim.send({ type: 'due' }, '2025-06-01T12:01:00Z')).toEqual([]);
    sim.send({ type: 'press', press: 'single' }, '2025-06-01T12:02:00Z');
    expect(sim.state.phase).toBe('done');
  });

  it('a scheduler "due" for an occurrence already handled is ignored', () => {
    const sim = new Sim(plan(), '2025-06-01T08:00:00Z');
    sim.tick('2025-06-01T08:00:00Z');
    sim.send({ type: 'press', press: 'single' }, '2025-06-01T08:01:00Z');
    expect(sim.send({ type: 'due', occurrence: { start: T('2025-06-01T08:00:00Z'), end: T('2025-06-01T10:00:00Z') } })).toEqual([]);
    expect(sim.state.phase).toBe('done');
  });

  describe('quiet hours', () => {
    // 22:00 → 07:00 crosses midnight.
    const quiet = { quiet_hours: { from: '22:00', to: '07:00' } };
    const late = (extra: Record<string, unknown> = {}) =>
      plan({ due: { daily: ['21:30'] }, window: '12h', escalate_after: '10m', ...quiet, ...extra });

    it('holds a pending reminder: LED off at 22:00, no nags or notifications until 07:00', () => {
      const sim = new Sim(late(), '2025-06-01T21:00:00Z');
      sim.run('2025-06-01T21:59:00Z');
      expect(sim.state).toMatchObject({ phase: 'nagging', escalated: true, led: true });
      const night = sim.run('2025-06-02T06:59:00Z');
      expect(night.map(([t, e]) => `${t.slice(11, 16)} ${kinds([e])[0]}`)).toEqual(['22:00 led:off', '22:00 publish']);
      expect(sim.state.held).toBe(true);
      expect(nextWakeup(sim.state, sim.plan, sim.now)).toBe(T('2025-06-02T07:00:00Z'));
      expect(kinds(sim.tick('2025-06-02T07:00:00Z'))).toEqual(['led:on', 'notify', 'record:notify', 'publish']);
      expect(sim.state.held).toBe(false);
    });

    it('an occurrence falling due during quiet hours waits for their end, and escalates then', () => {
      const sim = new Sim(late({ due: { daily: ['23:30'] } }), '2025-06-01T23:00:00Z');
      const night = sim.run('2025-06-02T06:59:00Z');
      expect(night.map(([, e]) => kinds([e])[0])).toEqual(['record:due', 'publish']); // due (held), nothing visible
      expect(sim.state).toMatchObject({ phase: 'due', held: true, led: false });
      // Escalation time passed during the night: at 07:00 LED and phone together.
      expect(kinds(sim.tick('2025-06-02T07:00:00Z'))).toEqual(['led:on', 'notify', 'record:notify', 'publish']);
    });

    it('a reminder whose window ends during quiet hours is missed without waking anyone', () => {
      const sim = new Sim(late({ due: { daily: ['23:30'] }, window: '2h' }), '2025-06-01T23:00:00Z');
      const night = sim.run('2025-06-02T08:00:00Z');
      expect(night.map(([t, e]) => `${t.slice(11, 16)} ${kinds([e])[0]}`)).toEqual([
        '23:30 record:due',
        '23:30 publish',
        '01:30 record:miss',
        '01:30 publish',
      ]);
    });

    it('uses the household quiet hours when the routine has none, in the routine zone', () => {
      const p = plan(
        { due: { daily: ['06:30'] }, timezone: 'Europe/London' },
        { timezone: 'UTC', quiet_hours: { from: 22 * 60, to: 7 * 60 } },
      );
      // 06:30 BST = 05:30Z, inside quiet hours in London.
      const sim = new Sim(p, '2025-06-01T05:00:00Z');
      expect(kinds(sim.tick('2025-06-01T05:30:00Z'))).toEqual(['record:due', 'publish']);
      expect(kinds(sim.tick('2025-06-01T06:00:00Z'))).toEqual(['led:on', 'publish']); // 07:00 BST
    });

    it('a button press during quiet hours still marks done', () => {
      const sim = new Sim(late(), '2025-06-01T21:00:00Z');
      sim.run('2025-06-01T23:00:00Z');
      const effects = sim.send({ type: 'press', press: 'single' }, '2025-06-01T23:05:00Z');
      expect(kinds(effects)).toEqual(['record:press', 'clear_notification', 'record:done', 'publish']);
      expect(sim.run('2025-06-02T09:00:00Z')).toEqual([]);
    });
  });

  it('keeps the local due time across the DST change (Europe/London)', () => {
    const sim = new Sim(plan({ timezone: 'Europe/London' }), '2025-03-29T06:00:00Z');
    sim.run('2025-03-29T08:05:00Z');
    expect(sim.state.occurrence?.start).toBe(T('2025-03-29T08:00:00Z')); // 08:00 GMT
    sim.send({ type: 'press', press: 'single' });
    expect(nextWakeup(sim.state, sim.plan, sim.now)).toBe(T('2025-03-30T07:00:00Z')); // 08:00 BST
    expect(kinds(sim.tick('2025-03-30T07:00:00Z'))).toEqual(['led:on', 'record:due', 'publish']);
  });

  describe('restore', () => {
    it('re-issues the LED of a pending reminder after a restart', () => {
      const sim = new Sim(plan({ escalate_after: '5m' }), '2025-06-01T07:59:00Z');
      sim.run('2025-06-01T08:06:00Z');
      const persisted = JSON.parse(JSON.stringify(sim.state)) as ReminderState;
      const restored = step(persisted, { type: 'restore' }, T('2025-06-01T08:07:00Z'), sim.plan);
      expect(kinds(restored.effects)).toEqual(['led:on']);
      expect(restored.state).toEqual(persisted);
    });

    it('settles a window that closed while hearth was down', () => {
      const sim = new Sim(plan({ escalate_after: '5m' }), '2025-06-01T07:59:00Z');
      sim.run('2025-06-01T08:06:00Z');
      const restored = step(sim.state, { type: 'restore' }, T('2025-06-01T11:00:00Z'), sim.plan);
      expect(kinds(restored.effects)).toEqual(['led:off', 'clear_notification', 'record:miss', 'publish']);
      expect(restored.state.phase).toBe('missed');
    });

    it('says the LED is off for a routine that is not pending', () => {
      const sim = new Sim(plan(), '2025-06-01T07:00:00Z');
      expect(kinds(step(sim.state, { type: 'restore' }, T('2025-06-01T07:30:00Z'), sim.plan).effects)).toEqual(['led:off']);
    });

    it('brings back a snooze that ran out while down', () => {
      const sim = new Sim(plan(), '2025-06-01T08:00:00Z');
      sim.tick('2025-06-01T08:00:00Z');
      sim.send({ type: 'press', press: 'double' }, '2025-06-01T08:01:00Z');
      const restored = step(sim.state, { type: 'restore' }, T('2025-06-01T08:30:00Z'), sim.plan);
      expect(restored.state.phase).toBe('nagging');
      expect(kinds(restored.effects)).toEqual(['led:on', 'publish']);
    });
  });

  it('notification action ids round-trip', () => {
    expect(parseNotificationActionId(notificationActionId('kitchen-meds', 'snooze'))).toEqual({
      routine: 'kitchen-meds',
      action: 'snooze',
    });
    expect(parseNotificationActionId('SOMETHING_ELSE')).toBeUndefined();
  });

  it('ignores a phone action when nothing is pending (and no occurrence within the early lead)', () => {
    const sim = new Sim(plan(), '2025-06-01T06:50:00Z');
    expect(sim.send({ type: 'action', action: 'done' })).toEqual([]);
  });
});
