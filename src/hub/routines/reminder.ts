/**
 * The reminder state machine of one routine, as a pure reducer:
 *
 *   step(state, event, now, plan) → { state, effects }
 *
 * idle → due → nagging → done | snoozed | skipped | missed, and from done/skipped/missed back
 * to due when the next occurrence starts. Effects are data; the I/O layer carries them out
 * (LEDs, phone notifications, the SQLite record, the MQTT state). The state is plain JSON so
 * that it can be persisted and handed back with a `restore` event after a restart.
 *
 * Every event first brings the state up to `now` (as a `tick` would), then applies itself,
 * so a press that arrives after the window closed is not taken as done.
 */
import type { Routine } from '../../config/hearth-config.js';
import { inQuietHours, nextQuietBoundary, type QuietHours } from './quiet.js';
import { minuteOfDay, occurrenceAt, scheduleOf, startOfNextLocalDay, type Occurrence, type Schedule } from './schedule.js';

export type Phase = 'idle' | 'due' | 'nagging' | 'done' | 'snoozed' | 'skipped' | 'missed';
export type PressKind = 'single' | 'double' | 'long';
export type ActionKind = 'done' | 'snooze' | 'skip';
export type ActionSource = 'notification' | 'ha' | 'api';

/** A routine resolved against the household: durations in ms, zone and quiet hours settled. */
export interface RoutinePlan {
  id: string;
  title: string;
  person?: string;
  timezone: string;
  schedule: Schedule;
  windowMs: number;
  nagEveryMs: number;
  /** Undefined: never goes to the phone. 0: straight to the phone. */
  escalateAfterMs?: number;
  snoozeMs: number;
  quietHours?: QuietHours;
}

export interface Household {
  timezone: string;
  quiet_hours?: QuietHours;
}

export function planRoutine(routine: Routine, household: Household): RoutinePlan {
  const timezone = routine.timezone ?? household.timezone;
  const plan: RoutinePlan = {
    id: routine.id,
    title: routine.title,
    timezone,
    schedule: scheduleOf(routine, household.timezone),
    windowMs: routine.window * 1000,
    nagEveryMs: Math.max(1, routine.nag_every) * 1000,
    snoozeMs: routine.snooze * 1000,
  };
  if (routine.person !== undefined) plan.person = routine.person;
  if (routine.escalate_after !== undefined) plan.escalateAfterMs = routine.escalate_after * 1000;
  const quiet = routine.quiet_hours ?? household.quiet_hours;
  if (quiet) plan.quietHours = quiet;
  return plan;
}

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
  /** A skip covers every occurrence that starts before this instant (the end of that local day). */
  skippedUntil?: number;
  lastDone?: number;
}

export type ReminderEvent =
  | { type: 'tick' }
  /** An occurrence starts (from the scheduler), or, without one, "due now" by hand. */
  | { type: 'due'; occurrence?: Occurrence }
  /**
   * `at`: when the press happened, for one that arrives late (made while hearth was not
   * watching): it acknowledges only an occurrence that had started by then.
   */
  | { type: 'press'; press: PressKind; entity?: string; at?: number }
  /** Done / snooze / skip from the phone, HA's buttons (MQTT) or hearth's HTTP API. */
  | { type: 'action'; action: ActionKind; source?: ActionSource }
  /** `state` passed to step is the persisted one; re-issues LED state, settles what passed meanwhile. */
  | { type: 'restore' };

export interface NotificationAction {
  action: string;
  title: string;
}

export type RecordKind = 'press' | 'done' | 'snooze' | 'skip' | 'miss' | 'notify';

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
  /** Where an acknowledgement came from: a button press, a phone action, HA, … */
  source?: string;
  /** For snoozes: when it comes back. */
  until?: number;
  /** For presses that arrived late: when the button was pressed. */
  pressedAt?: number;
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

const ACTION_TITLES: Record<ActionKind, string> = { done: 'Done', snooze: 'Snooze', skip: 'Skip' };

/** The id of a notification action button, as it comes back in `mobile_app_notification_action`. */
export function notificationActionId(routine: string, action: ActionKind): string {
  return `HEARTH_${action.toUpperCase()}:${routine}`;
}

export function parseNotificationActionId(id: string): { routine: string; action: ActionKind } | undefined {
  const match = /^HEARTH_(DONE|SNOOZE|SKIP):(.+)$/.exec(id);
  if (!match) return undefined;
  return { action: match[1]!.toLowerCase() as ActionKind, routine: match[2]! };
}

export function initialState(routine: string, now: number): ReminderState {
  return { routine, phase: 'idle', since: now, escalated: false, held: false, led: false, notified: false };
}

