/**
 * The check-in's context: everything the model may state as fact, built from the facts by pure
 * code. Routines sorted by what matters now (pending, snoozed, missed, upcoming, done, …),
 * to-do items capped, times as local wall-clock text, the last few check-ins for variety.
 * The same object is stored with the check-in, so every answer can be traced to its facts.
 */
import type { PastCheckin, PresenceFacts, RoutineFacts, RoutineStatus, TodoFacts } from './facts.js';
import { localTime, type DayPart } from '../../config/wall-clock.js';

export interface ContextRoutine {
  id: string;
  title: string;
  status: RoutineStatus;
  /** Local `HH:MM`. */
  due?: string;
  done_at?: string;
  snoozed_until?: string;
  streak: string;
}

export interface CheckinContext {
  person: { id: string; name: string };
  /** Local date and time, e.g. `Monday 2026-11-30 08:30`. */
  now: string;
  day_part: DayPart;
  home: boolean;
  room: string | null;
  routines: ContextRoutine[];
  todos: Array<{ list: string; summary: string; due?: string }>;
  /** Open to-do items beyond the ones listed. */
  more_todos: number;
  recent_checkins: Array<{ when: string; summary: string }>;
  /** Cameras whose still the model sees, and the ones it does not (with why). */
  stills: Array<{ camera: string; seen: boolean; note?: string }>;
}

export interface ContextInputs {
  now: number;
  timezone: string;
  person: { id: string; name: string };
  routines: readonly RoutineFacts[];
  todos: readonly TodoFacts[];
  presence: PresenceFacts;
  recent: readonly PastCheckin[];
  stills?: ReadonlyArray<{ camera: string; seen: boolean; note?: string }>;
}

export interface ContextOptions {
  /** Earlier check-ins to include (newest first). */
  recent: number;
  maxTodos?: number;
  maxRoutines?: number;
}

const ORDER: Record<RoutineStatus, number> = { pending: 0, snoozed: 1, missed: 2, upcoming: 3, done: 4, skipped: 5, not_today: 6 };

export function buildContext(inputs: ContextInputs, options: ContextOptions): CheckinContext {
  const tz = inputs.timezone;
  const hhmm = (t: number): string => localTime(t, tz).time;
  const now = localTime(inputs.now, tz);
  const routines = [...inputs.routines]
    .filter((r) => r.status !== 'not_today')
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || a.id.localeCompare(b.id))
    .slice(0, options.maxRoutines ?? 20)
    .map((r) => {
      const out: ContextRoutine = { id: r.id, title: r.title, status: r.status, streak: `${r.streak.done} of ${r.streak.of} days` };
      if (r.dueAt !== undefined) out.due = hhmm(r.dueAt);
      if (r.doneAt !== undefined) out.done_at = hhmm(r.doneAt);
      if (r.snoozedUntil !== undefined && r.status === 'snoozed') out.snoozed_until = hhmm(r.snoozedUntil);
      return out;
    });
  const maxTodos = options.maxTodos ?? 10;
  const todos = inputs.todos
    .slice(0, maxTodos)
    .map((t) => (t.due ? { list: t.list, summary: t.summary, due: t.due } : { list: t.list, summary: t.summary }));
  const recent = [...inputs.recent]
    .sort((a, b) => b.at - a.at)
    .slice(0, options.recent)
    .map((c) => {
      const when = localTime(c.at, tz);
      return { when: when.date === now.date ? `today ${when.time}` : `${when.weekday} ${when.time}`, summary: c.summary };
    });
  return {
    person: inputs.person,
    now: `${now.weekday} ${now.date} ${now.time}`,
    day_part: now.dayPart,
    home: inputs.presence.home,
    room: inputs.presence.home ? (inputs.presence.room ?? null) : null,
    routines,
    todos,
    more_todos: Math.max(0, inputs.todos.length - maxTodos),
    recent_checkins: recent,
    stills: [...(inputs.stills ?? [])],
  };
}
