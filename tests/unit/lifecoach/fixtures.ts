/** Shared facts for the check-in tests: one person's morning in Europe/London. */
import type { RoutineFacts, TodoFacts } from '../../../src/lifecoach/checkin/facts.js';

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
