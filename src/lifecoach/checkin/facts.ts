/**
 * What the coach needs to know, as small plain shapes the hub (or, for a coach on another
 * host, HA's entities) fills in. No hub types: the hub's adapter maps its routine views, HA
 * `todo.get_items` answers and the person's room onto these.
 */

/** A routine's state today, in the words the check-in uses. */
export type RoutineStatus = 'done' | 'pending' | 'snoozed' | 'missed' | 'skipped' | 'upcoming' | 'not_today';

export interface RoutineFacts {
  id: string;
  title: string;
  status: RoutineStatus;
  /** Epoch ms: when today's occurrence fell (or falls) due. */
  dueAt?: number;
  doneAt?: number;
  snoozedUntil?: number;
  /** Forgiving streak: done on `done` of the last `of` settled days. */
  streak: { done: number; of: number };
}

/** An open item of an HA to-do list (`todo.get_items`, status needs_action). */
export interface TodoFacts {
  /** The list's entity id, e.g. `todo.shopping`. */
  list: string;
  summary: string;
  /** `YYYY-MM-DD` or an ISO date-time, as HA gives it. */
  due?: string;
}

export interface PresenceFacts {
  home: boolean;
  /** The HA area the person is in (`sensor.<person>_room`), when known. */
  room?: string;
}

/** An earlier check-in, as far as the next one needs it (not to repeat itself). */
export interface PastCheckin {
  at: number;
  summary: string;
  /** Routine ids it mentioned. */
  routines: string[];
}

/**
 * The hub's reminder phase (idle, due, nagging, done, snoozed, skipped, missed) → the status
 * a check-in talks about. `idle` is `done` when it was done today, else `upcoming` when it
 * falls due later today, else `not_today`.
 */
export function routineStatus(input: { phase: string; doneToday: boolean; dueLaterToday: boolean }): RoutineStatus {
  switch (input.phase) {
    case 'due':
    case 'nagging':
      return 'pending';
    case 'done':
      return 'done';
    case 'snoozed':
      return 'snoozed';
    case 'skipped':
      return 'skipped';
    case 'missed':
      return 'missed';
    default:
      if (input.doneToday) return 'done';
      return input.dueLaterToday ? 'upcoming' : 'not_today';
  }
}
