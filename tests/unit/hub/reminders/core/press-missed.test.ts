/**
 * A press made while hearth was not watching (down after kill -9, restarting, or between a
 * reload's old and new units): HA's snapshot shows the button's newer event timestamp at
 * first sight. It counts when hearth had handled that button before (so the newer timestamp
 * can only be a real event; HA's restores repeat the last one), and it acknowledges only an
 * occurrence that had started by the time of the press.
 */
import { describe, expect, it } from 'vitest';
import { routine } from '../../../../../src/config/hearth-config.js';
import { classifyPress, type StateChange } from '../../../../../src/hub/reminders/core/press.js';
import { initialState, planRoutine, step, type ReminderState } from '../../../../../src/hub/reminders/core/reminder.js';

const E = 'event.kitchen_kitchen_meds_button_button';
const ev = (state: string, event_type = 'single') => ({ state, attributes: { event_type } });
const firstSight = (next: StateChange['new_state']): StateChange => ({ entity_id: E, old_state: undefined, new_state: next });
const T = (iso: string) => Date.parse(iso);

describe('press filter: first sight', () => {
  it('a newer timestamp than the last one handled is a press made while hearth was away', () => {
    const filter = { [E]: T('2026-03-02T07:50:00Z') };
    const { verdict, filter: next } = classifyPress(filter, firstSight(ev('2026-03-02T08:10:00.000+00:00', 'double')));
    expect(verdict).toEqual({ press: 'double', at: T('2026-03-02T08:10:00Z'), missed: true });
    expect(next[E]).toBe(T('2026-03-02T08:10:00Z'));
  });

  it('the timestamp already handled (HA restore, hearth restart without a press) is not', () => {
    const filter = { [E]: T('2026-03-02T07:50:00Z') };
    expect(classifyPress(filter, firstSight(ev('2026-03-02T07:50:00.000+00:00'))).verdict).toEqual({ reason: 'already-handled' });
  });

  it('without any handled press of that button (a new store) it stays a restore', () => {
    expect(classifyPress({}, firstSight(ev('2026-03-02T08:10:00.000+00:00'))).verdict).toEqual({ reason: 'restored' });
  });

  it('after unavailable it is a restore whatever the filter says', () => {
    const filter = { [E]: T('2026-03-02T07:50:00Z') };
    const change: StateChange = { entity_id: E, old_state: { state: 'unavailable' }, new_state: ev('2026-03-02T08:10:00.000+00:00') };
    expect(classifyPress(filter, change).verdict).toEqual({ reason: 'restored' });
  });
});

describe('reminder: a late press', () => {
  const plan = planRoutine(routine.parse({ id: 'morning-meds', title: 'Meds', due: { daily: ['08:00'] }, window: '4h' }), {
    timezone: 'UTC',
  });
  const dueAt = (t: string): ReminderState => step(initialState('morning-meds', T(t)), { type: 'tick' }, T(t), plan).state;

  it('acknowledges the occurrence it was made for', () => {
    const pending = dueAt('2026-03-02T08:05:00Z');
    expect(pending.phase).toBe('due');
    const { state, effects } = step(
      pending,
      { type: 'press', press: 'single', at: T('2026-03-02T08:10:00Z') },
      T('2026-03-02T08:12:00Z'),
      plan,
    );
    expect(state.phase).toBe('done');
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'record', kind: 'press', pending: true, pressedAt: T('2026-03-02T08:10:00Z') }),
    );
    expect(effects).toContainEqual({ type: 'led', on: false });
  });

  it('a press from before the occurrence started is recorded and changes nothing', () => {
    const pending = dueAt('2026-03-02T08:05:00Z');
    const { state, effects } = step(
      pending,
      { type: 'press', press: 'single', at: T('2026-03-02T07:30:00Z') },
      T('2026-03-02T08:06:00Z'),
      plan,
    );
    expect(state.phase).toBe('due');
    expect(state.led).toBe(true);
    expect(effects).toEqual([
      expect.objectContaining({ type: 'record', kind: 'press', pending: false, pressedAt: T('2026-03-02T07:30:00Z') }),
    ]);
  });
});
