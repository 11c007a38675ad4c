import { describe, expect, it } from 'vitest';
import { classifyPress, seedPress, type PressFilterState, type StateChange } from '../../../../../src/hub/reminders/core/press.js';

const E = 'event.kitchen_meds_button';
const ev = (state: string, event_type = 'single') => ({ state, attributes: { event_type } });
const change = (old: StateChange['old_state'], next: StateChange['new_state']): StateChange => ({
  entity_id: E,
  old_state: old,
  new_state: next,
});

describe('press filter', () => {
  it('takes a new timestamp after a real state as a press of its event type', () => {
    const { verdict, filter } = classifyPress(
      {},
      change(ev('2025-06-01T08:00:00.000+00:00'), ev('2025-06-01T08:05:00.123+00:00', 'double')),
    );
    expect(verdict).toEqual({ press: 'double', at: Date.parse('2025-06-01T08:05:00.123Z') });
    expect(filter[E]).toBe(Date.parse('2025-06-01T08:05:00.123Z'));
  });

  it('takes the first press after startup (previous state: the seeded timestamp)', () => {
    const seeded = seedPress({}, E, ev('2025-06-01T07:00:00+00:00'));
    const { verdict } = classifyPress(seeded, change(ev('2025-06-01T07:00:00+00:00'), ev('2025-06-01T08:00:00+00:00', 'long')));
    expect(verdict.press).toBe('long');
  });

  it('never takes a state restored after unavailable/unknown for a press, but remembers it', () => {
    for (const previous of ['unavailable', 'unknown']) {
      const { verdict, filter } = classifyPress({}, change({ state: previous }, ev('2025-06-01T08:00:00+00:00')));
      expect(verdict).toEqual({ reason: 'restored' });
      // The same timestamp arriving again later (another attribute change) is not a press either.
      const again = classifyPress(filter, change(ev('2025-06-01T08:00:00+00:00'), ev('2025-06-01T08:00:00+00:00')));
      expect(again.verdict).toEqual({ reason: 'already-handled' });
    }
  });

  it('a new entity (no previous state) is not a press', () => {
    expect(classifyPress({}, change(null, ev('2025-06-01T08:00:00+00:00'))).verdict).toEqual({ reason: 'restored' });
  });

  it('ignores a timestamp already handled or older (HA restart replaying the last event)', () => {
    const filter: PressFilterState = { [E]: Date.parse('2025-06-01T08:00:00Z') };
    expect(classifyPress(filter, change(ev('2025-06-01T07:00:00+00:00'), ev('2025-06-01T08:00:00+00:00'))).verdict).toEqual({
      reason: 'already-handled',
    });
    expect(classifyPress(filter, change(ev('2025-06-01T07:00:00+00:00'), ev('2025-06-01T07:30:00+00:00'))).verdict).toEqual({
      reason: 'already-handled',
    });
  });

  it('takes a fresh event from `unknown` (a first press) but not an old one (a restore)', () => {
    const at = Date.parse('2025-06-01T08:00:00+00:00');
    const first = classifyPress({}, change({ state: 'unknown' }, ev('2025-06-01T08:00:00+00:00', 'double')), undefined, at + 300);
    expect(first.verdict).toEqual({ press: 'double', at });
    const restored = classifyPress({}, change({ state: 'unknown' }, ev('2025-06-01T08:00:00+00:00')), undefined, at + 60_000);
    expect(restored.verdict).toEqual({ reason: 'restored' });
    // `unavailable` is a restore whatever the age.
    expect(classifyPress({}, change({ state: 'unavailable' }, ev('2025-06-01T08:00:00+00:00')), undefined, at).verdict).toEqual({
      reason: 'restored',
    });
  });

  it('ignores states that are not timestamps, and unknown event types', () => {
    expect(classifyPress({}, change(ev('2025-06-01T07:00:00+00:00'), { state: 'unavailable' })).verdict).toEqual({
      reason: 'not-a-timestamp',
    });
    expect(classifyPress({}, change(ev('2025-06-01T07:00:00+00:00'), null)).verdict).toEqual({ reason: 'no-new-state' });
    const odd = classifyPress({}, change(ev('2025-06-01T07:00:00+00:00'), ev('2025-06-01T08:00:00+00:00', 'triple')));
    expect(odd.verdict).toEqual({ reason: 'unknown-event-type' });
    expect(odd.filter[E]).toBe(Date.parse('2025-06-01T08:00:00Z'));
    expect(classifyPress({}, change(ev('2025-06-01T07:00:00+00:00'), { state: '2025-06-01T08:00:00+00:00' })).verdict).toEqual({
      reason: 'unknown-event-type',
    });
  });

  it('keeps entities apart', () => {
    const filter: PressFilterState = { 'event.other': Date.parse('2025-06-01T09:00:00Z') };
    expect(classifyPress(filter, change(ev('2025-06-01T07:00:00+00:00'), ev('2025-06-01T08:00:00+00:00'))).verdict.press).toBe('single');
  });

  it('seeding keeps the newest timestamp and ignores non-timestamps', () => {
    const filter = seedPress({ [E]: 5 }, E, { state: 'unknown' });
    expect(filter).toEqual({ [E]: 5 });
    expect(seedPress({ [E]: Date.parse('2025-06-02T00:00:00Z') }, E, ev('2025-06-01T00:00:00+00:00'))[E]).toBe(
      Date.parse('2025-06-02T00:00:00Z'),
    );
  });
});
