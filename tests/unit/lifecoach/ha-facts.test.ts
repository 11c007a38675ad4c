/** Facts from hearth's published routines, HA's todo.get_items and the room sensor. */
import { describe, expect, it } from 'vitest';
import { presenceFromRoom, routineFactsFromPublished, todosFromResponse } from '../../../src/lifecoach/ha/facts.js';
import { MORNING, TZ, at } from './fixtures.js';

describe('routine facts', () => {
  it('maps phases, today’s done and later-today due times, and the streak', () => {
    expect(
      routineFactsFromPublished(
        { id: 'meds', title: 'Meds', phase: 'nagging', due_since: new Date(at('08:00')).toISOString(), streak: '6 of 7' },
        MORNING,
        TZ,
      ),
    ).toEqual({
      id: 'meds',
      title: 'Meds',
      status: 'pending',
      dueAt: at('08:00'),
      streak: { done: 6, of: 7 },
    });
    expect(
      routineFactsFromPublished(
        {
          id: 'bed',
          title: 'Bed',
          phase: 'idle',
          last_done: new Date(at('07:41')).toISOString(),
          next_due: new Date(at('07:30') + 86400_000).toISOString(),
          streak: '7 of 7',
        },
        MORNING,
        TZ,
      ),
    ).toMatchObject({ status: 'done', doneAt: at('07:41') });
    expect(
      routineFactsFromPublished(
        { id: 'plants', title: 'Plants', phase: 'idle', next_due: new Date(at('18:00')).toISOString() },
        MORNING,
        TZ,
      ),
    ).toMatchObject({ status: 'upcoming', dueAt: at('18:00'), streak: { done: 0, of: 0 } });
    expect(
      routineFactsFromPublished(
        { id: 'bins', title: 'Bins', phase: 'idle', next_due: new Date(at('18:00') + 3 * 86400_000).toISOString() },
        MORNING,
        TZ,
      ).status,
    ).toBe('not_today');
  });
});

describe('to-do items', () => {
  it('keeps open items of every list, in list order', () => {
    const response = {
      'todo.shopping': {
        items: [
          { summary: 'Oat milk', uid: '1', status: 'needs_action' },
          { summary: 'Bread', uid: '2', status: 'completed' },
        ],
      },
      'todo.errands': { items: [{ summary: 'Post the parcel', uid: '3', status: 'needs_action', due: '2026-11-30' }] },
      'todo.broken': {},
    };
    expect(todosFromResponse(response)).toEqual([
      { list: 'todo.errands', summary: 'Post the parcel', due: '2026-11-30' },
      { list: 'todo.shopping', summary: 'Oat milk' },
    ]);
    expect(todosFromResponse(null)).toEqual([]);
  });
});

describe('presence', () => {
  it('reads the room sensor', () => {
    expect(presenceFromRoom('kitchen')).toEqual({ home: true, room: 'kitchen' });
    expect(presenceFromRoom('away')).toEqual({ home: false });
    expect(presenceFromRoom('unavailable')).toEqual({ home: true });
  });
});