export const isPending = (s: ReminderState): boolean => s.phase === 'due' || s.phase === 'nagging';

const PRESS_ACTION: Record<PressKind, ActionKind> = { single: 'done', double: 'snooze', long: 'skip' };

function hhmm(t: number, timezone: string): string {
  const m = minuteOfDay(t, timezone);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Collects effects while a copy of the state is changed. */
class Run {
  readonly effects: Effect[] = [];
  constructor(
    public s: ReminderState,
    readonly now: number,
    readonly plan: RoutinePlan,
  ) {}

  record(kind: RecordKind, at: number, extra: Partial<RecordEffect> = {}, withOccurrence = true): void {
    const r: RecordEffect = { type: 'record', kind, routine: this.plan.id, at, ...extra };
    if (withOccurrence && r.occurrence === undefined && this.s.occurrence) r.occurrence = this.s.occurrence.start;
    this.effects.push(r);
  }

  led(on: boolean): void {
    if (this.s.led === on) return;
    this.s.led = on;
    this.effects.push({ type: 'led', on });
  }

  notify(): void {
    const occ = this.s.occurrence;
    const message = occ?.forced ? 'Due now' : `Due since ${hhmm(occ?.start ?? this.now, this.plan.timezone)}`;
    const effect: Effect = {
      type: 'notify',
      tag: this.plan.id,
      title: this.plan.title,
      message,
      actions: (['done', 'snooze', 'skip'] as const).map((a) => ({
        action: notificationActionId(this.plan.id, a),
        title: ACTION_TITLES[a],
      })),
    };
    if (this.plan.person !== undefined) effect.person = this.plan.person;
    this.effects.push(effect);
    this.s.notified = true;
    this.record('notify', this.now);
  }

  clearNotification(): void {
    if (!this.s.notified) return;
    this.s.notified = false;
    this.effects.push({ type: 'clear_notification', tag: this.plan.id });
  }

  quiet(t: number): boolean {
    return inQuietHours(t, this.plan.quietHours, this.plan.timezone);
  }

  /** Stop reminding: LED off, notification gone. */
  silence(): void {
    this.led(false);
    this.clearNotification();
  }

  enter(phase: Phase, at: number): void {
    this.s.phase = phase;
    this.s.since = at;
  }

  becomePending(occurrence: ReminderState['occurrence'], at: number, keepEscalation = false): void {
    const s = this.s;
    s.occurrence = occurrence;
    this.enter('due', at);
    s.pendingSince = at;
    s.lastNag = at;
    if (!keepEscalation) s.escalated = false;
    delete s.snoozedUntil;
    s.held = this.quiet(at);
    if (!s.held) {
      this.led(true);
      if (s.escalated) this.notify();
    }
  }

  miss(at: number): void {
    this.silence();
    this.record('miss', at);
    this.enter('missed', at);
    delete this.s.snoozedUntil;
  }

  /** Everything that happens by the mere passing of time, up to `now`. */
  advance(): void {
    const { now, plan } = this;
    const s = this.s;

    // Windows that closed.
    if ((isPending(s) || s.phase === 'snoozed') && s.occurrence && now >= s.occurrence.end) this.miss(s.occurrence.end);

    // A snooze that ran out.
    if (s.phase === 'snoozed' && s.snoozedUntil !== undefined && now >= s.snoozedUntil) {
      this.becomePending(s.occurrence, s.snoozedUntil, true);
    }

    // A new occurrence.
    const active = occurrenceAt(plan.schedule, now).active;
    if (active && (!s.occurrence || active.start > s.occurrence.start)) this.startOccurrence(active);

    if (isPending(s)) this.remind();
  }

  startOccurrence(occurrence: Occurrence): void {
    const s = this.s;
    if (s.phase === 'skipped' && s.skippedUntil !== undefined && occurrence.start < s.skippedUntil) {
      s.occurrence = occurrence;
      this.record('skip', occurrence.start, { source: 'skip-day' });
      return;
    }
    // An older occurrence still pending when the next one starts is missed; the new one takes over.
    if (isPending(s) || s.phase === 'snoozed') {
      this.record('miss', occurrence.start);
      this.clearNotification();
    }
    this.becomePending(occurrence, occurrence.start);
  }

  /** Quiet hours, escalation and nagging for a pending reminder. */
  remind(): void {
    const { now, plan } = this;
    const s = this.s;
    const quiet = this.quiet(now);
    const escalationDue =
      !s.escalated && plan.escalateAfterMs !== undefined && now >= (s.pendingSince ?? now) + plan.escalateAfterMs;

    if (quiet) {
      if (!s.held) {
        s.held = true;
        this.led(false);
      }
      return;
    }
    if (s.held) {
      // Quiet hours are over and it is still in its window: remind again.
      s.held = false;
      s.lastNag = now;
      this.led(true);
      if (escalationDue) s.escalated = true;
      if (s.escalated) this.notify();
      return;
    }
    if (escalationDue) {
      s.escalated = true;
      this.notify();
    }
    if (now >= (s.lastNag ?? now) + plan.nagEveryMs) {
      s.lastNag = now;
      if (s.phase === 'due') this.enter('nagging', now);
      // Re-issue the pulse (a device that rebooted meanwhile lights up again), once per step.
      if (!this.effects.some((e) => e.type === 'led' && e.on)) this.effects.push({ type: 'led', on: true });
      s.led = true;
      if (s.escalated && !escalationDue) this.notify();
    }
  }

  acknowledge(action: ActionKind, source: string): void {
    const { now, plan } = this;
    const s = this.s;
    this.silence();
    s.held = false;
    if (action === 'done') {
      s.lastDone = now;
      this.record('done', now, { source });
      this.enter('done', now);
      delete s.snoozedUntil;
    } else if (action === 'snooze') {
      s.snoozedUntil = now + plan.snoozeMs;
      this.record('snooze', now, { source, until: s.snoozedUntil });
      this.enter('snoozed', now);
    } else {
      s.skippedUntil = startOfNextLocalDay(now, plan.timezone);
      this.record('skip', now, { source });
      this.enter('skipped', now);
      delete s.snoozedUntil;
    }
  }
}

function publicView(s: ReminderState): string {
  return JSON.stringify([s.phase, s.since, s.occurrence?.start, s.escalated, s.held, s.snoozedUntil, s.lastDone]);
}

export function step(state: ReminderState, event: ReminderEvent, now: number, plan: RoutinePlan): StepResult {
  const run = new Run(structuredClone(state), now, plan);
  const before = publicView(state);

  run.advance();
  const s = run.s;

  switch (event.type) {
    case 'tick':
      break;
    case 'restore':
      // After a restart the LEDs' state is unknown: say what it should be, whatever we think it is.
      if (!run.effects.some((e) => e.type === 'led')) run.effects.push({ type: 'led', on: s.led });
      break;
    case 'due': {
      if (event.occurrence) {
        if (!s.occurrence || event.occurrence.start > s.occurrence.start) run.startOccurrence(event.occurrence);
      } else if (s.phase === 'snoozed') {
        run.becomePending(s.occurrence, now, true);
      } else if (!isPending(s)) {
        run.becomePending({ start: now, end: now + plan.windowMs, forced: true }, now);
      }
      if (isPending(s)) run.remind();
      break;
    }
    case 'press': {
      const startedBefore = event.at === undefined || (s.occurrence !== undefined && event.at >= s.occurrence.start);
      const pending = (isPending(s) || s.phase === 'snoozed') && startedBefore;
      const extra: Partial<RecordEffect> = { press: event.press, pending, source: event.entity ?? 'button' };
      if (event.at !== undefined) extra.pressedAt = event.at;
      run.record('press', now, extra, pending);
      if (pending) run.acknowledge(PRESS_ACTION[event.press], 'button');
      break;
    }
    case 'action': {
      if (isPending(s) || s.phase === 'snoozed') run.acknowledge(event.action, event.source ?? 'notification');
      break;
    }
  }

  if (publicView(s) !== before) run.effects.push({ type: 'publish' });
  return { state: s, effects: run.effects };
}

/**
 * The next instant at which a `tick` could change something (an occurrence starts, a nag, the
 * escalation, a snooze returning, quiet hours starting or ending, the window closing). The
 * I/O layer keeps one timer for it; undefined means nothing is scheduled.
 */
export function nextWakeup(state: ReminderState, plan: RoutinePlan, now: number): number | undefined {
  const at: number[] = [];
  const next = plan.schedule.next(now);
  if (next !== undefined) at.push(next);
  const occ = state.occurrence;
  if (isPending(state)) {
    if (occ) at.push(occ.end);
    if (!state.held) {
      at.push((state.lastNag ?? now) + plan.nagEveryMs);
      if (!state.escalated && plan.escalateAfterMs !== undefined) {
        at.push((state.pendingSince ?? now) + plan.escalateAfterMs);
      }
    }
    const boundary = nextQuietBoundary(now, plan.quietHours, plan.timezone);
    if (boundary !== undefined) at.push(boundary);
  } else if (state.phase === 'snoozed') {
    if (state.snoozedUntil !== undefined) at.push(state.snoozedUntil);
    if (occ) at.push(occ.end);
  }
  const future = at.map((t) => Math.max(t, now));
  return future.length ? Math.min(...future) : undefined;
}
