/** Shared facts for the check-in tests: one person's morning in Europe/London. */
import type { RoutineFacts, TodoFacts } from '../../../src/lifecoach/checkin/facts.js';
import type { CheckinRecord } from '../../../src/lifecoach/store.js';

export const TZ = 'Europe/London';
/** Monday 2026-11-30 08:30 in London (UTC+0 in winter). */
export const MORNING = Date.UTC(2026, 10, 30, 8, 30);
export const at = (hhmm: string): number => Date.UTC(2026, 10, 30, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3, 5)));

export const person = { id: 'sam', name: 'Sam' };

export const routines: RoutineFacts[] = [
  { id: 'water-plants', title: 'Water the plants', status: 'upcoming', dueAt: at('18:00'), streak: { done: 2, of: 3 } },
  { id: 'morning-meds', title: 'Take morning meds', status: 'pending', dueAt: at('08:00'), streak: { done: 6, of: 7 } },
  { id: 'make-bed', title: 'Make the bed', status: 'done', dueAt: at('07:30'), doneAt: at('07:41'), streak: { done: 7, of: 7 } },
  { id: 'stretch', title: 'Stretch', status: 'snoozed', dueAt: at('08:00'), snoozedUntil: at('08:40'), streak: { done: 3, of: 7 } },
  { id: 'bins', title: 'Put the bins out', status: 'not_today', streak: { done: 1, of: 1 } },
];

export const todos: TodoFacts[] = [
  { list: 'todo.shopping', summary: 'Oat milk' },
  { list: 'todo.errands', summary: 'Post the parcel', due: '2026-11-30' },
];

/**
 * A stored check-in as the tests need one: Sam's, a data check-in (no model) at `at` (epoch ms)
 * that took 1 ms, delivered, nothing dropped; `over` sets what a test looks at.
 */
export const checkinRecord = (id: string, at: number, over: Partial<CheckinRecord> = {}): CheckinRecord => ({
  id,
  person: 'sam',
  trigger: 'api',
  started_at: at,
  finished_at: at,
  outcome: 'data',
  reason: null,
  context: null,
  prompt_hash: null,
  model: null,
  model_digest: null,
  options: null,
  timings: { total_ms: 1 },
  message: null,
  dropped: [],
  delivered: true,
  ...over,
});
