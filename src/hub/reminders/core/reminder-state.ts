/**
 * The data of the reminder state machine (reminder.ts): its phases, the persisted state, the
 * events it takes and the effects it hands back to the I/O layer.
 */
import type { Occurrence } from './schedule.js';

export type Phase = 'idle' | 'due' | 'nagging' | 'done' | 'snoozed' | 'skipped' | 'missed';
export type PressKind = 'single' | 'double' | 'long';
export type ActionKind = 'done' | 'snooze' | 'skip';
/** Where a done/snooze/skip came from: the phone's notification, HA's buttons (MQTT), hearth's HTTP API or its CLI. */
export type ActionSource = 'notification' | 'ha' | 'api' | 'cli';
/** Who made a routine due by hand: hearth's HTTP API or its CLI (`hearth routine due`). */
export type DueSource = 'api' | 'cli';

export interface ReminderState {
  routine: string;
  phase: Phase;
  /** When the current phase was entered. */
  since: number;
  /** The occurrence the phase is about; `forced` when made due by hand ("due now"). */
  occurrence?: Occurrence & { forced?: boolean };
  /** When the reminder (last) became pending: the escalation clock. */
  pendingSince?: number;
  /** Last time the person was reminded (became due, resumed, nagged): the nag clock. */
  lastNag?: number;
  /** The reminder has gone to the phone. */
  escalated: boolean;
  /** Pending but silenced by quiet hours. */
  held: boolean;
  /** What the LEDs were last told. */
  led: boolean;
  /** A notification tagged with this routine is showing. */
  notified: boolean;
  snoozedUntil?: number;
  /** A skip covers every occurrence that starts before this instant (the end of the skipped occurrence's local day). */
  skippedUntil?: number;
  lastDone?: number;
}

export type ReminderEvent =
  | { type: 'tick' }
  /** An occurrence starts (from the scheduler), or, without one, "due now" by hand (`source`: who; default api). */
  | { type: 'due'; occurrence?: Occurrence; source?: DueSource }
  /**
   * `at`: when the press happened, for one that arrives late (made while hearth was not
   * watching): it acknowledges only an occurrence that had started by then.
   */
  | { type: 'press'; press: PressKind; entity?: string; at?: number; device?: string }
  /** Done / snooze / skip from the phone, HA's buttons (MQTT) or hearth's HTTP API. */
  | { type: 'action'; action: ActionKind; source?: ActionSource }
  /** `state` passed to step is the persisted one; re-issues LED state, settles what passed meanwhile. */
  | { type: 'restore' };

export interface NotificationAction {
  action: string;
  title: string;
}

export type RecordKind = 'press' | 'due' | 'done' | 'snooze' | 'skip' | 'miss' | 'notify';

export interface RecordEffect {
  type: 'record';
  kind: RecordKind;
  routine: string;
  at: number;
  /** Start of the occurrence concerned. */
  occurrence?: number;
  press?: PressKind;
  /** For presses: whether a reminder was pending (a press with nothing pending changes nothing). */
  pending?: boolean;
  /**
   * What caused it: `button` (a press), `notification` (the phone), `ha` (HA's MQTT buttons),
   * `api`, `cli`, or `schedule` (the passing of time: falling due, nags, misses, a skipped day).
   */
  source?: string;
  /** The ESPHome node name of the button it came from (the history's `device` column). */
  device?: string;
  /** The button's HA event entity. */
  entity?: string;
  /** Why a record the schedule made was made: `skip-day` (covered by a skip earlier that day). */
  reason?: string;
  /** For snoozes: when it comes back. */
  until?: number;
  /** For presses that arrived late: when the button was pressed. */
  pressedAt?: number;
  /** Done early: acknowledged before its occurrence started (with nothing pending). */
  early?: boolean;
  /** Done or skipped a reminder made due by hand at this instant; `occurrence` is the scheduled one it covered. */
  forced?: number;
}

export type Effect =
  | { type: 'led'; on: boolean }
  | {
      type: 'notify';
      tag: string;
      title: string;
      message: string;
      person?: string;
      actions: NotificationAction[];
    }
  | { type: 'clear_notification'; tag: string }
  | RecordEffect
  | { type: 'publish' };

export interface StepResult {
  state: ReminderState;
  effects: Effect[];
}

export function initialState(routine: string, now: number): ReminderState {
  return { routine, phase: 'idle', since: now, escalated: false, held: false, led: false, notified: false };
}

export const isPending = (s: ReminderState): boolean => s.phase === 'due' || s.phase === 'nagging';
