/**
 * Facts from what the hub or HA already has, mapped onto the coach's fact shapes (checkin/facts.ts).
 * Pure. Used in-process (the hub's routine views and presence) and by a coach on another host
 * (HA's `sensor.<person>_room` state and hearth's routine sensors' attributes).
 */
import type { PresenceFacts, RoutineFacts, TodoFacts } from '../checkin/facts.js';
import { routineStatus } from '../checkin/facts.js';
import { localTime } from '../../config/wall-clock.js';

/**
 * A routine as hearth publishes it (the hub's RoutineView and the routine sensor's attributes
 * carry these fields): phase, `next_due`/`last_done`/`due_since`/`snoozed_until` as ISO strings
 * or null, streak as `"<done> of <of>"`.
 */
export interface PublishedRoutine {
  id: string;
  title: string;
  phase: string;
  next_due?: string | null;
  last_done?: string | null;
  due_since?: string | null;
  snoozed_until?: string | null;
  streak?: string;
}

const ms = (iso: string | null | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

export function routineFactsFromPublished(r: PublishedRoutine, now: number, timezone: string): RoutineFacts {
  const today = localTime(now, timezone).date;
  const lastDone = ms(r.last_done);
  const nextDue = ms(r.next_due);
  const dueSince = ms(r.due_since);
  const doneToday = lastDone !== undefined && localTime(lastDone, timezone).date === today;
  const dueLaterToday = nextDue !== undefined && nextDue > now && localTime(nextDue, timezone).date === today;
  const status = routineStatus({ phase: r.phase, doneToday, dueLaterToday });
  const match = /^(\d+) of (\d+)/.exec(r.streak ?? '');
  const facts: RoutineFacts = {
    id: r.id,
    title: r.title,
    status,
    streak: match ? { done: Number(match[1]), of: Number(match[2]) } : { done: 0, of: 0 },
  };
  const dueAt = dueSince ?? (status === 'upcoming' ? nextDue : undefined);
  if (dueAt !== undefined) facts.dueAt = dueAt;
  if (doneToday) facts.doneAt = lastDone!;
  const snoozed = ms(r.snoozed_until);
  if (snoozed !== undefined) facts.snoozedUntil = snoozed;
  return facts;
}

/**
 * HA's `todo.get_items` response (service call with `return_response`): per list entity,
 * `{ items: [{ summary, uid, status: needs_action | completed, due?, description? }] }`.
 * Open items only, lists in entity-id order.
 */
export function todosFromResponse(response: unknown): TodoFacts[] {
  if (!response || typeof response !== 'object') return [];
  const out: TodoFacts[] = [];
  for (const list of Object.keys(response).sort()) {
    const items = (response as Record<string, { items?: unknown }>)[list]?.items;
    if (!Array.isArray(items)) continue;
    for (const item of items as Array<Record<string, unknown>>) {
      if (item.status !== 'needs_action' || typeof item.summary !== 'string') continue;
      const todo: TodoFacts = { list, summary: item.summary.slice(0, 200) };
      if (typeof item.due === 'string') todo.due = item.due;
      out.push(todo);
    }
  }
  return out;
}

/** `sensor.<person>_room`'s state: a room (HA area), or `away`; unknown/unavailable count as home, room unknown. */
export function presenceFromRoom(state: string | null | undefined): PresenceFacts {
  if (state === 'away' || state === 'not_home') return { home: false };
  if (!state || state === 'unknown' || state === 'unavailable') return { home: true };
  return { home: true, room: state };
}
