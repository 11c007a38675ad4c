/** The press intake: a press entity's state change comes out as its routine's event and the handled mark to write. */
import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../../../src/hub/ha/state-changes.js';
import { createPressIntake } from '../../../../src/hub/reminders/press-intake.js';
import type { PressEntities } from '../../../../src/hub/reminders/routine-slot.js';
import { createStore } from '../../../../src/hub/store/store.js';

const ENTITY = 'event.kitchen_meds_button_press';
const state = (iso: string, type = 'single') => ({
  entity_id: ENTITY,
  state: iso,
  attributes: { event_type: type },
  last_changed: iso,
  last_updated: iso,
});
const change = (from: string | undefined, to: string, type?: string): StateChange => ({
  entityId: ENTITY,
  old: from === undefined ? undefined : state(from),
  new: state(to, type),
  snapshot: false,
});

function setup() {
  const store = createStore({ path: ':memory:' });
  const pressEntities: PressEntities = new Map([[ENTITY, { routine: 'morning-meds', device: 'kitchen-meds-button' }]]);
  const now = Date.parse('2026-03-10T08:30:00Z');
  return { store, intake: createPressIntake({ pressEntities, store, clock: { now: () => now } }) };
}

describe('press intake', () => {
  it("a new event state is the routine's press event, with the handled mark to write in its step", () => {
    const { store, intake } = setup();
    intake.loadHandledMarks();
    const out = intake.take(change('2026-03-10T08:00:00.000Z', '2026-03-10T08:29:59.000Z', 'double'))!;
    expect(out).toMatchObject({
      routine: 'morning-meds',
      device: 'kitchen-meds-button',
      event: { type: 'press', press: 'double', entity: ENTITY },
    });
    expect(out.event!.at).toBeUndefined();
    out.markHandled!();
    expect(store.lastHandledPress(ENTITY)).toBe(String(Date.parse('2026-03-10T08:29:59.000Z')));
    // The same state again is no press, and moves no mark.
    const again = intake.take(change('2026-03-10T08:00:00.000Z', '2026-03-10T08:29:59.000Z', 'double'))!;
    expect(again).toMatchObject({ reason: 'already-handled' });
    expect(again.event).toBeUndefined();
    expect(again.markHandled).toBeUndefined();
  });

  it("an entity that is not a button's is not taken; an unknown event type moves the mark without a press", () => {
    const { intake } = setup();
    expect(intake.take({ ...change(undefined, '2026-03-10T08:00:00.000Z'), entityId: 'event.other' })).toBeUndefined();
    const out = intake.take(change('2026-03-10T08:00:00.000Z', '2026-03-10T08:10:00.000Z', 'triple'))!;
    expect(out).toMatchObject({ reason: 'unknown-event-type' });
    expect(out.markHandled).toBeDefined();
  });

  it('a press made while hearth was not watching (first sight, after a handled one) carries its instant', () => {
    const { store, intake } = setup();
    store.markPressHandled(ENTITY, String(Date.parse('2026-03-10T07:00:00.000Z')), 0);
    intake.loadHandledMarks();
    const out = intake.take(change(undefined, '2026-03-10T08:05:00.000Z'))!;
    expect(out.event).toEqual({
      type: 'press',
      press: 'single',
      entity: ENTITY,
      device: 'kitchen-meds-button',
      at: Date.parse('2026-03-10T08:05:00.000Z'),
    });
  });

  it('restoreHandledMark puts the filter back: the same press counts again', () => {
    const { intake } = setup();
    intake.loadHandledMarks();
    expect(intake.take(change('2026-03-10T08:00:00.000Z', '2026-03-10T08:20:00.000Z'))!.event).toBeDefined();
    intake.restoreHandledMark(ENTITY, String(Date.parse('2026-03-10T08:00:00.000Z')));
    expect(intake.take(change('2026-03-10T08:00:00.000Z', '2026-03-10T08:20:00.000Z'))!.event).toBeDefined();
  });
});
