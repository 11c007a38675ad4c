/**
 * What hearth's card shows, computed from HA's states alone (the card reads everything through
 * `hass`): today's routines as checklist rows and the latest check-in. Pure and DOM-free, so
 * it is unit-tested in Node and bundled into the card.
 *
 * A routine sensor's state is one of discovery.ts's ROUTINE_STATES; its attributes are those
 * src/hub/reminders/routine-view.ts publishes (title, streak "N of 7", next_due, due_since,
 * snoozed_until, last_done: ISO times).
 */
import type { HearthCardConfig } from './config.js';

/** The part of an HA state object the card reads. */
export interface EntityState {
  state: string;
  attributes: Record<string, unknown>;
  last_changed?: string;
}

export type States = Record<string, EntityState | undefined>;

/** HA states meaning "no value": the entity exists but its source (hearth) is not there. */
const NO_VALUE = new Set(['unavailable', 'unknown']);

export const STATE_LABELS: Record<string, string> = {
  idle: 'Not due',
  due: 'Due',
  nagging: 'Overdue',
  done: 'Done',
  snoozed: 'Snoozed',
  skipped: 'Skipped',
  missed: 'Missed',
};

const PENDING = new Set(['due', 'nagging', 'snoozed']);
const SETTLED_TODAY = new Set(['done', 'skipped', 'missed']);

export type Row =
  | { kind: 'missing'; entity: string; message: string }
  | {
      kind: 'routine';
      entity: string;
      title: string;
      state: string;
      label: string;
      /** Local time of day (HH:MM) it fell or falls due today, or undefined. */
      due?: string;
      /** "5 of 7" (days done of the last 7). */
      streak?: string;
      pending: boolean;
      done?: string;
      snooze?: string;
    };

export interface Clock {
  now: Date;
  /** IANA time zone of HA (`hass.config.time_zone`). */
  timeZone: string;
}

const day = (d: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const timeOfDay = (d: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

const dateOf = (value: unknown): Date | undefined => {
  if (typeof value !== 'string' || !value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/**
 * Today's rows, pending first then by due time: a routine shows while due, nagging or
 * snoozed, when it was done/skipped/missed or last done today, or when it falls due later
 * today. A routine entity HA lacks (or has without a value) is a `missing` row with a message.
 */
export function routineRows(states: States, config: HearthCardConfig, clock: Clock): Row[] {
  const today = day(clock.now, clock.timeZone);
  const isToday = (d: Date | undefined) => d !== undefined && day(d, clock.timeZone) === today;
  const rows: Array<Row & { sort: string }> = [];
  for (const routine of config.routines) {
    const s = states[routine.entity];
    if (!s) {
      rows.push({ kind: 'missing', entity: routine.entity, message: `Entity not available: ${routine.entity}`, sort: '0' });
      continue;
    }
    if (NO_VALUE.has(s.state)) {
      rows.push({ kind: 'missing', entity: routine.entity, message: `${routine.entity} is ${s.state}: is hearth running?`, sort: '0' });
      continue;
    }
    const dueSince = dateOf(s.attributes.due_since);
    const nextDue = dateOf(s.attributes.next_due);
    const lastDone = dateOf(s.attributes.last_done);
    const pending = PENDING.has(s.state);
    const show = pending || SETTLED_TODAY.has(s.state) || isToday(lastDone) || isToday(nextDue) || isToday(dueSince);
    if (!show) continue;
    const dueAt = pending || SETTLED_TODAY.has(s.state) ? (dueSince ?? nextDue) : isToday(nextDue) ? nextDue : dueSince;
    const due = dueAt && isToday(dueAt) ? timeOfDay(dueAt, clock.timeZone) : undefined;
    const title = typeof s.attributes.title === 'string' ? s.attributes.title : String(s.attributes.friendly_name ?? routine.entity);
    const state = s.state === 'idle' && isToday(lastDone) ? 'done' : s.state;
    rows.push({
      kind: 'routine',
      entity: routine.entity,
      title,
      state,
      label: STATE_LABELS[state] ?? state,
      ...(due ? { due } : {}),
      ...(typeof s.attributes.streak === 'string' ? { streak: s.attributes.streak } : {}),
      pending,
      ...(pending && routine.done && states[routine.done] ? { done: routine.done } : {}),
      ...(pending && s.state !== 'snoozed' && routine.snooze && states[routine.snooze] ? { snooze: routine.snooze } : {}),
      sort: `${pending ? 1 : 2}${due ?? '99:99'}${title}`,
    });
  }
  return rows.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0)).map(({ sort: _sort, ...row }) => row as Row);
}

export type CheckinView = { kind: 'missing'; message: string } | { kind: 'checkin'; text: string; at?: string; detail?: string };

/**
 * The latest check-in, from the life coach's `sensor.<person>_checkin` (src/lifecoach/ha/
 * discovery.ts `checkinMessages`): the state is the short summary (≤ 255 characters), the
 * `message` attribute the whole message (null when none), `at` when it started (ISO),
 * `outcome` model | data | skipped. Shown: the message (else the summary), when, and a note
 * when it came from the routine data alone (the model did not answer).
 */
export function checkinView(states: States, entity: string, clock: Clock): CheckinView {
  const s = states[entity];
  if (!s) return { kind: 'missing', message: `Entity not available: ${entity}` };
  if (NO_VALUE.has(s.state)) return { kind: 'missing', message: `${entity} is ${s.state}` };
  const message = typeof s.attributes.message === 'string' && s.attributes.message.length > 0 ? s.attributes.message : undefined;
  const at = dateOf(s.attributes.at ?? s.last_changed);
  const detail = s.attributes.outcome === 'data' ? 'From the routine data: the model did not answer in time.' : undefined;
  return {
    kind: 'checkin',
    text: message ?? s.state,
    ...(at
      ? {
          at: `${day(at, clock.timeZone) === day(clock.now, clock.timeZone) ? 'today' : day(at, clock.timeZone)} ${timeOfDay(at, clock.timeZone)}`,
        }
      : {}),
    ...(detail ? { detail } : {}),
  };
}
